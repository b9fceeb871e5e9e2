/* Offline tests of the mixer core: drives rtm_process() block by block with
 * synthetic buffers, no PortAudio, no JACK. Built and run by test/native/run.js
 * under AddressSanitizer + UndefinedBehaviorSanitizer. One line per case,
 * then "N passed, M failed"; exit status 1 on any failure. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mixer_core.h"
#include "action_pool.h"
#include "prefault.h"
#include "rt_memory.h"
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

/* ---- a tiny harness ---- */

static int failures_in_case;
static char first_failure[512];

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            if (!failures_in_case++) {                                         \
                int k = snprintf(first_failure, sizeof first_failure, "%s:%d: ", __FILE__, __LINE__); \
                snprintf(first_failure + k, sizeof first_failure - k, __VA_ARGS__); \
            }                                                                  \
        }                                                                      \
    } while (0)
#define CHECK_NEAR(a, b, eps, what) \
    CHECK(fabs((double)(a) - (double)(b)) <= (eps), "%s: %.9g, expected %.9g", what, (double)(a), (double)(b))

#define OUT_CH 2
#define IN_CH 2
#define BLOCK 64
/* what a sample of 1.0 comes out as: the mix is clamped to full scale */
#define FULL RTM_FULL_SCALE

typedef struct harness {
    rtm_state s;
    float *out;          /* everything played, interleaved OUT_CH */
    size_t out_frames;   /* capacity */
    int64_t played;      /* frames processed so far */
    rtm_action *results[4096];
    size_t nresults;
    const float *input;  /* optional: input for every frame, IN_CH wide */
} harness;

static void h_init(harness *h, size_t total_frames, unsigned queue) {
    memset(h, 0, sizeof(*h));
    if (!rtm_state_init(&h->s, IN_CH, OUT_CH, 48000, queue)) abort();
    h->out_frames = total_frames;
    h->out = calloc(total_frames * OUT_CH, sizeof(float));
}

static void h_collect(harness *h) {
    rtm_action *a;
    while ((a = spsc_queue_pop(&h->s.results))) {
        if (h->nresults < sizeof h->results / sizeof h->results[0]) h->results[h->nresults++] = a;
    }
}

static void h_block(harness *h, unsigned long frames, unsigned long flags) {
    if ((size_t)h->played + frames > h->out_frames) abort();
    const float *in = h->input ? h->input + h->played * IN_CH : NULL;
    rtm_process(&h->s, in, h->out + h->played * OUT_CH, frames, flags);
    h->played += frames;
    h_collect(h);
}

static void h_run(harness *h, size_t blocks) {
    for (size_t i = 0; i < blocks; i++) h_block(h, BLOCK, 0);
}

static void h_free(harness *h) {
    h_collect(h);
    rtm_state_drain_closed(&h->s);
    h_collect(h);
    for (size_t i = 0; i < h->nresults; i++) {
        free(h->results[i]->buffer);
        free(h->results[i]->stats_out);
        free(h->results[i]);
    }
    rtm_state_destroy(&h->s);
    free(h->out);
}

static uint64_t next_id = 1;

static rtm_action *new_action(rtm_action_type type) {
    rtm_action *a = calloc(1, sizeof(*a));
    a->type = type;
    a->id = next_id++;
    a->start_frame = RTM_ASAP;
    a->gain = 1.0f;
    a->allow_belated = 1;
    if (type == RTM_FETCH_STATS) a->stats_out = calloc(1, sizeof(rtm_stats));
    return a;
}

/* A play of `frames` frames of a constant `value` (mono to channel 0, or stereo). */
static rtm_action *play_const(unsigned channels, uint64_t frames, float value, int64_t at) {
    rtm_action *a = new_action(RTM_PLAY_BUFFER);
    a->channels = channels;
    for (unsigned c = 0; c < channels; c++) a->channel_map[c] = (uint8_t)c;
    a->buffer = malloc(frames * channels * sizeof(float));
    for (uint64_t i = 0; i < frames * channels; i++) a->buffer[i] = value;
    a->total_frames = frames;
    if (at != RTM_ASAP) a->start_frame = at;
    return a;
}

static rtm_action *cancel_of(const rtm_action *t, int64_t at, uint32_t fade) {
    rtm_action *c = new_action(RTM_CANCEL);
    c->target_id = t->id;
    c->start_frame = at;
    c->fade_out = fade;
    return c;
}

static rtm_action *gain_of(const rtm_action *t, float gain, int64_t at, uint32_t ramp) {
    rtm_action *g = new_action(RTM_SET_GAIN);
    g->target_id = t->id;
    g->gain = gain;
    g->start_frame = at;
    g->ramp = ramp;
    return g;
}

static void submit(harness *h, rtm_action *a) {
    if (!spsc_queue_push(&h->s.actions, a)) abort();
}

static float out_at(const harness *h, int64_t frame, unsigned ch) { return h->out[frame * OUT_CH + ch]; }

static int returned(const harness *h, const rtm_action *a) {
    for (size_t i = 0; i < h->nresults; i++)
        if (h->results[i] == a) return 1;
    return 0;
}

/* The first frame (from `from`) on channel 0 that is not `value`, or -1. */
static int64_t first_not(const harness *h, int64_t from, int64_t to, float value) {
    for (int64_t f = from; f < to; f++)
        if (out_at(h, f, 0) != value) return f;
    return -1;
}

/* ---- cases ---- */

static void play_starts_on_its_exact_frame(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *p = play_const(2, 100, 0.25f, 70);
    submit(&h, p);
    h_run(&h, 4);
    CHECK(first_not(&h, 0, 70, 0.0f) == -1 && out_at(&h, 70, 0) != 0, "silence before frame 70");
    CHECK(first_not(&h, 70, 170, 0.25f) == -1, "100 frames of 0.25 from 70");
    CHECK(out_at(&h, 170, 0) == 0.0f && out_at(&h, 69, 1) == 0.0f, "nothing after");
    CHECK(returned(&h, p) && p->outcome == RTM_FINISHED && p->started && p->actual_start == 70 &&
              p->frames_done == 100 && p->late_frames == 0,
          "result: outcome %d start %lld frames %llu", p->outcome, (long long)p->actual_start,
          (unsigned long long)p->frames_done);
    h_free(&h);
}

static void play_maps_channels_and_applies_gain(void) {
    harness h;
    h_init(&h, 256, 16);
    rtm_action *p = play_const(1, 10, 0.5f, RTM_ASAP);
    p->channel_map[0] = 1;
    p->gain = 0.5f;
    submit(&h, p);
    h_run(&h, 1);
    CHECK(out_at(&h, 0, 1) == 0.25f && out_at(&h, 0, 0) == 0.0f && out_at(&h, 9, 1) == 0.25f && out_at(&h, 10, 1) == 0,
          "mono to channel 2 at gain 0.5");
    h_free(&h);
}

