#ifndef RTMIXER_BENCH_KERNELS_H
#define RTMIXER_BENCH_KERNELS_H
#ifdef __cplusplus
extern "C" {
#endif
/* Mean thread-CPU nanoseconds per block to sum `voices` separate interleaved
 * buffers of `sound_frames` frames × `channels`, `frames` at a time at an
 * advancing position, into one block with a gain, over `blocks` blocks.
 * sound_frames <= frames: the same `frames` every block (in cache). */
double bench_sum_voices_ns(unsigned voices, unsigned frames, unsigned channels, unsigned blocks,
                           unsigned sound_frames);
/* rtm_process() offline with `voices` stereo plays of separate buffers of
 * `sound_frames` frames (looping), stereo in and out: mean thread-CPU ns per block. */
double bench_process_voices_ns(unsigned voices, unsigned frames, unsigned blocks, unsigned sound_frames);
/* The level meter alone on a block of `frames` × `channels`: mean ns per block. */
double bench_levels_ns(unsigned frames, unsigned channels, unsigned blocks);
/* rtm_process() timed offline with `items` queued sounds then a cancel for each;
 * out: ns of the block taking the queue, of the block taking the cancels, mean block between. */
int bench_worst_block(unsigned items, unsigned frames, double out[3]);
#ifdef __cplusplus
}
#endif
#endif
