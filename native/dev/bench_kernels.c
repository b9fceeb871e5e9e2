/* Kernels for `npm run bench`: the baseline (the same samples the mixer's
 * callback mixes, summed by a plain C add loop with no mixer around it), the
 * callback itself driven offline, and the level meter alone. */
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

/* `voices` separate buffers of `sound_frames` frames (each its own
 * allocation, as each play() gets), all read at the same advancing position. */
static float **make_sounds(unsigned voices, size_t samples) {
    float **sounds = calloc(voices ? voices : 1, sizeof(*sounds));
    for (unsigned v = 0; sounds && v < voices; v++) {
        sounds[v] = malloc(samples * sizeof(float));
        if (!sounds[v]) return NULL; /* a benchmark: the process ends soon anyway */
        for (size_t i = 0; i < samples; i++) sounds[v][i] = (float)((i + v) % 97) / 970.0f;
    }
    return sounds;
}

static void free_sounds(float **sounds, unsigned voices) {
    for (unsigned v = 0; sounds && v < voices; v++) free(sounds[v]);
    free(sounds);
}

double bench_sum_voices_ns(unsigned voices, unsigned frames, unsigned channels, unsigned blocks,
                           unsigned sound_frames) {
    if (sound_frames < frames) sound_frames = frames;
    const size_t n = (size_t)frames * channels;
    float *out = malloc(n * sizeof(float));
    float **sounds = make_sounds(voices, (size_t)sound_frames * channels);
    if (!out || !sounds) return -1;
    volatile float sink = 0;
    size_t position = 0;
    const double start = thread_cpu_ns();
    for (unsigned b = 0; b < blocks; b++) {
        memset(out, 0, n * sizeof(float));
        for (unsigned v = 0; v < voices; v++) {
            const float *restrict s = sounds[v] + position * channels;
            float *restrict o = out;
            /* In blocks of 8, so that GCC vectorises it at -O2 as it does the
             * mixer's own loop: the reference is no slower than it can be. */
            size_t i = 0;
            for (; i + 8 <= n; i += 8)
                for (unsigned k = 0; k < 8; k++) o[i + k] += s[i + k] * 0.5f;
            for (; i < n; i++) o[i] += s[i] * 0.5f;
        }
        position += frames;
        if (position + frames > sound_frames) position = 0;
        sink += out[b % n];
    }
    const double per_block = (thread_cpu_ns() - start) / blocks;
    (void)sink;
    free(out);
    free_sounds(sounds, voices);
    return per_block;
}

double bench_process_voices_ns(unsigned voices, unsigned frames, unsigned blocks, unsigned sound_frames) {
    if (sound_frames < frames) sound_frames = frames;
    rtm_state s;
    if (!rtm_state_init(&s, 2, 2, 48000, voices + 1)) return -1;
    float **sounds = make_sounds(voices, (size_t)sound_frames * 2);
    rtm_action *a = calloc(voices ? voices : 1, sizeof(*a));
    float *in = calloc((size_t)frames * 2, sizeof(float));
    float *out = calloc((size_t)frames * 2, sizeof(float));
    if (!sounds || !a || !in || !out) return -1;
    for (unsigned v = 0; v < voices; v++) {
        a[v].type = RTM_PLAY_BUFFER;
        a[v].id = v + 1;
        a[v].start_frame = RTM_ASAP;
        a[v].gain = 0.5f;
        a[v].channels = 2;
        a[v].channel_map[1] = 1;
        a[v].buffer = sounds[v];
        a[v].total_frames = sound_frames;
        a[v].loops = RTM_LOOP_FOREVER;
        spsc_queue_push(&s.actions, &a[v]);
    }
    rtm_process(&s, in, out, frames, 0); /* takes them */
    const double start = thread_cpu_ns();
    for (unsigned b = 0; b < blocks; b++) rtm_process(&s, in, out, frames, 0);
    const double per_block = (thread_cpu_ns() - start) / blocks;
    rtm_state_drain_closed(&s);
    while (spsc_queue_pop(&s.results)) {
    }
    rtm_state_destroy(&s);
    free_sounds(sounds, voices);
    free(a);
    free(in);
    free(out);
    return per_block;
}

double bench_levels_ns(unsigned frames, unsigned channels, unsigned blocks) {
    float *buf = malloc((size_t)frames * channels * sizeof(float));
    if (!buf) return -1;
    for (size_t i = 0; i < (size_t)frames * channels; i++) buf[i] = (float)(i % 97) / 97.0f - 0.5f;
    rtm_levels m;
    rtm_levels_reset(&m, channels);
    const double start = thread_cpu_ns();
    for (unsigned b = 0; b < blocks; b++) rtm_levels_add(&m, buf, frames);
    const double per_block = (thread_cpu_ns() - start) / blocks;
    volatile double sink = m.sum_squares[0];
    (void)sink;
    free(buf);
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
