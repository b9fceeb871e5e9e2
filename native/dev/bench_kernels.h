#ifndef RTMIXER_BENCH_KERNELS_H
#define RTMIXER_BENCH_KERNELS_H
#ifdef __cplusplus
extern "C" {
#endif
/* Mean nanoseconds per block to sum `voices` interleaved buffers of `frames`
 * frames × `channels` into one, with a gain, over `blocks` blocks. */
double bench_sum_voices_ns(unsigned voices, unsigned frames, unsigned channels, unsigned blocks);
/* rtm_process() timed offline with `items` queued sounds then a cancel for each;
 * out: ns of the block taking the queue, of the block taking the cancels, mean block between. */
int bench_worst_block(unsigned items, unsigned frames, double out[3]);
#ifdef __cplusplus
}
#endif
#endif
