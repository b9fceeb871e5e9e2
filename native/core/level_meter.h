/* Level meters: per channel, the peak and the sum of squares of a signal over
 * a stats window (between two FETCH_STATS). The callback feeds it the mixed
 * output and the input of every block; a fetch snapshots and resets it.
 * Fixed arrays, no allocation, a few operations per sample. */
#ifndef RTMIXER_LEVEL_METER_H
#define RTMIXER_LEVEL_METER_H
#include <stdint.h>

#include "rtm_contract.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rtm_levels {
    uint32_t channels;
    float peak[RTM_MAX_CHANNELS];         /* largest |sample| seen */
    double sum_squares[RTM_MAX_CHANNELS]; /* sum of sample² (RMS = sqrt(sum / frames)) */
} rtm_levels;

/* Empties the meter for `channels` channels (at most RTM_MAX_CHANNELS). */
void rtm_levels_reset(rtm_levels *m, unsigned channels);

/* Adds `frames` interleaved frames, m->channels wide. A block whose squares do
 * not sum to a finite number (Inf or NaN in the input) adds to the peak only. */
void rtm_levels_add(rtm_levels *m, const float *buf, unsigned long frames);

#ifdef __cplusplus
}
#endif
#endif
