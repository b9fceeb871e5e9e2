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

#include "level_meter.h"
#include "ringbuffer.h"
#include "spsc_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

#include "rtm_contract.h"

#define RTM_ASAP INT64_MIN
/* callback-only start_frame of an action waiting for its predecessor to end */
#define RTM_AFTER_PREDECESSOR (INT64_MIN + 1)

typedef enum rtm_action_type {
#define X(name, num, js) RTM_##name = num,
    RTM_ACTION_TYPES(X)
#undef X
} rtm_action_type;

typedef enum rtm_curve { RTM_CURVE_LINEAR = 0, RTM_CURVE_EQUAL_POWER = 1 } rtm_curve;
#define RTM_LOOP_FOREVER (-1)

typedef enum rtm_outcome {
#define X(name, num, js) RTM_##name = num,
    RTM_OUTCOMES(X)
#undef X
} rtm_outcome;

enum {
#define X(name, num, js) RTM_##name = num,
    RTM_STATUS_FLAGS(X)
#undef X
};
#define RTM_XRUN_FLAGS (RTM_INPUT_UNDERFLOW | RTM_INPUT_OVERFLOW | RTM_OUTPUT_UNDERFLOW | RTM_OUTPUT_OVERFLOW)

typedef struct rtm_stats {
#define X(type, field, js) type field;
    RTM_STATS_FIELDS(X)
#undef X
    rtm_levels output_levels; /* the mixed output, after clamping: what the device gets */
    rtm_levels input_levels;
} rtm_stats;

typedef struct rtm_action rtm_action;

/* How a play's channels map onto the output (the callback picks a mixing loop by it). */
typedef enum rtm_layout {
    RTM_LAYOUT_CONTIGUOUS = 0, /* channel k to output k, as many as the output has */
    RTM_LAYOUT_MONO = 1,       /* one channel to any output */
    RTM_LAYOUT_STEREO = 2,     /* two channels to any two outputs */
    RTM_LAYOUT_MAPPED = 3      /* anything else */
} rtm_layout;

/* The callback's own state of an action: zeroed and set up when the callback
 * takes the action from the queue; JavaScript never reads it. */
typedef struct rtm_voice {
    rtm_action *next_active;  /* its active list (submission order) */
    int64_t cancel_at;        /* frame where a CANCEL stops it; INT64_MAX = none */
    uint32_t cancel_fade;     /* fade-out frames from cancel_at */
    uint32_t cancel_fade_done;
    rtm_curve cancel_curve;
    uint64_t position;        /* next source frame of a PLAY_BUFFER */
    uint64_t total_out;       /* frames it will play, loops included; UINT64_MAX = forever */
    uint64_t fade_out;        /* fade at the end, at most total_out */
    uint64_t loop_end;        /* effective loop end */
    int64_t loops_left;
    float gain_now;           /* gain outside a ramp */
    float ramp_from, ramp_to; /* a SET_GAIN ramp: gain = from + (to - from) * done / len */
    uint64_t ramp_len, ramp_done;
    rtm_action *gain_head, *gain_tail; /* SET_GAINs waiting for their frame, in order */
    rtm_action *next_gain;    /* (SET_GAIN) next in its target's chain */
    rtm_action *pred;         /* waiting for this action to end (gapless queue) */
    rtm_action *followers;    /* actions waiting for this one, doubly linked */
    rtm_action *next_follower, *prev_follower;
    int indexed;              /* present in the id index */
    uint8_t layout;           /* rtm_layout, for PLAY_BUFFER and PLAY_RINGBUFFER */
} rtm_voice;

struct rtm_action {
    /* The request: set by JS before submitting; read-only for the callback. */
    rtm_action_type type;
    uint64_t id;
    int64_t start_frame;   /* RTM_ASAP or a frame on the mixer clock (the callback may rewrite it) */
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
    uint64_t loop_start;   /* PLAY_BUFFER loop region [loop_start, loop_end) in frames; 0 = end */
    uint64_t loop_end;
    uint32_t ramp;         /* SET_GAIN: frames of the linear ramp to `gain` */
    uint64_t after_id;     /* 0, or the action this one starts right after (gapless queues) */
    rtm_stats *stats_out;  /* FETCH_STATS: where the snapshot goes */

    /* The result: written by the callback, read by JS after the action came back. */
    rtm_outcome outcome;
    int started;
    int64_t actual_start;  /* frame of the first processed sample */
    uint64_t late_frames;  /* how late the start was */
    uint64_t frames_done;
    _Atomic(uint64_t) underflow_frames; /* live: readable from JS while running */
    _Atomic(uint64_t) overflow_frames;

