/* The baseline for `npm run bench`: the same samples the mixer's callback
 * mixes, summed by a plain C add loop with no mixer around it. */
#define _POSIX_C_SOURCE 200809L
#include "bench_kernels.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