static void late_start_dropped_or_belated(void) {
    harness h;
    h_init(&h, 1024, 16);
    h_run(&h, 2);
    rtm_action *dropped = play_const(2, 10, 0.1f, 100);
    dropped->allow_belated = 0;
    rtm_action *belated = play_const(2, 10, 0.1f, 100);
    submit(&h, dropped);
    submit(&h, belated);
    h_run(&h, 1);
    CHECK(dropped->outcome == RTM_DROPPED_LATE && !dropped->started && dropped->late_frames == 28, "dropped, 28 late");
    CHECK(belated->outcome == RTM_FINISHED && belated->actual_start == 128 && belated->late_frames == 28, "belated at 128");
    h_free(&h);
}

static void record_buffer_exact(void) {
    harness h;
    h_init(&h, 1024, 16);
    float *input = malloc(1024 * IN_CH * sizeof(float));
    for (int i = 0; i < 1024 * IN_CH; i++) input[i] = (float)i;
    h.input = input;
    rtm_action *r = new_action(RTM_RECORD_BUFFER);
    r->channels = 1;
    r->channel_map[0] = 1;
    r->total_frames = 100;
    r->buffer = calloc(100, sizeof(float));
    r->start_frame = 30;
    submit(&h, r);
    h_run(&h, 3);
    CHECK(r->outcome == RTM_FINISHED && r->frames_done == 100 && r->actual_start == 30, "recorded 100 from 30");
    int ok = 1;
    for (int i = 0; i < 100; i++) ok &= r->buffer[i] == (float)((30 + i) * IN_CH + 1);
    CHECK(ok, "samples of input channel 2 from frame 30");
    h_free(&h);
    free(input);
}

static void play_ringbuffer_underflow_and_drain(void) {
    harness h;
    h_init(&h, 1024, 16);
    ringbuffer *ring = ringbuffer_create(256, 2);
    float data[100 * 2];
    for (int i = 0; i < 200; i++) data[i] = 0.5f;
    ringbuffer_write(ring, data, 100);
    rtm_action *p = new_action(RTM_PLAY_RINGBUFFER);
    p->channels = 2;
    p->channel_map[0] = 0;
    p->channel_map[1] = 1;
    p->ring = ring;
    p->end_when_drained = 1;
    submit(&h, p);
    h_run(&h, 2);
    CHECK(first_not(&h, 0, 100, 0.5f) == -1 && out_at(&h, 100, 0) == 0, "100 frames then silence");
    CHECK(atomic_load(&p->underflow_frames) == 28 && !returned(&h, p), "28 frames of underflow, still running");
    atomic_store(&ring->ended, 1);
    h_run(&h, 1);
    CHECK(returned(&h, p) && p->outcome == RTM_FINISHED && p->frames_done == 100, "finished once ended and drained");
    CHECK(h.s.stats.action_underflow_frames >= 28, "stats count underflow");
    h_free(&h);
    ringbuffer_destroy(ring);
}

static void record_ringbuffer_overflow_and_cancel(void) {
    harness h;
    h_init(&h, 1024, 16);
    float *input = malloc(1024 * IN_CH * sizeof(float));
    for (int i = 0; i < 1024 * IN_CH; i++) input[i] = (float)i;
    h.input = input;
    ringbuffer *ring = ringbuffer_create(100, 2); /* 128 frames */
    rtm_action *r = new_action(RTM_RECORD_RINGBUFFER);
    r->channels = 2;
    r->channel_map[0] = 0;
    r->channel_map[1] = 1;
    r->ring = ring;
    submit(&h, r);
    h_run(&h, 3);
    CHECK(atomic_load(&r->overflow_frames) == 64, "64 frames had no room: %llu",
          (unsigned long long)atomic_load(&r->overflow_frames));
    float got[128 * 2];
    CHECK(ringbuffer_read(ring, got, 128) == 128 && got[0] == 0 && got[255] == 255, "first 128 frames kept");
    submit(&h, cancel_of(r, 200, 0));
    h_run(&h, 1);
    CHECK(returned(&h, r) && r->outcome == RTM_CANCELLED && r->frames_done == 128 + 8, "cancelled at frame 200: %llu",
          (unsigned long long)r->frames_done);
    h_free(&h);
    ringbuffer_destroy(ring);
    free(input);
}

static void fades_are_exact(void) {
    harness h;
    h_init(&h, 512, 16);
    rtm_action *p = play_const(2, 200, 1.0f, 0);
    p->fade_in = 10;
    p->fade_out = 20;
    submit(&h, p);
    rtm_action *q = play_const(1, 100, 1.0f, 300);
    q->channel_map[0] = 1;
    q->fade_in = 50;
    q->curve = RTM_CURVE_EQUAL_POWER;
    submit(&h, q);
    h_run(&h, 7);
    for (int i = 0; i < 10; i++) CHECK_NEAR(out_at(&h, i, 0), i / 10.0, 1e-7, "fade-in");
    CHECK(out_at(&h, 10, 0) == FULL && out_at(&h, 179, 0) == FULL, "full between");
    for (int i = 0; i < 20; i++) CHECK_NEAR(out_at(&h, 180 + i, 0), (19 - i) / 20.0, 1e-7, "fade-out ends at 0");
    CHECK_NEAR(out_at(&h, 325, 1), sin(25 / 50.0 * M_PI_2), 1e-6, "equal-power fade-in");
    h_free(&h);
}

/* A fade-out longer than the sound fades over the whole sound (it used to wrap and not fade at all). */
static void fade_out_longer_than_the_sound(void) {
    harness h;
    h_init(&h, 256, 16);
    rtm_action *p = play_const(2, 50, 1.0f, 0);
    p->fade_out = 1000;
    submit(&h, p);
    h_run(&h, 1);
    CHECK(out_at(&h, 49, 0) == 0.0f, "last frame silent: %g", out_at(&h, 49, 0));
    CHECK_NEAR(out_at(&h, 0, 0), 49 / 50.0, 1e-7, "first frame already fading");
    CHECK(out_at(&h, 1, 0) < out_at(&h, 0, 0), "decreasing");
    h_free(&h);
}

