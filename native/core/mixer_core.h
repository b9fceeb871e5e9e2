/* The real-time mixer: state, actions, and process(), the audio callback body.
 * No PortAudio, no N-API: process() can be driven offline by tests.
 *
 * Ownership: actions are allocated and freed on the JavaScript thread. An action
 * travels JS -> action queue -> callback (active list) -> result queue -> JS.
 * While the callback holds it, JS must not touch or free it (nor its buffers). */
#ifndef RTMIXER_MIXER_CORE_H
#define RTMIXER_MIXER_CORE_H
#include <stdatomic.h>
#include <stdint.h>

#include "ringbuffer.h"
#include "spsc_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTM_MAX_CHANNELS 64
#define RTM_ASAP INT64_MIN
/* callback-only start_frame of an action waiting for its predecessor to end */
#define RTM_AFTER_PREDECESSOR (INT64_MIN + 1)

typedef enum rtm_action_type {
    RTM_PLAY_BUFFER = 1,
    RTM_RECORD_BUFFER = 2,
    RTM_PLAY_RINGBUFFER = 3,
    RTM_RECORD_RINGBUFFER = 4,
    RTM_CANCEL = 5,
    RTM_FETCH_STATS = 6,
    RTM_SET_GAIN = 7,
} rtm_action_type;

typedef enum rtm_curve { RTM_CURVE_LINEAR = 0, RTM_CURVE_EQUAL_POWER = 1 } rtm_curve;
#define RTM_LOOP_FOREVER (-1)

/* Why an action came back. */
typedef enum rtm_outcome {
    RTM_FINISHED = 0,      /* ran to its end */
    RTM_CANCELLED = 1,     /* stopped by a CANCEL action */
    RTM_DROPPED_LATE = 2,  /* start time had passed and allowBelated was false */
    RTM_TARGET_MISSING = 3,/* a CANCEL whose target was not running (already finished) */
    RTM_CLOSED = 4,        /* the mixer closed before it finished */
} rtm_outcome;

typedef struct rtm_stats {
    uint64_t blocks;
    uint64_t frames;
    uint32_t min_block_frames;
    uint32_t max_block_frames;
    uint64_t input_underflows;
    uint64_t input_overflows;
    uint64_t output_underflows;
    uint64_t output_overflows;
    uint64_t output_priming;
    uint64_t callback_ns_min;
    uint64_t callback_ns_max;
    uint64_t callback_ns_sum;
    double load_max; /* callback duration / block period, worst block */
    uint64_t late_starts;
    uint64_t dropped_starts;
    uint64_t action_underflow_frames;
    uint64_t action_overflow_frames;
    uint32_t active_actions;
    uint32_t max_active_actions;
} rtm_stats;

typedef struct rtm_action rtm_action;
struct rtm_action {
    /* Set by JS before submitting; read-only for the callback. */
    rtm_action_type type;
    uint64_t id;
    int64_t start_frame;   /* RTM_ASAP or a frame on the mixer clock */
    int allow_belated;
    float gain;
    unsigned channels;     /* source channels (play) or recorded channels */
    uint8_t channel_map[RTM_MAX_CHANNELS]; /* 0-based stream channel for each */
    float *buffer;         /* PLAY/RECORD_BUFFER: interleaved, `channels` wide */
    uint64_t total_frames; /* PLAY/RECORD_BUFFER length; 0 = until cancelled (ring) */
    ringbuffer *ring;      /* PLAY/RECORD_RINGBUFFER */
    int end_when_drained;  /* PLAY_RINGBUFFER: finish once the writer ended and it drained */
    uint64_t target_id;    /* CANCEL, SET_GAIN */
    uint32_t fade_in;      /* PLAY_BUFFER: frames of fade-in */
    uint32_t fade_out;     /* PLAY_BUFFER: frames of fade-out at its end; CANCEL: fade before stopping */
    rtm_curve curve;
    int64_t loops;         /* PLAY_BUFFER: extra passes through the loop region; RTM_LOOP_FOREVER */
    uint64_t loop_start;   /* PLAY_BUFFER loop region [loop_start, loop_end) in frames */
    uint64_t loop_end;
    uint32_t ramp;         /* SET_GAIN: frames of the linear ramp to `gain` */
    uint64_t after_id;     /* 0, or the action this one starts right after (gapless queues) */
    rtm_stats *stats_out;  /* FETCH_STATS: where the snapshot goes */

