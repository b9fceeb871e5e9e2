/* Lock-free single-producer/single-consumer queue of pointers (C11 atomics).
 * Capacity is fixed at creation; push and pop never allocate, so either end may
 * be the audio callback. */
#ifndef RTMIXER_SPSC_QUEUE_H
#define RTMIXER_SPSC_QUEUE_H
#include <stdatomic.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spsc_queue {
    size_t capacity; /* power of two */
    void **slots;
    _Atomic(size_t) head; /* next slot to read; written by the consumer only */
    _Atomic(size_t) tail; /* next slot to write; written by the producer only */
} spsc_queue;

/* Not real-time: allocates. capacity is rounded up to a power of two. */
int spsc_queue_init(spsc_queue *q, size_t capacity);
void spsc_queue_destroy(spsc_queue *q);

/* Real-time safe. push returns 0 when full; pop returns NULL when empty. */
int spsc_queue_push(spsc_queue *q, void *item);
void *spsc_queue_pop(spsc_queue *q);
size_t spsc_queue_size(const spsc_queue *q);

#ifdef __cplusplus
}
#endif
#endif