static void loops_count_and_region(void) {
    harness h;
    h_init(&h, 512, 16);
    rtm_action *p = new_action(RTM_PLAY_BUFFER);
    p->channels = 1;
    p->total_frames = 10;
    p->buffer = malloc(10 * sizeof(float));
    for (int i = 0; i < 10; i++) p->buffer[i] = (float)i / 16;
    p->loops = 2;
    p->loop_start = 4;
    p->loop_end = 8;
    submit(&h, p);
    h_run(&h, 1);
    /* 0..7, 4..7, 4..7, 8..9 */
    const int expect[] = {0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9};
    int ok = 1;
    for (int i = 0; i < 18; i++) ok &= out_at(&h, i, 0) == expect[i] / 16.0f;
    CHECK(ok && out_at(&h, 18, 0) == 0, "loop region twice more");
    CHECK(p->frames_done == 18 && p->outcome == RTM_FINISHED, "18 frames");
    h_free(&h);
}

static void loop_forever_until_cancelled(void) {
    harness h;
    h_init(&h, 2048, 16);
    rtm_action *p = play_const(2, 30, 0.5f, 0);
    p->loops = RTM_LOOP_FOREVER;
    submit(&h, p);
    h_run(&h, 10);
    CHECK(!returned(&h, p) && first_not(&h, 0, 640, 0.5f) == -1, "still looping");
    submit(&h, cancel_of(p, 700, 0));
    h_run(&h, 2);
    CHECK(returned(&h, p) && p->outcome == RTM_CANCELLED && p->frames_done == 700, "cut at 700: %llu",
          (unsigned long long)p->frames_done);
    CHECK(first_not(&h, 640, 700, 0.5f) == -1 && out_at(&h, 700, 0) == 0, "exactly to 700");
    h_free(&h);
}

/* loops * region that would not fit in 64 bits: plays until cancelled, no wrap (UBSan watches). */
static void huge_loop_count_does_not_wrap(void) {
    harness h;
    h_init(&h, 512, 16);
    rtm_action *p = play_const(2, 1000, 0.5f, 0);
    p->loops = INT64_MAX;
    p->fade_out = 10;
    submit(&h, p);
    h_run(&h, 4);
    CHECK(!returned(&h, p) && first_not(&h, 0, 256, 0.5f) == -1, "plays on, no fade");
    h_free(&h);
}

static void cancel_cuts_at_its_frame_or_fades(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *a = play_const(2, 1000, 0.5f, 0);
    rtm_action *b = play_const(1, 1000, 0.5f, 0);
    b->channel_map[0] = 1;
    submit(&h, a);
    submit(&h, b);
    rtm_action *ca = cancel_of(a, 100, 0), *cb = cancel_of(b, 100, 8);
    submit(&h, ca);
    submit(&h, cb);
    h_run(&h, 3);
    CHECK(out_at(&h, 99, 0) == 0.5f && out_at(&h, 100, 0) == 0.0f && out_at(&h, 99, 1) == FULL, "a stops dead at 100");
    for (int i = 0; i < 8; i++) CHECK_NEAR(out_at(&h, 100 + i, 1), 0.5 * (7 - i) / 8.0, 1e-7, "b fades over 8 frames");
    CHECK(out_at(&h, 108, 1) == 0, "then silence");
    CHECK(a->outcome == RTM_CANCELLED && a->frames_done == 100 && b->outcome == RTM_CANCELLED && b->frames_done == 108,
          "frames %llu %llu", (unsigned long long)a->frames_done, (unsigned long long)b->frames_done);
    CHECK(ca->outcome == RTM_FINISHED && ca->actual_start == 100, "cancel took effect at 100");
    rtm_action *late = cancel_of(a, RTM_ASAP, 0);
    submit(&h, late);
    h_run(&h, 1);
    CHECK(late->outcome == RTM_TARGET_MISSING, "cancel of a finished action: target missing");
    h_free(&h);
}

/* A cancel (with a fade) before the sound's start: it never starts, plays no tail, reports not started. */
static void cancel_before_start_plays_nothing(void) {
    harness h;
    h_init(&h, 512, 16);
    rtm_action *a = play_const(2, 100, 1.0f, 40);
    rtm_action *b = play_const(2, 100, 1.0f, 200);
    submit(&h, a);
    submit(&h, b);
    submit(&h, cancel_of(a, 10, 16)); /* same block, before its start */
    submit(&h, cancel_of(b, 20, 0));  /* an earlier block than its start */
    h_run(&h, 6);
    CHECK(first_not(&h, 0, 384, 0.0f) == -1, "no sample played");
    CHECK(a->outcome == RTM_CANCELLED && !a->started && a->frames_done == 0, "a not started (started=%d)", a->started);
    CHECK(b->outcome == RTM_CANCELLED && !b->started, "b not started");
    CHECK(returned(&h, b) && h.nresults == 4, "all back");
    h_free(&h);
}

static void set_gain_jumps_and_ramps_exactly(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *p = play_const(2, 1000, 1.0f, 0);
    submit(&h, p);
    rtm_action *g1 = gain_of(p, 0.5f, 100, 0), *g2 = gain_of(p, 0.0f, 200, 100);
    submit(&h, g1);
    submit(&h, g2);
    h_run(&h, 6);
    CHECK(out_at(&h, 99, 0) == FULL && out_at(&h, 100, 0) == 0.5f, "jump at 100");
    for (int i = 0; i <= 100; i += 10) CHECK_NEAR(out_at(&h, 200 + i, 0), 0.5 * (1 - i / 100.0), 1e-7, "ramp to 0");
    CHECK(out_at(&h, 350, 0) == 0.0f, "stays at 0");
    CHECK(g1->outcome == RTM_FINISHED && g2->outcome == RTM_FINISHED && g2->actual_start == 200, "both applied");
    CHECK(p->v.ramp_len == 0 && !p->v.gain_head, "back on the plain path");
    h_free(&h);
}

/* setGain on a sound that has not started (scheduled later) applies when it starts. */
static void set_gain_before_start_applies_at_start(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *p = play_const(2, 100, 1.0f, 300);
    submit(&h, p);
    rtm_action *g = gain_of(p, 0.25f, RTM_ASAP, 0);
    submit(&h, g);
    h_run(&h, 2);
    CHECK(!returned(&h, g), "held until the sound starts");
    h_run(&h, 5);
    CHECK(out_at(&h, 300, 0) == 0.25f && out_at(&h, 399, 0) == 0.25f, "played at 0.25: %g", out_at(&h, 300, 0));
    CHECK(returned(&h, g) && g->outcome == RTM_FINISHED, "reported applied");
    CHECK(p->v.ramp_len == 0 && !p->v.gain_head, "voice back on the plain path");
    /* a ramp that began before the start is where it would be by then */
    rtm_action *q = play_const(2, 100, 1.0f, 500);
    submit(&h, q);
    submit(&h, gain_of(q, 0.0f, 450, 100));
    h_run(&h, 4);
    CHECK_NEAR(out_at(&h, 500, 0), 0.5, 1e-7, "ramp half way at the start");
    CHECK_NEAR(out_at(&h, 550, 0), 0.0, 1e-7, "ramp done");
    h_free(&h);
}

