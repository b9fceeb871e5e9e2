/* Denormal floats cost up to a hundred times a normal operation on x86: a
 * fade or ramp that decays towards zero could turn a cheap block into an xrun.
 * The callback flushes them to zero while it runs (x86: MXCSR FTZ + DAZ;
 * ARM: FPCR/FPSCR FZ) and restores the thread's mode before it returns, so the
 * host thread is left as it was found. Header-only: no calls out. */
#ifndef RTMIXER_FPU_GUARD_H
#define RTMIXER_FPU_GUARD_H
#include <stdint.h>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
typedef unsigned int rtm_fpu_state;
static inline rtm_fpu_state rtm_fpu_flush_denormals(void) {
    rtm_fpu_state saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8000u /* FTZ */ | 0x0040u /* DAZ */);
    return saved;
}
static inline void rtm_fpu_restore(rtm_fpu_state saved) { _mm_setcsr(saved); }
#elif defined(__aarch64__)
typedef uint64_t rtm_fpu_state;
static inline rtm_fpu_state rtm_fpu_flush_denormals(void) {
    uint64_t saved;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(saved));
    __asm__ __volatile__("msr fpcr, %0" : : "r"(saved | (1ull << 24) /* FZ */));
    return saved;
}
static inline void rtm_fpu_restore(rtm_fpu_state saved) { __asm__ __volatile__("msr fpcr, %0" : : "r"(saved)); }
#elif defined(__arm__) && defined(__ARM_FP)
typedef uint32_t rtm_fpu_state;
static inline rtm_fpu_state rtm_fpu_flush_denormals(void) {
    uint32_t saved;
    __asm__ __volatile__("vmrs %0, fpscr" : "=r"(saved));
    __asm__ __volatile__("vmsr fpscr, %0" : : "r"(saved | (1u << 24) /* FZ */));
    return saved;
}
static inline void rtm_fpu_restore(rtm_fpu_state saved) { __asm__ __volatile__("vmsr fpscr, %0" : : "r"(saved)); }
#else
typedef int rtm_fpu_state; /* no known control register: denormals stay */
static inline rtm_fpu_state rtm_fpu_flush_denormals(void) { return 0; }
static inline void rtm_fpu_restore(rtm_fpu_state saved) { (void)saved; }
#endif

#endif
