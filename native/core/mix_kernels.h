/* The inner loops of the mix: a run of source frames, one constant gain,
 * added into the interleaved output. Header-only (inlined into the callback).
 *
 * Written so that compilers vectorise them at -O2: `restrict` (the source
 * never overlaps the output) and fixed-size inner blocks of RTM_MIX_LANES,
 * because GCC's default -O2 cost model vectorises only loops that need neither
 * an alias check nor a remainder. A plain `for (i < n) out[i] += src[i] * g`
 * stays scalar there (measured: 4× slower at 256 voices). Every kernel does, per
 * sample, exactly out += src * g in float, so each gives the same bits as the
 * frame-by-frame path with the same gain. */
#ifndef RTMIXER_MIX_KERNELS_H
#define RTMIXER_MIX_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#define RTM_MIX_LANES 8

/* out[i] += src[i] * g for i < n: one source channel per output channel, in order
 * (stereo to stereo, mono to mono, N to the same N). */
static inline void rtm_mix_contiguous(float *restrict out, const float *restrict src, size_t n, float g) {
    size_t i = 0;
    for (; i + RTM_MIX_LANES <= n; i += RTM_MIX_LANES)
        for (unsigned k = 0; k < RTM_MIX_LANES; k++) out[i + k] += src[i + k] * g;
    for (; i < n; i++) out[i] += src[i] * g;
}

/* A stereo source to two output channels `l` and `r` of an `oc`-wide output. */
static inline void rtm_mix_stereo_to(float *restrict out, unsigned oc, unsigned l, unsigned r,
                                     const float *restrict src, size_t frames, float g) {
    for (size_t f = 0; f < frames; f++) {
        out[f * oc + l] += src[2 * f] * g;
        out[f * oc + r] += src[2 * f + 1] * g;
    }
}

/* A mono source to output channel `c` of an `oc`-wide output. */
static inline void rtm_mix_mono_to(float *restrict out, unsigned oc, unsigned c, const float *restrict src,
                                   size_t frames, float g) {
    if (oc == 1) {
        rtm_mix_contiguous(out, src, frames, g);
        return;
    }
    for (size_t f = 0; f < frames; f++) out[f * oc + c] += src[f] * g;
}

/* Any mapping: source channel k of `ch` to output channel map[k]. */
static inline void rtm_mix_mapped(float *restrict out, unsigned oc, const uint8_t *map, unsigned ch,
                                  const float *restrict src, size_t frames, float g) {
    for (size_t f = 0; f < frames; f++)
        for (unsigned k = 0; k < ch; k++) out[f * oc + map[k]] += src[f * ch + k] * g;
}

#endif