    /* Written by the callback, read by JS after the action came back. */
    rtm_outcome outcome;
    int started;
    int64_t actual_start;  /* frame of the first processed sample */
    uint64_t late_frames;  /* how late the start was */
    uint64_t frames_done;
    int64_t cancel_at;     /* callback-only: frame where a CANCEL stops it */
    uint32_t cancel_fade;  /* callback-only: fade-out frames from cancel_at */
    uint32_t cancel_fade_done;
    uint64_t position;     /* callback-only: next source frame of a PLAY_BUFFER */
    uint64_t total_out;    /* callback-only: frames it will play, loops included; UINT64_MAX = forever */
    float gain_now;        /* callback-only: current gain, ramps towards gain_target */
    float gain_target;
    float gain_step;
    uint32_t ramp_left;
    int64_t gain_change_at;  /* frame where a pending SET_GAIN takes effect */
    float gain_change_to;
    uint32_t gain_change_ramp;
    _Atomic(uint64_t) underflow_frames; /* live: readable from JS while running */
    _Atomic(uint64_t) overflow_frames;

    rtm_action *next_active; /* the callback's intrusive list; no allocation */
};

/* Test-only hook called once per block from process() when set. Lets the test
 * suite prove the real-time guard catches allocations, and force xruns. */
typedef void (*rtm_block_hook)(void);

/* The last RTM_XRUN_LOG blocks that carried a PortAudio status flag. The
 * callback is the only writer; JS reads entries up to xrun_count. */
#define RTM_XRUN_LOG 64
typedef struct rtm_xrun {
    uint64_t frame;
    uint32_t flags;
} rtm_xrun;

/* Recently finished actions and the frame after their last one, so that a
 * queue item appended just too late still knows when its predecessor ended. */
#define RTM_FINISHED_LOG 64
typedef struct rtm_finished {
    uint64_t id;
    int64_t end_frame;
} rtm_finished;

typedef struct rtm_state {
    unsigned input_channels;
    unsigned output_channels;
    double sample_rate;
    spsc_queue actions; /* JS -> callback */
    spsc_queue results; /* callback -> JS */
    rtm_action *active;  /* actions taken from the queue, waiting or running */
    _Atomic(uint64_t) frame; /* first frame of the next block: the mixer clock */
    rtm_stats stats;
    _Atomic(rtm_block_hook) test_hook;
    rtm_xrun xrun_log[RTM_XRUN_LOG];
    _Atomic(uint64_t) xrun_count; /* entries ever written to xrun_log */
    rtm_finished finished_log[RTM_FINISHED_LOG]; /* callback-only */
    unsigned finished_next;
} rtm_state;

/* Not real-time. */
int rtm_state_init(rtm_state *s, unsigned input_channels, unsigned output_channels,
                   double sample_rate, unsigned queue_capacity);
void rtm_state_destroy(rtm_state *s);
/* After the stream stopped: hand every action the callback still holds back
 * to the result queue with outcome RTM_CLOSED. Returns how many. */
unsigned rtm_state_drain_closed(rtm_state *s);

/* PortAudio's status flags, as process() receives them. */
#define RTM_INPUT_UNDERFLOW 0x1u
#define RTM_INPUT_OVERFLOW 0x2u
#define RTM_OUTPUT_UNDERFLOW 0x4u
#define RTM_OUTPUT_OVERFLOW 0x8u
#define RTM_PRIMING_OUTPUT 0x10u

/* The audio callback body. Real-time safe: no allocation, locks or system
 * calls; bounded work. in/out are interleaved float; either may be NULL. */
void rtm_process(rtm_state *s, const float *in, float *out, unsigned long frames,
                 unsigned long status_flags);

#ifdef __cplusplus
}
#endif
#endif