/* setGain on a queue item still waiting for its predecessor. */
static void set_gain_on_a_waiting_queue_item(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *a = play_const(2, 100, 1.0f, 0);
    rtm_action *b = play_const(2, 100, 1.0f, RTM_ASAP);
    b->after_id = a->id;
    submit(&h, a);
    submit(&h, b);
    rtm_action *g = gain_of(b, 0.5f, RTM_ASAP, 0);
    submit(&h, g);
    h_run(&h, 4);
    CHECK(out_at(&h, 99, 0) == FULL && out_at(&h, 100, 0) == 0.5f && out_at(&h, 199, 0) == 0.5f, "b at 0.5 from 100");
    CHECK(g->outcome == RTM_FINISHED, "applied");
    /* a setGain whose target is cancelled before starting never applied: target missing */
    rtm_action *c = play_const(2, 100, 1.0f, 800);
    submit(&h, c);
    rtm_action *g2 = gain_of(c, 0.5f, RTM_ASAP, 0);
    submit(&h, g2);
    submit(&h, cancel_of(c, RTM_ASAP, 0));
    h_run(&h, 2);
    CHECK(returned(&h, g2) && g2->outcome == RTM_TARGET_MISSING, "not applied: %d", g2->outcome);
    h_free(&h);
}

/* Two setGain landing in one block: both apply in order; at the same frame the last wins. */
static void two_set_gains_in_one_block(void) {
    harness h;
    h_init(&h, 512, 16);
    rtm_action *p = play_const(2, 300, 1.0f, 0);
    submit(&h, p);
    h_run(&h, 1);
    submit(&h, gain_of(p, 0.5f, 70, 0));
    submit(&h, gain_of(p, 0.25f, 90, 0));
    submit(&h, gain_of(p, 0.75f, 110, 0));
    submit(&h, gain_of(p, 0.125f, 110, 0));
    h_run(&h, 2);
    CHECK(out_at(&h, 69, 0) == FULL && out_at(&h, 70, 0) == 0.5f && out_at(&h, 90, 0) == 0.25f && out_at(&h, 110, 0) == 0.125f,
          "%g %g %g", out_at(&h, 70, 0), out_at(&h, 90, 0), out_at(&h, 110, 0));
    CHECK(h.nresults == 4, "all four reported");
    for (size_t i = 0; i < h.nresults; i++) CHECK(h.results[i]->outcome == RTM_FINISHED, "applied");
    h_free(&h);
}

/* A 23-minute ramp moves from the first block (it used to accumulate in float and never move). */
static void long_ramp_from_an_integer_counter(void) {
    const uint64_t len = 1ull << 26; /* 23.3 min at 48 kHz */
    harness h;
    h_init(&h, 64, 16);
    rtm_action *p = play_const(1, 1, 1.0f, 0);
    free(p->buffer);
    /* a long constant sound without a long buffer: one frame looped */
    p->buffer = malloc(sizeof(float));
    p->buffer[0] = 1.0f;
    p->loops = RTM_LOOP_FOREVER;
    submit(&h, p);
    submit(&h, gain_of(p, 0.0f, 0, (uint32_t)len));
    const unsigned long chunk = 8;
    float out[8 * OUT_CH];
    double prev = 2;
    int monotonic = 1;
    uint64_t frame = 0;
    /* sample the ramp at a few points, skipping ahead with big blocks */
    for (int step = 0; step < 8; step++) {
        rtm_process(&h.s, NULL, out, chunk, 0);
        frame += chunk;
        double expect = 1.0 - (double)(frame - chunk) / (double)len;
        CHECK_NEAR(out[0], expect, 1e-7, "ramp value");
        monotonic &= out[0] < prev || step == 0;
        prev = out[0];
        static float big[(1 << 20) * OUT_CH];
        rtm_process(&h.s, NULL, big, 1 << 20, 0);
        frame += 1 << 20;
    }
    CHECK(monotonic, "the ramp moves every stretch");
    h_collect(&h);
    h_free(&h);
}

static void queue_is_gapless_within_a_block(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *a = play_const(2, 50, 0.25f, 10), *b = play_const(2, 50, 0.5f, RTM_ASAP), *c = play_const(2, 50, 0.75f, RTM_ASAP);
    b->after_id = a->id;
    c->after_id = b->id;
    submit(&h, a);
    submit(&h, b);
    submit(&h, c);
    h_run(&h, 4);
    CHECK(first_not(&h, 10, 60, 0.25f) == -1 && first_not(&h, 60, 110, 0.5f) == -1 && first_not(&h, 110, 160, 0.75f) == -1,
          "10..60 a, 60..110 b, 110..160 c");
    CHECK(b->actual_start == 60 && c->actual_start == 110 && b->late_frames == 0, "starts reported");
    h_free(&h);
}

/* An item appended after its predecessor finished still knows where it ended, even after many other actions. */
static void queue_after_a_finished_predecessor(void) {
    harness h;
    h_init(&h, 64 * 128, 256);
    rtm_action *a = play_const(2, 20, 0.25f, 0);
    submit(&h, a);
    h_run(&h, 1);
    /* 100 stats fetches and failed cancels: the log behind `after` records media actions only */
    for (int i = 0; i < 100; i++) {
        submit(&h, new_action(RTM_FETCH_STATS));
        submit(&h, cancel_of(a, RTM_ASAP, 0));
        h_run(&h, 1);
    }
    rtm_action *b = play_const(2, 10, 0.5f, RTM_ASAP);
    b->after_id = a->id;
    submit(&h, b);
    h_run(&h, 1);
    CHECK(b->actual_start == h.played - 64 && b->late_frames == (uint64_t)(h.played - 64 - 20),
          "starts at once, late by the frames since a ended: late %llu", (unsigned long long)b->late_frames);
    h_free(&h);
}

/* Cancelling an item still waiting skips it: the next one follows the one that plays, not on top of it. */
static void cancel_waiting_queue_item_skips_it(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *a = play_const(2, 200, 0.25f, 0), *b = play_const(2, 50, 0.5f, RTM_ASAP), *c = play_const(2, 50, 0.125f, RTM_ASAP);
    b->after_id = a->id;
    c->after_id = b->id;
    submit(&h, a);
    submit(&h, b);
    submit(&h, c);
    h_run(&h, 1);
    submit(&h, cancel_of(b, RTM_ASAP, 0));
    h_run(&h, 5);
    CHECK(first_not(&h, 0, 200, 0.25f) == -1, "a alone until 200 (first wrong frame %lld)", (long long)first_not(&h, 0, 200, 0.25f));
    CHECK(first_not(&h, 200, 250, 0.125f) == -1 && out_at(&h, 250, 0) == 0, "c from 200");
    CHECK(b->outcome == RTM_CANCELLED && !b->started && c->actual_start == 200, "b skipped, c at %lld", (long long)c->actual_start);
    h_free(&h);
}

