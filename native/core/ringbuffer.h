/* Lock-free single-producer/single-consumer ring buffer of interleaved float
 * frames. The callback is one end, JavaScript the other. The capacity is a
 * power of two in frames, fixed at creation. */
#ifndef RTMIXER_RINGBUFFER_H
#define RTMIXER_RINGBUFFER_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ringbuffer {
    size_t capacity; /* frames, power of two */
    unsigned channels;
    float *data;
    _Atomic(size_t) read_pos;  /* total frames read, written by the reader only */
    _Atomic(size_t) write_pos; /* total frames written, written by the writer only */
    _Atomic(int) ended;        /* the writer will write no more */
} ringbuffer;

/* Not real-time: allocate and free. capacity is rounded up to a power of two. */
ringbuffer *ringbuffer_create(size_t capacity_frames, unsigned channels);
void ringbuffer_destroy(ringbuffer *rb);

size_t ringbuffer_read_available(const ringbuffer *rb);
size_t ringbuffer_write_available(const ringbuffer *rb);
/* Copy up to frames frames; returns how many were copied. */
size_t ringbuffer_write(ringbuffer *rb, const float *src, size_t frames);
size_t ringbuffer_read(ringbuffer *rb, float *dst, size_t frames);

/* Zero-copy access for the callback: up to two contiguous regions. */
typedef struct ringbuffer_regions {
    float *first;
    size_t first_frames;
    float *second;
    size_t second_frames;
} ringbuffer_regions;
void ringbuffer_read_regions(ringbuffer *rb, size_t frames, ringbuffer_regions *out);
void ringbuffer_read_advance(ringbuffer *rb, size_t frames);
void ringbuffer_write_regions(ringbuffer *rb, size_t frames, ringbuffer_regions *out);
void ringbuffer_write_advance(ringbuffer *rb, size_t frames);

#ifdef __cplusplus
}
#endif
#endif
