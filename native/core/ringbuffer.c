#include "ringbuffer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_memory.h"

ringbuffer *ringbuffer_create(size_t capacity_frames, unsigned channels) {
    if (channels == 0 || capacity_frames == 0 || capacity_frames > (SIZE_MAX >> 2)) return NULL;
    size_t cap = 1;
    while (cap < capacity_frames) cap <<= 1;
    size_t bytes;
    if (__builtin_mul_overflow(cap, (size_t)channels * sizeof(float), &bytes)) return NULL;
    /* The callback moves the positions and reads or writes every page of the
     * data: both resident and fork-proof (rt_memory.h). */
    ringbuffer *rb = rtm_rt_alloc(sizeof(*rb));
    if (!rb) return NULL;
    rb->data = rtm_rt_alloc(bytes);
    if (!rb->data) {
        rtm_rt_free(rb);
        return NULL;
    }
    rb->capacity = cap;
    rb->channels = channels;
    atomic_init(&rb->read_pos, 0);
    atomic_init(&rb->write_pos, 0);
    atomic_init(&rb->ended, 0);
    return rb;
}

void ringbuffer_destroy(ringbuffer *rb) {
    if (!rb) return;
    rtm_rt_free(rb->data);
    rtm_rt_free(rb);
}

size_t ringbuffer_read_available(const ringbuffer *rb) {
    size_t available = atomic_load_explicit(&rb->write_pos, memory_order_acquire) -
                       atomic_load_explicit(&rb->read_pos, memory_order_acquire);
    /* Never more than the ring holds, even if a second reader raced ahead:
     * every region handed out stays inside the ring. */
    return available <= rb->capacity ? available : rb->capacity;
}

size_t ringbuffer_write_available(const ringbuffer *rb) {
    return rb->capacity - ringbuffer_read_available(rb);
}

static void regions_at(ringbuffer *rb, size_t pos, size_t frames, ringbuffer_regions *out) {
    size_t index = pos & (rb->capacity - 1);
    size_t until_wrap = rb->capacity - index;
    out->first = rb->data + index * rb->channels;
    out->first_frames = frames < until_wrap ? frames : until_wrap;
    out->second = rb->data;
    out->second_frames = frames - out->first_frames;
}

void ringbuffer_read_regions(ringbuffer *rb, size_t frames, ringbuffer_regions *out) {
    size_t available = ringbuffer_read_available(rb);
    if (frames > available) frames = available;
    regions_at(rb, atomic_load_explicit(&rb->read_pos, memory_order_relaxed), frames, out);
}

void ringbuffer_read_advance(ringbuffer *rb, size_t frames) {
    atomic_fetch_add_explicit(&rb->read_pos, frames, memory_order_release);
}

void ringbuffer_write_regions(ringbuffer *rb, size_t frames, ringbuffer_regions *out) {
    size_t available = ringbuffer_write_available(rb);
    if (frames > available) frames = available;
    regions_at(rb, atomic_load_explicit(&rb->write_pos, memory_order_relaxed), frames, out);
}

void ringbuffer_write_advance(ringbuffer *rb, size_t frames) {
    atomic_fetch_add_explicit(&rb->write_pos, frames, memory_order_release);
}

size_t ringbuffer_write(ringbuffer *rb, const float *src, size_t frames) {
    ringbuffer_regions r;
    ringbuffer_write_regions(rb, frames, &r);
    size_t bytes_per_frame = rb->channels * sizeof(float);
    memcpy(r.first, src, r.first_frames * bytes_per_frame);
    memcpy(r.second, src + r.first_frames * rb->channels, r.second_frames * bytes_per_frame);
    ringbuffer_write_advance(rb, r.first_frames + r.second_frames);
    return r.first_frames + r.second_frames;
}

size_t ringbuffer_read(ringbuffer *rb, float *dst, size_t frames) {
    ringbuffer_regions r;
    ringbuffer_read_regions(rb, frames, &r);
    size_t bytes_per_frame = rb->channels * sizeof(float);
    memcpy(dst, r.first, r.first_frames * bytes_per_frame);
    memcpy(dst + r.first_frames * rb->channels, r.second, r.second_frames * bytes_per_frame);
    ringbuffer_read_advance(rb, r.first_frames + r.second_frames);
    return r.first_frames + r.second_frames;
}