static void cancelling_a_playing_item_starts_the_next(void) {
    harness h;
    h_init(&h, 1024, 16);
    rtm_action *a = play_const(2, 500, 0.25f, 0), *b = play_const(2, 50, 0.5f, RTM_ASAP);
    b->after_id = a->id;
    submit(&h, a);
    submit(&h, b);
    submit(&h, cancel_of(a, 100, 10));
    h_run(&h, 4);
    CHECK(a->frames_done == 110 && b->actual_start == 110, "b starts after a's cancel fade, at %lld", (long long)b->actual_start);
    h_free(&h);
}

/* 1024 queue items, then a cancel for each: every result right, no item starts on top of another. */
static void queue_of_1024_then_cancel_all(void) {
    harness h;
    h_init(&h, 64 * 64, 2048);
    rtm_action *items[1024];
    for (int i = 0; i < 1024; i++) {
        items[i] = play_const(2, 100, 0.5f, RTM_ASAP);
        if (i) items[i]->after_id = items[i - 1]->id;
        submit(&h, items[i]);
    }
    h_run(&h, 2);
    for (int i = 0; i < 1024; i++) submit(&h, cancel_of(items[i], RTM_ASAP, 0));
    h_run(&h, 2);
    int ok = 1;
    for (int i = 1; i < 1024; i++) ok &= returned(&h, items[i]) && items[i]->outcome == RTM_CANCELLED && (i < 2) == items[i]->started;
    CHECK(ok && items[0]->outcome == RTM_FINISHED, "first played, second cancelled, 1022 never started");
    CHECK(first_not(&h, 0, 128, 0.5f) == -1 && first_not(&h, 128, 256, 0.0f) == -1, "never two at once");
    CHECK(h.s.index_count == 0 && h.s.active_count == 0 && !h.s.voices.head && !h.s.voices.tail && !h.s.instants.head, "nothing left");
    h_free(&h);
}

/* Ids that collide in the index (multiples of its size) are still told apart. */
static void index_handles_colliding_ids(void) {
    harness h;
    h_init(&h, 1024, 64);
    const uint64_t stride = h.s.index_mask + 1;
    rtm_action *p[40];
    for (int i = 0; i < 40; i++) {
        p[i] = play_const(1, 1000, 0.0f, RTM_ASAP);
        p[i]->id = 1000000 + stride * (uint64_t)i;
        submit(&h, p[i]);
    }
    h_run(&h, 1);
    for (int i = 0; i < 40; i += 2) submit(&h, cancel_of(p[i], RTM_ASAP, 0));
    h_run(&h, 1);
    for (int i = 1; i < 40; i += 2) submit(&h, cancel_of(p[i], RTM_ASAP, 0));
    h_run(&h, 1);
    int ok = 1;
    for (size_t i = 0; i < h.nresults; i++) ok &= h.results[i]->outcome != RTM_TARGET_MISSING;
    CHECK(ok && h.nresults == 80 && h.s.index_count == 0, "every cancel found its target (%zu results)", h.nresults);
    h_free(&h);
}

/* Stats: a fetch counts the block it runs in; consecutive fetches tile the frame clock with no gap or overlap. */
static void stats_count_whole_blocks(void) {
    harness h;
    h_init(&h, 64 * 64, 16);
    rtm_action *f1 = new_action(RTM_FETCH_STATS);
    submit(&h, f1);
    h_run(&h, 1);
    h_run(&h, 5);
    rtm_action *f2 = new_action(RTM_FETCH_STATS);
    submit(&h, f2);
    h_block(&h, BLOCK, 0x2 | 0x4); /* the fetch block also carries an xrun */
    h_run(&h, 3);
    rtm_stats *a = f1->stats_out, *b = f2->stats_out;
    CHECK(a->blocks == 1 && a->first_frame == 0 && a->end_frame == 64, "first fetch: its own block");
    CHECK(b->blocks == 6 && b->first_frame == 64 && b->end_frame == 448 && b->frames == 384,
          "second: 6 blocks 64..448, got %llu %lld..%lld", (unsigned long long)b->blocks, (long long)b->first_frame,
          (long long)b->end_frame);
    CHECK(b->input_overflows == 1 && b->output_underflows == 1 && b->xrun_blocks == 1, "the fetch block's flags with it; one xrun");
    CHECK(b->min_block_frames == 64 && b->max_block_frames == 64 && b->callback_ns_max >= b->callback_ns_min, "block sizes");
    CHECK(h.s.stats.blocks == 3 && h.s.stats.first_frame == 448, "the next period starts after it");
    h_free(&h);
}

static void xruns_counted_per_block(void) {
    harness h;
    h_init(&h, 64 * 8, 16);
    h_block(&h, BLOCK, RTM_INPUT_OVERFLOW | RTM_OUTPUT_UNDERFLOW);
    h_block(&h, BLOCK, RTM_OUTPUT_UNDERFLOW);
    h_block(&h, BLOCK, RTM_PRIMING_OUTPUT);
    CHECK(h.s.stats.xrun_blocks == 2 && h.s.stats.output_priming == 1, "2 xrun blocks, priming apart");
    rtm_xrun x;
    CHECK(rtm_xrun_read(&h.s, 0, &x) && x.frame == 0 && x.flags == 0x6, "log entry 0");
    CHECK(rtm_xrun_read(&h.s, 2, &x) && x.frame == 128 && x.flags == 0x10, "log entry 2");
    CHECK(!rtm_xrun_read(&h.s, 3, &x), "entry 3 not written yet");
    h_free(&h);
}

static void xrun_log_never_returns_an_overwritten_entry(void) {
    harness h;
    h_init(&h, 64 * 80, 16);
    for (int i = 0; i < 70; i++) h_block(&h, BLOCK, RTM_OUTPUT_UNDERFLOW);
    rtm_xrun x;
    CHECK(!rtm_xrun_read(&h.s, 3, &x), "entry 3 was overwritten by 67");
    CHECK(rtm_xrun_read(&h.s, 67, &x) && x.frame == 67 * 64, "entry 67");
    h_free(&h);
}