    rtm_voice v; /* callback-only */
};

/* Test-only hook called once per block from process() when set. Lets the test
 * suite prove the real-time guard catches allocations, and force xruns. */
typedef void (*rtm_block_hook)(void);

/* The last RTM_XRUN_LOG blocks that carried a PortAudio status flag. The
 * callback is the only writer; readers use rtm_xrun_read(), which never
 * returns an entry the callback is overwriting (a per-entry sequence number). */
#define RTM_XRUN_LOG 64
typedef struct rtm_xrun {
    uint64_t frame;
    uint32_t flags;
} rtm_xrun;
typedef struct rtm_xrun_slot {
    _Atomic(uint64_t) seq; /* entry index + 1 once complete; 0 while being written */
    _Atomic(uint64_t) frame;
    _Atomic(uint32_t) flags;
} rtm_xrun_slot;

/* Recently finished media actions and the frame after their last one, so that
 * a queue item appended just too late still knows when its predecessor ended.
 * An item that never started passes its place on: `alias` names the action its
 * followers follow instead (0: they start at end_frame). */
#define RTM_FINISHED_LOG 64
typedef struct rtm_finished {
    uint64_t id;
    uint64_t alias;
    int64_t end_frame;
} rtm_finished;

typedef struct rtm_list {
    rtm_action *head, *tail;
} rtm_list;

typedef struct rtm_state {
    unsigned input_channels;
    unsigned output_channels;
    double sample_rate;
    spsc_queue actions; /* JS -> callback */
    spsc_queue results; /* callback -> JS */
    /* Actions taken from the queue, waiting or running, in submission order:
     * instants (cancel, set gain, stats) and media apart, so each pass of a
     * block walks only its own kind. Tail pointers: appending is O(1). */
    rtm_list instants;
    rtm_list voices;
    uint32_t active_count;
    /* id -> media action, open addressing, sized at init to twice the queue
     * capacity: O(1) lookup of cancel, setGain and `after` targets. Callback-only. */
    rtm_action **index;
    size_t index_mask;
    size_t index_count;
    _Atomic(uint64_t) frame; /* first frame of the next block: the mixer clock */
    /* When the latest block's callback began (CLOCK_MONOTONIC ns) and that
     * block's first frame: any thread can place a moment on the frame clock.
     * Written by the callback alone under a sequence count (odd while writing). */
    _Atomic(uint64_t) clock_seq;
    _Atomic(int64_t) clock_frame;
    _Atomic(uint32_t) clock_frames; /* the block's length */
    _Atomic(uint64_t) clock_ns;
    rtm_stats stats;
    _Atomic(rtm_block_hook) test_hook;
    /* Tests only: every PLAY_BUFFER frame takes the frame-by-frame path, the
     * reference the constant-gain fast paths must match bit for bit. */
    int per_frame_only;
    rtm_xrun_slot xrun_log[RTM_XRUN_LOG];
    _Atomic(uint64_t) xrun_count; /* entries ever written to xrun_log */
    rtm_finished finished_log[RTM_FINISHED_LOG]; /* callback-only */
    unsigned finished_next;
} rtm_state;

/* Entry `i` of the xrun log (any thread). 0 if it was overwritten or is being written. */
int rtm_xrun_read(const rtm_state *s, uint64_t i, rtm_xrun *out);

/* The latest block's first frame, its length and its callback's start
 * (CLOCK_MONOTONIC ns), read consistently. Returns 0 before the first block. */
int rtm_clock_read(const rtm_state *s, int64_t *frame, uint32_t *frames, uint64_t *ns);

/* Not real-time. */
int rtm_state_init(rtm_state *s, unsigned input_channels, unsigned output_channels,
                   double sample_rate, unsigned queue_capacity);
void rtm_state_destroy(rtm_state *s);
/* After the stream stopped: hand every action the callback still holds back
 * to the result queue with outcome RTM_CLOSED. Returns how many. */
unsigned rtm_state_drain_closed(rtm_state *s);

/* The audio callback body. Real-time safe: no allocation, locks or system
 * calls; bounded work. in/out are interleaved float; either may be NULL. */
void rtm_process(rtm_state *s, const float *in, float *out, unsigned long frames,
                 unsigned long status_flags);

/* A snapshot of stats as FETCH_STATS reports them (min fields 0 when no block was counted). */
void rtm_stats_snapshot(const rtm_stats *live, rtm_stats *out);

#ifdef __cplusplus
}
#endif
#endif
