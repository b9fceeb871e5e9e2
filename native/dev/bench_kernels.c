/* The baseline for `npm run bench`: the same samples the mixer's callback
 * mixes, summed by a plain C add loop with no mixer around it. */
#define _POSIX_C_SOURCE 200809L
#include "bench_kernels.h"

#include "mixer_core.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: the work itself, without the time a loaded
 * machine's scheduler gives to other processes in the middle of a block. */
static double thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double bench_sum_voices_ns(unsigned voices, unsigned frames, unsigned channels, unsigned blocks) {
    size_t n = (size_t)frames * channels;
    float *out = malloc(n * sizeof(float));
    float *src = malloc((size_t)voices * n * sizeof(float));
    if (!out || !src) {
        free(out);
        free(src);
        return -1;
    }
    for (size_t i = 0; i < (size_t)voices * n; i++) src[i] = (float)(i % 97) / 97.0f;
    volatile float sink = 0;
    double start = now_ns();
    for (unsigned b = 0; b < blocks; b++) {
        memset(out, 0, n * sizeof(float));
        for (unsigned v = 0; v < voices; v++) {
            const float *s = src + (size_t)v * n;
            for (size_t i = 0; i < n; i++) out[i] += s[i] * 0.5f;
        }
        sink += out[b % n];
    }
    double per_block = (now_ns() - start) / blocks;
    (void)sink;
    free(out);
    free(src);
    return per_block;
}

/* The callback's worst block offline: `items` queue items (each one second of
 * stereo, each after the previous) handed over at once, a few blocks of them
 * waiting, then a cancel for every one. rtm_process() is timed directly, no
 * PortAudio around it, in thread CPU time. out: [0] the block that takes the queue, [1] the block
 * that takes the cancels, [2] the mean of the blocks in between, in ns. */
int bench_worst_block(unsigned items, unsigned frames, double out[3]) {
    rtm_state s;
    if (!rtm_state_init(&s, 0, 2, 48000, 2 * items)) return 0;
    rtm_action **a = calloc(items, sizeof(*a));
    float *samples = calloc(48000 * 2, sizeof(float));
    float *block = calloc((size_t)frames * 2, sizeof(float));
    if (!a || !samples || !block) return 0;
    for (unsigned i = 0; i < items; i++) {
        a[i] = calloc(1, sizeof(rtm_action));
        a[i]->type = RTM_PLAY_BUFFER;
        a[i]->id = i + 1;
        a[i]->start_frame = RTM_ASAP;
        a[i]->allow_belated = 1;
        a[i]->gain = 0.5f;
        a[i]->channels = 2;
        a[i]->channel_map[1] = 1;
        a[i]->buffer = samples;
        a[i]->total_frames = 48000;
        a[i]->after_id = i ? i : 0;
    }
    rtm_action **c = calloc(items, sizeof(*c));
    for (unsigned i = 0; i < items; i++) {
        c[i] = calloc(1, sizeof(rtm_action));
        c[i]->type = RTM_CANCEL;
        c[i]->id = items + i + 1;
        c[i]->start_frame = RTM_ASAP;
        c[i]->allow_belated = 1;
        c[i]->target_id = i + 1;
    }
    rtm_process(&s, NULL, block, frames, 0); /* warm up */
    for (unsigned i = 0; i < items; i++) spsc_queue_push(&s.actions, a[i]);
    double t = thread_cpu_ns();
    rtm_process(&s, NULL, block, frames, 0);
    out[0] = thread_cpu_ns() - t;
    t = thread_cpu_ns();
    for (int b = 0; b < 100; b++) rtm_process(&s, NULL, block, frames, 0);
    out[2] = (thread_cpu_ns() - t) / 100;
    for (unsigned i = 0; i < items; i++) spsc_queue_push(&s.actions, c[i]);
    t = thread_cpu_ns();
    rtm_process(&s, NULL, block, frames, 0);
    out[1] = thread_cpu_ns() - t;
    rtm_process(&s, NULL, block, frames, 0);
    rtm_state_drain_closed(&s);
    while (spsc_queue_pop(&s.results)) {
    }
    for (unsigned i = 0; i < items; i++) {
        free(a[i]);
        free(c[i]);
    }
    free(a);
    free(c);
    free(samples);
    free(block);
    rtm_state_destroy(&s);
    return 1;
}
