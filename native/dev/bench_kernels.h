#ifndef RTMIXER_BENCH_KERNELS_H
#define RTMIXER_BENCH_KERNELS_H
#ifdef __cplusplus
extern "C" {
#endif
/* Mean nanoseconds per block to sum `voices` interleaved buffers of `frames`
 * frames × `channels` into one, with a gain, over `blocks` blocks. */
double bench_sum_voices_ns(unsigned voices, unsigned frames, unsigned channels, unsigned blocks);
#ifdef __cplusplus
}
#endif
#endif
