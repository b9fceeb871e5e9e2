#include "spsc_queue.h"

#include "rt_memory.h"

int spsc_queue_init(spsc_queue *q, size_t capacity) {
    size_t cap = 1;
    while (cap < capacity) cap <<= 1;
    q->slots = rtm_rt_alloc(cap * sizeof(void *)); /* the callback writes the result slots */
    if (!q->slots) return 0;
    q->capacity = cap;
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    return 1;
}

void spsc_queue_destroy(spsc_queue *q) {
    rtm_rt_free(q->slots);
    q->slots = NULL;
}

int spsc_queue_push(spsc_queue *q, void *item) {
    size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    if (tail - head >= q->capacity) return 0;
    q->slots[tail & (q->capacity - 1)] = item;
    /* release: the item's fields are visible before the consumer sees the slot */
    atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
    return 1;
}

void *spsc_queue_pop(spsc_queue *q) {
    size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    if (head == tail) return NULL;
    void *item = q->slots[head & (q->capacity - 1)];
    atomic_store_explicit(&q->head, head + 1, memory_order_release);
    return item;
}

size_t spsc_queue_size(const spsc_queue *q) {
    return atomic_load_explicit(&q->tail, memory_order_acquire) -
           atomic_load_explicit(&q->head, memory_order_acquire);
}