/* currentFrame is published when the block starts: an action submitted during it is not late. */
static rtm_state *hook_state;
static uint64_t frame_seen_in_hook;
static void read_frame_hook(void) { frame_seen_in_hook = atomic_load(&hook_state->frame); }
static void frame_published_at_block_start(void) {
    harness h;
    h_init(&h, 1024, 16);
    h_run(&h, 2);
    hook_state = &h.s;
    atomic_store(&h.s.test_hook, read_frame_hook);
    h_run(&h, 1);
    CHECK(frame_seen_in_hook == 192, "during block 128..192 the clock reads %llu", (unsigned long long)frame_seen_in_hook);
    atomic_store(&h.s.test_hook, NULL);
    rtm_action *p = play_const(2, 10, 0.5f, (int64_t)frame_seen_in_hook);
    p->allow_belated = 0;
    submit(&h, p);
    h_run(&h, 1);
    CHECK(p->outcome == RTM_FINISHED && p->actual_start == 192, "at: currentFrame starts on time");
    h_free(&h);
}

static void mix_clips_and_never_outputs_nan(void) {
    harness h;
    h_init(&h, 256, 16);
    submit(&h, play_const(2, 64, 0.8f, 0));
    submit(&h, play_const(2, 64, 0.8f, 0));
    submit(&h, play_const(2, 64, -0.9f, 64));
    submit(&h, play_const(2, 64, -0.9f, 64));
    rtm_action *nan = play_const(1, 8, NAN, 128);
    rtm_action *inf = play_const(1, 8, 1.0f, 128);
    inf->channel_map[0] = 1;
    inf->gain = INFINITY;
    submit(&h, nan);
    submit(&h, inf);
    h_run(&h, 3);
    CHECK(out_at(&h, 0, 0) == RTM_FULL_SCALE && out_at(&h, 63, 1) == RTM_FULL_SCALE, "1.6 clips to full scale");
    CHECK(out_at(&h, 64, 0) == -1.0f, "-1.8 clips to -1.0");
    CHECK(out_at(&h, 128, 0) == 0.0f && out_at(&h, 128, 1) == RTM_FULL_SCALE, "NaN is silence, Infinity full scale");
    /* full scale survives PortAudio's float -> int32 conversion (it scales in float; 1.0 would wrap) */
    const float scaled = RTM_FULL_SCALE * (float)0x7FFFFFFF;
    CHECK(lrintf(scaled - 0.5f) == 2147483520L && (int)(RTM_FULL_SCALE * 32767.0f) == 32766, "int32 and int16 stay positive");
    CHECK(h.s.stats.clipped_samples == 128 + 128 + 16, "clipped counted: %llu", (unsigned long long)h.s.stats.clipped_samples);
    h_free(&h);
}

static void denormals_flushed_in_the_callback(void) {
#if defined(__SSE__) || defined(__x86_64__)
    harness h;
    h_init(&h, 256, 16);
    rtm_action *p = play_const(2, 64, 1e-39f, 0);
    p->gain = 0.5f;
    submit(&h, p);
    unsigned before = _mm_getcsr();
    h_run(&h, 1);
    CHECK(out_at(&h, 0, 0) == 0.0f, "a denormal product is flushed: %g", out_at(&h, 0, 0));
    CHECK(_mm_getcsr() == before, "the thread's MXCSR is restored");
    volatile float tiny = 1e-39f, half = 0.5f;
    CHECK(tiny * half != 0.0f, "outside the callback denormals are kept");
    h_free(&h);
#endif
}

/* Malformed actions are refused by the core: no division by zero, no access out of bounds. */
static void malformed_actions_refused(void) {
    harness h;
    h_init(&h, 256, 16);
    rtm_action *zero = play_const(1, 10, 0.5f, RTM_ASAP);
    zero->channels = 0;
    rtm_action *far = play_const(1, 10, 0.5f, RTM_ASAP);
    far->channel_map[0] = 7;
    rtm_action *ringless = new_action(RTM_RECORD_RINGBUFFER);
    ringless->channels = 1;
    ringbuffer *ring = ringbuffer_create(64, 3);
    rtm_action *mismatch = new_action(RTM_PLAY_RINGBUFFER);
    mismatch->channels = 2;
    mismatch->channel_map[1] = 1;
    mismatch->ring = ring;
    rtm_action *statsless = new_action(RTM_FETCH_STATS);
    free(statsless->stats_out);
    statsless->stats_out = NULL;
    rtm_action *unknown = new_action((rtm_action_type)99);
    rtm_action *all[] = {zero, far, ringless, mismatch, statsless, unknown};
    for (int i = 0; i < 6; i++) submit(&h, all[i]);
    h_run(&h, 1);
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= all[i]->outcome == RTM_REJECTED;
    CHECK(ok && h.nresults == 6 && first_not(&h, 0, 64, 0.0f) == -1, "all six refused, nothing played");
    CHECK(ringbuffer_create(64, 0) == NULL && ringbuffer_create((size_t)1 << 62, 64) == NULL, "ring sizes bounded");
    h_free(&h);
    ringbuffer_destroy(ring);
}

static void close_returns_everything_held(void) {
    harness h;
    h_init(&h, 256, 16);
    rtm_action *p = play_const(2, 100, 1.0f, 1000);
    submit(&h, p);
    submit(&h, gain_of(p, 0.5f, RTM_ASAP, 0));
    h_run(&h, 1);
    submit(&h, play_const(2, 10, 1.0f, RTM_ASAP)); /* still in the queue */
    unsigned n = rtm_state_drain_closed(&h.s);
    h_collect(&h);
    int ok = n == 3 && h.nresults == 3;
    for (size_t i = 0; i < h.nresults; i++) ok &= h.results[i]->outcome == RTM_CLOSED;
    CHECK(ok, "3 actions back, closed (%u)", n);
    h_free(&h);
}

static void prefault_touches_without_changing(void) {
    size_t n = 3 * 4096 + 100;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)i;
    rtm_prefault(p + 1, n - 1);
    int ok = 1;
    for (size_t i = 0; i < n; i++) ok &= p[i] == (unsigned char)i;
    CHECK(ok, "contents unchanged");
    free(p);
}

