/* Level meters (see level_meter.h). Real-time safe: called from the callback. */
#include "level_meter.h"

#include <math.h>
#include <string.h>

/* Lanes of the interleaved loop: a multiple of every channel count it serves,
 * so lane k always holds channel k % channels. */
#define LANES 8

void rtm_levels_reset(rtm_levels *m, unsigned channels) {
    memset(m, 0, sizeof(*m));
    m->channels = channels <= RTM_MAX_CHANNELS ? channels : RTM_MAX_CHANNELS;
}

static void add_channel_sum(rtm_levels *m, unsigned c, float sum) {
    if (isfinite(sum)) m->sum_squares[c] += sum;
}

/* 1, 2, 4 or 8 channels: one pass over the interleaved samples in LANES
 * accumulators, which compilers vectorise (max and multiply-add per sample). */
static void add_lanes(rtm_levels *m, const float *restrict buf, size_t n) {
    const unsigned ch = m->channels;
    float peak[LANES] = {0}, sq[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (unsigned k = 0; k < LANES; k++) {
            const float x = buf[i + k], a = fabsf(x);
            peak[k] = a > peak[k] ? a : peak[k];
            sq[k] += x * x;
        }
    for (unsigned k = 0; i < n; i++, k++) { /* the remainder: lane k is sample i's channel */
        const float x = buf[i], a = fabsf(x);
        peak[k] = a > peak[k] ? a : peak[k];
        sq[k] += x * x;
    }
    for (unsigned c = 0; c < ch; c++) {
        float p = m->peak[c], s = 0.0f;
        for (unsigned k = c; k < LANES; k += ch) {
            p = peak[k] > p ? peak[k] : p;
            s += sq[k];
        }
        m->peak[c] = p;
        add_channel_sum(m, c, s);
    }
}

void rtm_levels_add(rtm_levels *m, const float *buf, unsigned long frames) {
    const unsigned ch = m->channels;
    if (!buf || ch == 0) return;
    if (LANES % ch == 0) {
        add_lanes(m, buf, (size_t)frames * ch);
        return;
    }
    for (unsigned c = 0; c < ch; c++) {
        float p = m->peak[c], s = 0.0f;
        for (unsigned long f = 0; f < frames; f++) {
            const float x = buf[f * ch + c], a = fabsf(x);
            p = a > p ? a : p;
            s += x * x;
        }
        m->peak[c] = p;
        add_channel_sum(m, c, s);
    }
}
