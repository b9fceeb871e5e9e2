/* The facts the C core, the binding and TypeScript must agree on, written once.
 * Each list is an X-macro: X(C name suffix, number, JavaScript name). The core
 * builds its enums and its stats struct from them, the binding exports them
 * through contract(), and test/unit/native-contract.test.js checks that
 * src/native.ts says the same. Append only; never renumber. */
#ifndef RTMIXER_CONTRACT_H
#define RTMIXER_CONTRACT_H

/* What JavaScript hands to the callback. */
#define RTM_ACTION_TYPES(X)                        \
    X(PLAY_BUFFER, 1, PlayBuffer)                  \
    X(RECORD_BUFFER, 2, RecordBuffer)              \
    X(PLAY_RINGBUFFER, 3, PlayRingbuffer)          \
    X(RECORD_RINGBUFFER, 4, RecordRingbuffer)      \
    X(CANCEL, 5, Cancel)                           \
    X(FETCH_STATS, 6, FetchStats)                  \
    X(SET_GAIN, 7, SetGain)

/* Why an action came back. */
#define RTM_OUTCOMES(X)                                                                            \
    X(FINISHED, 0, Finished)            /* ran to its end (instants: took effect) */              \
    X(CANCELLED, 1, Cancelled)          /* stopped by a CANCEL action */                          \
    X(DROPPED_LATE, 2, DroppedLate)     /* start time had passed and allowBelated was false */    \
    X(TARGET_MISSING, 3, TargetMissing) /* CANCEL/SET_GAIN whose target had gone or never applied */ \
    X(CLOSED, 4, Closed)                /* the mixer closed before it finished */                 \
    X(REJECTED, 5, Rejected)            /* malformed (the binding validates; the core refuses) */

/* PortAudio's per-block status flags (PaStreamCallbackFlags), as rtm_process() receives them. */
#define RTM_STATUS_FLAGS(X)                        \
    X(INPUT_UNDERFLOW, 0x1, inputUnderflow)        \
    X(INPUT_OVERFLOW, 0x2, inputOverflow)          \
    X(OUTPUT_UNDERFLOW, 0x4, outputUnderflow)      \
    X(OUTPUT_OVERFLOW, 0x8, outputOverflow)        \
    X(PRIMING_OUTPUT, 0x10, primingOutput)

/* The callback's statistics since the last FETCH_STATS: X(C type, C field, JavaScript name).
 * Every field reaches JavaScript as a number. */
#define RTM_STATS_FIELDS(X)                                        \
    X(uint64_t, blocks, blocks)                                    \
    X(uint64_t, frames, frames)                                    \
    X(int64_t, first_frame, firstFrame) /* first frame of the first block counted */ \
    X(int64_t, end_frame, endFrame)     /* frame after the last block counted */      \
    X(uint32_t, min_block_frames, minBlockFrames)                  \
    X(uint32_t, max_block_frames, maxBlockFrames)                  \
    X(uint64_t, input_underflows, inputUnderflows)                 \
    X(uint64_t, input_overflows, inputOverflows)                   \
    X(uint64_t, output_underflows, outputUnderflows)               \
    X(uint64_t, output_overflows, outputOverflows)                 \
    X(uint64_t, output_priming, outputPriming)                     \
    X(uint64_t, xrun_blocks, xrunBlocks) /* blocks with any under/overflow flag */ \
    X(uint64_t, callback_ns_min, callbackNsMin)                    \
    X(uint64_t, callback_ns_max, callbackNsMax)                    \
    X(uint64_t, callback_ns_sum, callbackNsSum)                    \
    X(double, load_max, loadMax)                                   \
    X(uint64_t, late_starts, lateStarts)                           \
    X(uint64_t, dropped_starts, droppedStarts)                     \
    X(uint64_t, action_underflow_frames, actionUnderflowFrames)    \
    X(uint64_t, action_overflow_frames, actionOverflowFrames)      \
    X(uint32_t, active_actions, activeActions)                     \
    X(uint32_t, max_active_actions, maxActiveActions)              \
    X(uint64_t, clipped_samples, clippedSamples) /* output samples clamped to [-1, 1] */

/* Limits the core relies on (the binding and TypeScript refuse anything larger). */
#define RTM_MAX_CHANNELS 64
#define RTM_MAX_SHAPE_FRAMES 0x7fffffffu /* fades, ramps: 2^31 - 1 frames (12.4 h at 48 kHz) */
/* The mix is clamped to [-1, RTM_FULL_SCALE]: 1 - 2^-24, the largest float below 1 (see clamp_output). */
#define RTM_FULL_SCALE 0x1.fffffep-1f

#endif