#ifdef __linux__
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static long minor_faults(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

/* fork() write-protects private pages for copy-on-write; rt memory is kept
 * out of the child, so the parent writes it afterwards without a fault. The
 * heap control shows the test would see the faults if there were any. */
static void rt_memory_stays_writable_across_fork(void) {
    const size_t bytes = 64 * 4096;
    unsigned char *rt = rtm_rt_alloc(bytes);
    unsigned char *heap = malloc(bytes);
    CHECK(rt && heap, "allocated");
    if (!rt || !heap) return;
    int zero = 1;
    for (size_t i = 0; i < bytes; i++) zero &= rt[i] == 0;
    CHECK(zero, "rt memory comes zeroed");
    memset(heap, 1, bytes);
    memset(rt, 1, bytes);
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    /* getrusage's own first write after the fork (its result, on the stack)
     * faults after it took its reading: warm that page up first. */
    (void)minor_faults();
    long before = minor_faults();
    for (size_t i = 0; i < bytes; i += 4096) rt[i] = 2;
    long rt_faults = minor_faults() - before;
    before = minor_faults();
    for (size_t i = 0; i < bytes; i += 4096) heap[i] = 2;
    long heap_faults = minor_faults() - before;
    CHECK(rt_faults == 0, "rt memory: %ld faults after a fork", rt_faults);
    CHECK(heap_faults >= 32, "control: heap memory took %ld faults (copy-on-write)", heap_faults);
    rtm_rt_free(rt);
    free(heap);
}
#endif

static void action_pool_hands_out_zeroed_distinct_actions(void) {
    enum { N = 300 }; /* more than one chunk */
    rtm_action *a[N];
    for (int i = 0; i < N; i++) {
        a[i] = rtm_action_alloc();
        CHECK(a[i] != NULL, "action %d", i);
        if (!a[i]) return;
        a[i]->id = (uint64_t)i + 1;
        a[i]->gain = 0.5f;
    }
    int distinct = 1;
    for (int i = 0; i < N; i++) distinct &= a[i]->id == (uint64_t)i + 1;
    CHECK(distinct, "no two actions share memory");
    for (int i = 0; i < N; i++) rtm_action_free(a[i]);
    rtm_action *again = rtm_action_alloc();
    CHECK(again && again->id == 0 && again->gain == 0.0f && again->buffer == NULL, "a reused action is zeroed");
    rtm_action_free(again);
    rtm_action_free(NULL);
}

/* ---- fast paths against the frame-by-frame path ---- */

static float noise(uint32_t *seed) {
    *seed = *seed * 1664525u + 1013904223u;
    return ((float)(*seed >> 8) / 16777216.0f - 0.5f) * 0.5f; /* [-0.25, 0.25) */
}

static rtm_action *play_noise(unsigned channels, uint64_t frames, uint32_t seed, int64_t at) {
    rtm_action *a = play_const(channels, frames, 0.0f, at);
    for (uint64_t i = 0; i < frames * channels; i++) a->buffer[i] = noise(&seed);
    return a;
}

/* One scene, built the same way each time: every kind of shaping falls inside
 * a block (fade-in and fade-out starts, a loop seam, a ramp, a jump, a cancel
 * with and without a fade), over every channel layout, with odd block sizes. */
static void play_scene(harness *h, int per_frame_only) {
    h_init(h, 1400, 64);
    h->s.per_frame_only = per_frame_only;
    rtm_action *a = play_noise(2, 1000, 1, 0); /* stereo straight through */
    a->gain = 0.7f;
    a->fade_in = 100;
    a->fade_out = 70;
    submit(h, a);
    rtm_action *b = play_noise(1, 400, 2, 13); /* mono to channel 1, looping */
    b->channel_map[0] = 1;
    b->loop_start = 100;
    b->loop_end = 337;
    b->loops = 3;
    submit(h, b);
    rtm_action *c = play_noise(2, 900, 3, 5); /* stereo, channels swapped: ramp, then a jump */
    c->channel_map[0] = 1;
    c->channel_map[1] = 0;
    submit(h, c);
    submit(h, gain_of(c, 0.3f, 150, 90));
    submit(h, gain_of(c, 1.5f, 400, 0));
    rtm_action *d = play_noise(3, 800, 4, 21); /* three channels mapped onto two, cancelled with a fade */
    d->channel_map[0] = 0;
    d->channel_map[1] = 1;
    d->channel_map[2] = 1;
    submit(h, d);
    submit(h, cancel_of(d, 500, 45));
    rtm_action *e = play_noise(2, 1200, 5, 3); /* equal-power fade-in, cut dead */
    e->fade_in = 77;
    e->curve = RTM_CURVE_EQUAL_POWER;
    submit(h, e);
    submit(h, cancel_of(e, 611, 0));
    static const unsigned long sizes[] = {61, 64, 7, 128, 33, 1, 250, 99};
    for (unsigned i = 0; h->played + 256 <= (int64_t)h->out_frames; i++) h_block(h, sizes[i % 8], 0);
}

static void fast_paths_match_the_per_frame_path(void) {
    harness fast, slow;
    play_scene(&fast, 0);
    play_scene(&slow, 1);
    size_t differ = 0, first = 0, nonzero = 0;
    for (size_t i = 0; i < (size_t)fast.played * OUT_CH; i++) {
        uint32_t x, y;
        memcpy(&x, &fast.out[i], 4);
        memcpy(&y, &slow.out[i], 4);
        if (x != y && !differ++) first = i;
        nonzero += fast.out[i] != 0.0f;
    }
    CHECK(fast.played == slow.played && fast.played > 1100, "both played %lld frames", (long long)fast.played);
    CHECK(differ == 0, "%zu samples differ, first at frame %zu ch %zu: %.9g vs %.9g", differ, first / OUT_CH,
          first % OUT_CH, fast.out[first], slow.out[first]);
    CHECK(nonzero > 2000, "the scene made sound (%zu samples)", nonzero);
    CHECK(fast.nresults == slow.nresults, "same results back");
    h_free(&fast);
    h_free(&slow);
}

/* ---- level meters ---- */

static double db(double linear) { return 20.0 * log10(linear); }

static void level_meters_read_a_sine(void) {
    harness h;
    h_init(&h, 64 * 8, 16);
    /* input: a 1 kHz sine (48 frames a period), 0.25 on channel 0 and 0.5 on channel 1 */
    float *input = malloc(64 * 8 * IN_CH * sizeof(float));
    for (int i = 0; i < 64 * 8; i++) {
        const double x = sin(2 * M_PI * i / 48.0);
        input[i * IN_CH] = (float)(0.25 * x);
        input[i * IN_CH + 1] = (float)(0.5 * x);
    }
    h.input = input;
    /* output: a 0.5 sine on channel 0 over frames 64..255, exactly four periods */
    rtm_action *p = play_const(1, 192, 0.0f, 64);
    for (int i = 0; i < 192; i++) p->buffer[i] = (float)(0.5 * sin(2 * M_PI * i / 48.0));
    submit(&h, p);
    rtm_action *f1 = new_action(RTM_FETCH_STATS), *f2 = new_action(RTM_FETCH_STATS), *f3 = new_action(RTM_FETCH_STATS);
    submit(&h, f1);
    h_run(&h, 3);
    submit(&h, f2); /* covers blocks 1-3: frames 64..255 */
    h_run(&h, 3);
    submit(&h, f3); /* blocks 4-6: output silent again */
    h_run(&h, 1);
    const rtm_stats *w = f2->stats_out, *after = f3->stats_out;
    const rtm_levels *o = &w->output_levels, *in = &w->input_levels;
    CHECK(w->frames == 192 && o->channels == OUT_CH && in->channels == IN_CH, "window of 192 frames, 2 + 2 channels");
    CHECK_NEAR(o->peak[0], 0.5, 1e-7, "output peak");
    CHECK_NEAR(sqrt(o->sum_squares[0] / w->frames), 0.5 / sqrt(2), 1e-6, "output RMS");
    char text[64];
    snprintf(text, sizeof text, "%.1f %.1f", db(o->peak[0]), db(sqrt(o->sum_squares[0] / w->frames)));
    CHECK(strcmp(text, "-6.0 -9.0") == 0, "dBFS peak and RMS: %s", text);
    CHECK(o->peak[1] == 0.0f && o->sum_squares[1] == 0.0, "silent channel reads 0");
    CHECK_NEAR(in->peak[0], 0.25, 1e-7, "input 0 peak");
    CHECK_NEAR(in->peak[1], 0.5, 1e-7, "input 1 peak");
    CHECK_NEAR(sqrt(in->sum_squares[1] / w->frames), 0.5 / sqrt(2), 1e-6, "input 1 RMS");
    CHECK(after->output_levels.peak[0] == 0.0f && after->output_levels.sum_squares[0] == 0.0, "the fetch reset the output meter");
    CHECK_NEAR(sqrt(after->input_levels.sum_squares[0] / after->frames), 0.25 / sqrt(2), 1e-6, "input still metered after the reset");
    free(input);
    h_free(&h);
}

/* Inf or NaN coming in adds to no sum (RMS stays a number); every channel count works. */
static void level_meter_odd_channels_and_non_finite_input(void) {
    rtm_levels m;
    rtm_levels_reset(&m, 3);
    float buf[3 * 5] = {0.1f, -0.2f, 0.3f, -0.1f, 0.2f, -0.9f, 0, 0, 0, 0, 0, 0, 0.05f, 0, 0};
    rtm_levels_add(&m, buf, 5);
    CHECK(m.peak[0] == 0.1f && m.peak[1] == 0.2f && m.peak[2] == 0.9f, "peaks per channel");
    CHECK_NEAR(m.sum_squares[2], 0.09 + 0.81, 1e-6, "sum of squares channel 2");
    rtm_levels two;
    rtm_levels_reset(&two, 2);
    float bad[2 * 9] = {0.5f, 0.25f, NAN, 0.1f};
    rtm_levels_add(&two, bad, 9);
    CHECK(two.sum_squares[0] == 0.0 && isfinite(two.sum_squares[1]) && two.sum_squares[1] > 0, "NaN block skipped on its channel only");
    CHECK(two.peak[0] == 0.5f && two.peak[1] == 0.25f, "peaks ignore NaN");
    rtm_levels_add(&two, bad + 4, 7); /* 7 frames: a remainder after the lanes */
    CHECK(two.peak[0] == 0.5f, "remainder");
}

/* The clock stamp: nothing before the first block, then each block's first
 * frame with a monotonic time taken at the callback's start. */
static void clock_stamp_follows_blocks(void) {
    harness h;
    h_init(&h, 4 * BLOCK, 16);
    int64_t frame = -1;
    uint32_t frames = 0;
    uint64_t ns = 0, before_ns = 0;
    CHECK(!rtm_clock_read(&h.s, &frame, &frames, &ns), "no stamp before the first block");
    struct timespec ts;
    for (int b = 0; b < 4; b++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        before_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        h_block(&h, BLOCK, 0);
        CHECK(rtm_clock_read(&h.s, &frame, &frames, &ns), "a stamp after a block");
        CHECK(frame == (int64_t)b * BLOCK && frames == BLOCK, "the block's first frame and length");
        clock_gettime(CLOCK_MONOTONIC, &ts);
        CHECK(ns >= before_ns && ns <= (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec,
              "taken during the callback");
    }
    h_free(&h);
}

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

#define CASE(f) {#f, f}
static const test_case cases[] = {
    CASE(play_starts_on_its_exact_frame),
    CASE(clock_stamp_follows_blocks),
    CASE(play_maps_channels_and_applies_gain),
    CASE(late_start_dropped_or_belated),
    CASE(record_buffer_exact),
    CASE(play_ringbuffer_underflow_and_drain),
    CASE(record_ringbuffer_overflow_and_cancel),
    CASE(fades_are_exact),
    CASE(fade_out_longer_than_the_sound),
    CASE(loops_count_and_region),
    CASE(loop_forever_until_cancelled),
    CASE(huge_loop_count_does_not_wrap),
    CASE(cancel_cuts_at_its_frame_or_fades),
    CASE(cancel_before_start_plays_nothing),
    CASE(set_gain_jumps_and_ramps_exactly),
    CASE(set_gain_before_start_applies_at_start),
    CASE(set_gain_on_a_waiting_queue_item),
    CASE(two_set_gains_in_one_block),
    CASE(long_ramp_from_an_integer_counter),
    CASE(queue_is_gapless_within_a_block),
    CASE(queue_after_a_finished_predecessor),
    CASE(cancel_waiting_queue_item_skips_it),
    CASE(cancelling_a_playing_item_starts_the_next),
    CASE(queue_of_1024_then_cancel_all),
    CASE(index_handles_colliding_ids),
    CASE(stats_count_whole_blocks),
    CASE(xruns_counted_per_block),
    CASE(xrun_log_never_returns_an_overwritten_entry),
    CASE(frame_published_at_block_start),
    CASE(mix_clips_and_never_outputs_nan),
    CASE(denormals_flushed_in_the_callback),
    CASE(malformed_actions_refused),
    CASE(close_returns_everything_held),
    CASE(prefault_touches_without_changing),
#ifdef __linux__
    CASE(rt_memory_stays_writable_across_fork),
#endif
    CASE(action_pool_hands_out_zeroed_distinct_actions),
    CASE(fast_paths_match_the_per_frame_path),
    CASE(level_meters_read_a_sine),
    CASE(level_meter_odd_channels_and_non_finite_input),
};

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (only && !strstr(cases[i].name, only)) continue;
        failures_in_case = 0;
        first_failure[0] = 0;
        cases[i].fn();
        if (failures_in_case) {
            failed++;
            printf("  FAIL %s (%d checks) — %s\n", cases[i].name, failures_in_case, first_failure);
        } else {
            passed++;
            printf("  pass %s\n", cases[i].name);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
