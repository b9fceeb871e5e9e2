/* clock_gettime, M_PI_2 */
#define _DEFAULT_SOURCE
#include "mixer_core.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "fpu_guard.h"
#include "id_index.h"
#include "mix_kernels.h"

/* ---- Gapless queues: followers wait for their predecessor to end. ---- */

static void follower_unlink(rtm_action *f) {
    rtm_action *p = f->v.pred;
    if (!p) return;
    if (f->v.prev_follower) f->v.prev_follower->v.next_follower = f->v.next_follower;
    else p->v.followers = f->v.next_follower;
    if (f->v.next_follower) f->v.next_follower->v.prev_follower = f->v.prev_follower;
    f->v.pred = f->v.next_follower = f->v.prev_follower = NULL;
}

static void follower_link(rtm_action *p, rtm_action *f) {
    f->v.pred = p;
    f->v.prev_follower = NULL;
    f->v.next_follower = p->v.followers;
    if (p->v.followers) p->v.followers->v.prev_follower = f;
    p->v.followers = f;
    f->start_frame = RTM_AFTER_PREDECESSOR;
}

static void log_finished(rtm_state *s, uint64_t id, uint64_t alias, int64_t end) {
    rtm_finished *slot = &s->finished_log[s->finished_next++ % RTM_FINISHED_LOG];
    slot->id = id;
    slot->alias = alias;
    slot->end_frame = end;
}

/* A media action leaves: its followers start on the frame after its last one.
 * One that never started passes its place on instead: its followers wait for
 * its own predecessor, or take its start time. */
static void hand_over_followers(rtm_state *s, rtm_action *a, int64_t now) {
    rtm_action *pred = a->v.pred;
    follower_unlink(a);
    int64_t start = a->started ? a->actual_start + (int64_t)a->frames_done
                    : a->start_frame == RTM_ASAP ? now : a->start_frame;
    rtm_action *f = a->v.followers;
    a->v.followers = NULL;
    while (f) {
        rtm_action *next = f->v.next_follower;
        f->v.pred = f->v.next_follower = f->v.prev_follower = NULL;
        if (pred && !a->started) follower_link(pred, f);
        else f->start_frame = start;
        f = next;
    }
    log_finished(s, a->id, pred && !a->started ? pred->id : 0, start);
}

/* Where a new queue item starts: after a predecessor still held, at the end of
 * one that finished recently, or (unknown) as soon as possible. */
static void attach_follower(rtm_state *s, rtm_action *f) {
    uint64_t id = f->after_id;
    /* each hop follows an item that never started; the log bounds the chain */
    for (unsigned hop = 0; hop <= RTM_FINISHED_LOG; hop++) {
        rtm_action *p = rtm_index_find(s, id);
        if (p) {
            follower_link(p, f);
            return;
        }
        const rtm_finished *e = NULL;
        for (unsigned i = 0; i < RTM_FINISHED_LOG; i++)
            if (s->finished_log[i].id == id) e = &s->finished_log[i];
        if (!e) break;
        if (!e->alias) {
            f->start_frame = e->end_frame;
            return;
        }
        id = e->alias;
    }
    f->start_frame = RTM_ASAP;
}

/* ---- Results ---- */

static void finish(rtm_state *s, rtm_action *a, rtm_outcome outcome) {
    a->outcome = outcome;
    /* Cannot fail: JS never has more actions in flight than the queue holds. */
    spsc_queue_push(&s->results, a);
}

static int is_instant(const rtm_action *a) {
    return a->type == RTM_CANCEL || a->type == RTM_FETCH_STATS || a->type == RTM_SET_GAIN;
}

static int is_media(const rtm_action *a) {
    return a->type == RTM_PLAY_BUFFER || a->type == RTM_RECORD_BUFFER || a->type == RTM_PLAY_RINGBUFFER ||
           a->type == RTM_RECORD_RINGBUFFER;
}

/* A media action leaves the callback: index, queue followers, pending gain changes. */
static void retire_media(rtm_state *s, rtm_action *a, rtm_outcome outcome, int64_t now) {
    rtm_index_remove(s, a);
    hand_over_followers(s, a, now);
    for (rtm_action *g = a->v.gain_head; g;) {
        rtm_action *next = g->v.next_gain;
        finish(s, g, RTM_TARGET_MISSING); /* never applied: the sound ended first */
        g = next;
    }
    a->v.gain_head = a->v.gain_tail = NULL;
    finish(s, a, outcome);
}

/* ---- Taking actions from the queue ---- */

/* The binding validates every field; the callback still refuses what would
 * make it read or write out of bounds or divide by zero. */
static int well_formed(const rtm_state *s, const rtm_action *a) {
    if (!is_media(a)) return is_instant(a) && (a->type != RTM_FETCH_STATS || a->stats_out);
    if (a->channels == 0 || a->channels > RTM_MAX_CHANNELS) return 0;
    const int output = a->type == RTM_PLAY_BUFFER || a->type == RTM_PLAY_RINGBUFFER;
    const unsigned stream_channels = output ? s->output_channels : s->input_channels;
    for (unsigned c = 0; c < a->channels; c++)
        if (a->channel_map[c] >= stream_channels) return 0;
    if (a->type == RTM_PLAY_BUFFER || a->type == RTM_RECORD_BUFFER)
        return a->buffer && a->total_frames > 0;
    return a->ring && a->ring->channels == a->channels;
}

static rtm_layout layout_of(const rtm_action *a, unsigned out_ch);

static void set_up_voice(const rtm_state *s, rtm_action *a) {
    if (is_instant(a)) { /* an instant uses only its list links: touch no more of it */
        a->v.next_active = a->v.next_gain = NULL;
        return;
    }
    memset(&a->v, 0, sizeof(a->v));
    a->v.cancel_at = INT64_MAX;
    a->v.gain_now = a->gain;
    a->v.total_out = UINT64_MAX;
    a->v.layout = (uint8_t)layout_of(a, s->output_channels);
    if (a->type != RTM_PLAY_BUFFER) return;
    uint64_t loop_end = a->loop_end && a->loop_end <= a->total_frames ? a->loop_end : a->total_frames;
    uint64_t loop_start = a->loop_start < loop_end ? a->loop_start : 0;
    a->v.loop_end = loop_end;
    a->v.loops_left = a->loops < 0 ? RTM_LOOP_FOREVER : a->loops;
    if (a->loops >= 0) {
        uint64_t extra;
        /* a length that does not fit plays until cancelled rather than wrapping */
        if (__builtin_mul_overflow((uint64_t)a->loops, loop_end - loop_start, &extra) ||
            __builtin_add_overflow(extra, a->total_frames, &a->v.total_out))
            a->v.total_out = UINT64_MAX;
    }
    if (a->v.total_out != UINT64_MAX)
        a->v.fade_out = a->fade_out < a->v.total_out ? a->fade_out : a->v.total_out;
}

/* Appends new actions in submission order, so a CANCEL finds its target. */
static void take_new_actions(rtm_state *s) {
    rtm_action *a;
    while ((a = spsc_queue_pop(&s->actions))) {
        if (!well_formed(s, a)) {
            finish(s, a, RTM_REJECTED);
            continue;
        }
        set_up_voice(s, a);
        if (is_media(a)) {
            rtm_index_insert(s, a);
            if (a->after_id) attach_follower(s, a);
        }
        rtm_list *list = is_instant(a) ? &s->instants : &s->voices;
        if (list->tail) list->tail->v.next_active = a;
        else list->head = a;
        list->tail = a;
        s->active_count++;
    }
}

/* ---- Starting ---- */

/* The first frame an action not yet started would play in this block: its
 * offset in the block, -1 to wait, -2 if it must be dropped as late. */
static long start_offset(rtm_action *a, int64_t block_start, unsigned long frames) {
    if (a->started) return 0;
    if (a->start_frame == RTM_AFTER_PREDECESSOR) return -1;
    int64_t start = a->start_frame == RTM_ASAP ? block_start : a->start_frame;
    if (start >= block_start + (int64_t)frames) return -1;
    if (start < block_start) {
        a->late_frames = (uint64_t)(block_start - start);
        if (!a->allow_belated) return -2;
        return 0;
    }
    return (long)(start - block_start);
}

static void mark_started(rtm_state *s, rtm_action *a, int64_t at) {
    a->started = 1;
    a->actual_start = at;
    if (a->late_frames) s->stats.late_starts++;
}

/* ---- Instants: cancel, set gain ---- */

static rtm_outcome run_cancel(rtm_state *s, rtm_action *c, int64_t at) {
    rtm_action *t = rtm_index_find(s, c->target_id);
    if (!t) return RTM_TARGET_MISSING;
    if (at < t->v.cancel_at) {
        t->v.cancel_at = at;
        t->v.cancel_fade = t->type == RTM_PLAY_BUFFER ? c->fade_out : 0;
        t->v.cancel_curve = c->curve;
        t->v.cancel_fade_done = 0;
    }
    return RTM_FINISHED;
}

/* A SET_GAIN joins its target's chain and comes back when the target applies
 * it (at its frame, or when a sound scheduled later starts). Returns 0 when it
 * was attached, else the outcome. */
static int run_set_gain(rtm_state *s, rtm_action *g) {
    rtm_action *t = rtm_index_find(s, g->target_id);
    if (!t || t->type != RTM_PLAY_BUFFER || t->v.cancel_at != INT64_MAX) return RTM_TARGET_MISSING + 1;
    g->v.next_gain = NULL;
    if (t->v.gain_tail) t->v.gain_tail->v.next_gain = g;
    else t->v.gain_head = g;
    t->v.gain_tail = g;
    return 0;
}

/* ---- Media ---- */

/* How a play's channels land in the output, decided once when the callback takes it. */
static rtm_layout layout_of(const rtm_action *a, unsigned out_ch) {
    int in_order = 1;
    for (unsigned c = 0; c < a->channels; c++) in_order &= a->channel_map[c] == c;
    if (in_order && a->channels == out_ch) return RTM_LAYOUT_CONTIGUOUS;
    if (a->channels == 1) return RTM_LAYOUT_MONO;
    if (a->channels == 2) return RTM_LAYOUT_STEREO;
    return RTM_LAYOUT_MAPPED;
}

static void play_frames(const rtm_action *a, const float *src, float *out, unsigned out_ch,
                        unsigned long n, float gain) {
    const uint8_t *map = a->channel_map;
    switch ((rtm_layout)a->v.layout) {
    case RTM_LAYOUT_CONTIGUOUS: rtm_mix_contiguous(out, src, (size_t)n * out_ch, gain); break;
    case RTM_LAYOUT_MONO: rtm_mix_mono_to(out, out_ch, map[0], src, n, gain); break;
    case RTM_LAYOUT_STEREO: rtm_mix_stereo_to(out, out_ch, map[0], map[1], src, n, gain); break;
    default: rtm_mix_mapped(out, out_ch, map, a->channels, src, n, gain); break;
    }
}

static void record_frames(const rtm_action *a, const float *in, unsigned in_ch, float *dst,
                          unsigned long n) {
    const unsigned ch = a->channels;
    for (unsigned long i = 0; i < n; i++)
        for (unsigned c = 0; c < ch; c++)
            dst[i * ch + c] = in ? in[i * in_ch + a->channel_map[c]] : 0.0f;
}

static float curve(rtm_curve c, double t) {
    return c == RTM_CURVE_EQUAL_POWER ? sinf((float)t * (float)M_PI_2) : (float)t;
}

/* Applies every SET_GAIN due at `now`, in submission order (the last wins).
 * A change whose frame passed before the sound started (it was scheduled or
 * waiting in a queue) is applied as if it had run since its frame. */
static void apply_gain_changes(rtm_state *s, rtm_action *a, int64_t now) {
    rtm_action *g;
    while ((g = a->v.gain_head) && g->actual_start <= now) {
        a->v.gain_head = g->v.next_gain;
        if (!a->v.gain_head) a->v.gain_tail = NULL;
        float from = a->v.gain_now;
        if (a->v.ramp_len) /* interrupts a ramp where it is */
            from = (float)(a->v.ramp_from +
                           (a->v.ramp_to - a->v.ramp_from) * ((double)a->v.ramp_done / (double)a->v.ramp_len));
        const uint64_t elapsed = (uint64_t)(now - g->actual_start);
        if (g->ramp == 0 || elapsed >= g->ramp) {
            a->v.gain_now = g->gain;
            a->v.ramp_len = 0;
        } else {
            a->v.ramp_from = from;
            a->v.ramp_to = g->gain;
            a->v.ramp_len = g->ramp;
            a->v.ramp_done = elapsed;
            a->v.gain_now = from;
        }
        finish(s, g, RTM_FINISHED);
    }
}

/* The gain of this frame with a ramp under way, from an integer counter in
 * double: exact over hours, no accumulated rounding. Advances the ramp. */
static float ramp_gain(rtm_action *a) {
    const double g = a->v.ramp_from + (a->v.ramp_to - a->v.ramp_from) * ((double)a->v.ramp_done / (double)a->v.ramp_len);
    if (++a->v.ramp_done >= a->v.ramp_len) {
        a->v.gain_now = a->v.ramp_to;
        a->v.ramp_len = 0;
    }
    return (float)g;
}

/* The envelope of this frame: fade-in, the fade-out at the end, a cancel fade. */
static float envelope(rtm_action *a, int64_t now) {
    float env = 1.0f;
    if (a->frames_done < a->fade_in) env = curve(a->curve, (double)a->frames_done / (double)a->fade_in);
    if (a->v.fade_out) {
        uint64_t remaining = a->v.total_out - a->frames_done;
        if (remaining <= a->v.fade_out)
            env *= curve(a->curve, (double)(remaining - 1) / (double)a->v.fade_out);
    }
    if (now >= a->v.cancel_at && a->v.cancel_fade) {
        env *= curve(a->v.cancel_curve,
                     (double)(a->v.cancel_fade - 1 - a->v.cancel_fade_done) / (double)a->v.cancel_fade);
        a->v.cancel_fade_done++;
    }
    return env;
}

/* Frames from `now` that need no per-frame work: no fade, ramp, pending gain
 * change or cancel, and no loop seam or end inside. 0 if this frame needs it. */
static uint64_t plain_run(const rtm_action *a, int64_t now, uint64_t limit) {
    if (a->frames_done < a->fade_in || a->v.ramp_len || now >= a->v.cancel_at) return 0;
    uint64_t n = limit;
    uint64_t until_seam = (a->v.loops_left != 0 ? a->v.loop_end : a->total_frames) - a->v.position;
    if (until_seam < n) n = until_seam;
    if (a->v.cancel_at != INT64_MAX && (uint64_t)(a->v.cancel_at - now) < n) n = (uint64_t)(a->v.cancel_at - now);
    if (a->v.gain_head) {
        if (a->v.gain_head->actual_start <= now) return 0;
        if ((uint64_t)(a->v.gain_head->actual_start - now) < n) n = (uint64_t)(a->v.gain_head->actual_start - now);
    }
    if (a->v.fade_out) {
        uint64_t fade_starts = a->v.total_out - a->v.fade_out;
        if (a->frames_done >= fade_starts) return 0;
        if (fade_starts - a->frames_done < n) n = fade_starts - a->frames_done;
    }
    return n;
}

/* After `n` frames: the loop seam and the end of the sound. */
static int advance_voice(rtm_action *a, uint64_t n) {
    a->frames_done += n;
    a->v.position += n;
    if (a->v.position == a->v.loop_end && a->v.loops_left != 0) {
        a->v.position = a->loop_start < a->v.loop_end ? a->loop_start : 0;
        if (a->v.loops_left > 0) a->v.loops_left--;
    }
    return a->v.position >= a->total_frames;
}

/* PLAY_BUFFER over frames [offset, frames): constant-gain stretches go through
 * the plain mixing loop; only frames inside a fade, a ramp or at a seam take
 * the frame-by-frame path, so ramps, fades and loop seams stay exact. Returns
 * outcome + 1 when the sound is complete. */
static int play_voice(rtm_state *s, rtm_action *a, float *out, long offset, unsigned long frames,
                      int64_t block_start) {
    const unsigned ch = a->channels, oc = s->output_channels;
    unsigned long i = (unsigned long)offset;
    while (i < frames) {
        const int64_t now = block_start + (int64_t)i;
        const uint64_t run = s->per_frame_only ? 0 : plain_run(a, now, frames - i);
        if (run > 0) {
            if (out) play_frames(a, a->buffer + a->v.position * ch, out + i * oc, oc, (unsigned long)run, a->v.gain_now);
            i += (unsigned long)run;
            if (advance_voice(a, run)) return RTM_FINISHED + 1;
            continue;
        }
        if (now >= a->v.cancel_at && a->v.cancel_fade_done >= a->v.cancel_fade) return RTM_CANCELLED + 1;
        apply_gain_changes(s, a, now);
        const float gain = a->v.ramp_len ? ramp_gain(a) : a->v.gain_now;
        const float g = gain * envelope(a, now);
        const float *src = a->buffer + a->v.position * ch;
        if (out)
            for (unsigned c = 0; c < ch; c++) out[i * oc + a->channel_map[c]] += src[c] * g;
        i++;
        if (advance_voice(a, 1)) return (now >= a->v.cancel_at ? RTM_CANCELLED : RTM_FINISHED) + 1;
    }
    return 0;
}

/* Runs one media action over frames [offset, end) of the block. Returns
 * outcome + 1 when the action is complete. */
static int run_media(rtm_state *s, rtm_action *a, const float *in, float *out, long offset,
                     unsigned long end, int64_t block_start) {
    unsigned long n = end - (unsigned long)offset;
    const float *in_at = in ? in + (size_t)offset * s->input_channels : NULL;
    float *out_at = out ? out + (size_t)offset * s->output_channels : NULL;
    switch (a->type) {
    case RTM_PLAY_BUFFER:
        return play_voice(s, a, out, offset, end, block_start);
    case RTM_RECORD_BUFFER: {
        uint64_t left = a->total_frames - a->frames_done;
        if (n > left) n = (unsigned long)left;
        record_frames(a, in_at, s->input_channels, a->buffer + a->frames_done * a->channels, n);
        a->frames_done += n;
        return a->frames_done == a->total_frames ? RTM_FINISHED + 1 : 0;
    }
    case RTM_PLAY_RINGBUFFER: {
        /* Read `ended` before the data: if the writer ended, all it wrote is visible. */
        int ended = atomic_load_explicit(&a->ring->ended, memory_order_acquire);
        ringbuffer_regions r;
        ringbuffer_read_regions(a->ring, n, &r);
        if (out_at) {
            play_frames(a, r.first, out_at, s->output_channels, r.first_frames, a->v.gain_now);
            play_frames(a, r.second, out_at + r.first_frames * s->output_channels,
                        s->output_channels, r.second_frames, a->v.gain_now);
        }
        unsigned long got = r.first_frames + r.second_frames;
        ringbuffer_read_advance(a->ring, got);
        a->frames_done += got;
        if (ended && a->end_when_drained && ringbuffer_read_available(a->ring) == 0)
            return RTM_FINISHED + 1;
        if (got < n) {
            atomic_fetch_add_explicit(&a->underflow_frames, n - got, memory_order_relaxed);
            s->stats.action_underflow_frames += n - got;
        }
        return 0;
    }
    case RTM_RECORD_RINGBUFFER: {
        ringbuffer_regions r;
        ringbuffer_write_regions(a->ring, n, &r);
        record_frames(a, in_at, s->input_channels, r.first, r.first_frames);
        record_frames(a, in_at ? in_at + r.first_frames * s->input_channels : NULL,
                      s->input_channels, r.second, r.second_frames);
        unsigned long put = r.first_frames + r.second_frames;
        ringbuffer_write_advance(a->ring, put);
        a->frames_done += put;
        if (put < n) {
            atomic_fetch_add_explicit(&a->overflow_frames, n - put, memory_order_relaxed);
            s->stats.action_overflow_frames += n - put;
        }
        return 0;
    }
    default:
        return RTM_FINISHED + 1;
    }
}

/* One media action for this block. Returns outcome + 1 when it is complete. */
static int run_media_block(rtm_state *s, rtm_action *a, const float *in, float *out,
                           unsigned long frames, int64_t block_start) {
    const int64_t block_end = block_start + (int64_t)frames;
    const int64_t cancel_at = a->v.cancel_at;
    long offset = start_offset(a, block_start, frames);
    if (offset == -2) {
        s->stats.dropped_starts++;
        return RTM_DROPPED_LATE + 1;
    }
    if (!a->started) {
        /* A cancel at or before its start: it never starts, plays no fade tail. */
        if (cancel_at < block_end && (offset < 0 || cancel_at <= block_start + offset)) return RTM_CANCELLED + 1;
        if (offset < 0) return 0;
        mark_started(s, a, block_start + offset);
    }
    /* A cancel inside this block stops it dead, unless a play fades out from there. */
    unsigned long end = frames;
    const int cut = cancel_at < block_end && !a->v.cancel_fade;
    if (cut) end = cancel_at > block_start + offset ? (unsigned long)(cancel_at - block_start) : (unsigned long)offset;
    int done = end > (unsigned long)offset ? run_media(s, a, in, out, offset, end, block_start) : 0;
    return done ? done : cut ? RTM_CANCELLED + 1 : 0;
}

/* ---- Stats and xruns ---- */

static void log_xrun(rtm_state *s, int64_t block_start, unsigned long flags) {
    uint64_t n = atomic_load_explicit(&s->xrun_count, memory_order_relaxed);
    rtm_xrun_slot *e = &s->xrun_log[n % RTM_XRUN_LOG];
    /* seqlock: 0 while the fields change, then the entry's index + 1. The
     * fields are release stores, so a reader that sees a new field value also
     * sees seq no longer holding the old index. */
    atomic_store_explicit(&e->seq, 0, memory_order_relaxed);
    atomic_store_explicit(&e->frame, (uint64_t)block_start, memory_order_release);
    atomic_store_explicit(&e->flags, (uint32_t)flags, memory_order_release);
    atomic_store_explicit(&e->seq, n + 1, memory_order_release);
    atomic_store_explicit(&s->xrun_count, n + 1, memory_order_release);
}

int rtm_xrun_read(const rtm_state *s, uint64_t i, rtm_xrun *out) {
    const rtm_xrun_slot *e = &s->xrun_log[i % RTM_XRUN_LOG];
    uint64_t before = atomic_load_explicit(&e->seq, memory_order_acquire);
    out->frame = atomic_load_explicit(&e->frame, memory_order_acquire);
    out->flags = atomic_load_explicit(&e->flags, memory_order_acquire);
    uint64_t after = atomic_load_explicit(&e->seq, memory_order_relaxed);
    return before == i + 1 && after == i + 1;
}

static void count_flags(rtm_stats *st, unsigned long flags) {
    if (flags & RTM_INPUT_UNDERFLOW) st->input_underflows++;
    if (flags & RTM_INPUT_OVERFLOW) st->input_overflows++;
    if (flags & RTM_OUTPUT_UNDERFLOW) st->output_underflows++;
    if (flags & RTM_OUTPUT_OVERFLOW) st->output_overflows++;
    if (flags & RTM_PRIMING_OUTPUT) st->output_priming++;
    /* JACK reports one xrun as an input overflow and an output underflow: one block, one xrun */
    if (flags & RTM_XRUN_FLAGS) st->xrun_blocks++;
}

static void reset_stats(rtm_stats *st, int64_t next_block) {
    uint32_t active = st->active_actions;
    const unsigned out_ch = st->output_levels.channels, in_ch = st->input_levels.channels;
    memset(st, 0, offsetof(rtm_stats, output_levels));
    rtm_levels_reset(&st->output_levels, out_ch);
    rtm_levels_reset(&st->input_levels, in_ch);
    st->min_block_frames = UINT32_MAX;
    st->callback_ns_min = UINT64_MAX;
    st->first_frame = st->end_frame = next_block;
    st->active_actions = active;
    st->max_active_actions = active;
}

void rtm_stats_snapshot(const rtm_stats *live, rtm_stats *out) {
    *out = *live;
    if (!out->blocks) {
        out->min_block_frames = 0;
        out->callback_ns_min = 0;
    }
}

static uint64_t now_ns(void) {
    /* CLOCK_MONOTONIC is served by the vDSO: no system call. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The mix clips at full scale and never wraps on an integer device: NaN
 * becomes silence, ±Infinity full scale. The top is the largest float below
 * 1.0, not 1.0: PortAudio's float -> int32 converter scales in float, where
 * 1.0 * 0x7FFFFFFF rounds to 2^31 and lrintf() overflows to INT32_MIN (a
 * full-scale positive sample would come out as the most negative one).
 * Returns how many samples it clamped. */
static uint64_t clamp_output(float *restrict out, size_t n) {
    /* Branch-free in blocks of 8 lanes, so that it vectorises (see mix_kernels.h). */
    uint32_t clipped[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (unsigned k = 0; k < 8; k++) {
            const float v = out[i + k];
            float c = v < -1.0f ? -1.0f : v;
            c = c > RTM_FULL_SCALE ? RTM_FULL_SCALE : c;
            c = v == v ? c : 0.0f; /* NaN */
            clipped[k] += c != v;
            out[i + k] = c;
        }
    for (; i < n; i++) {
        const float v = out[i];
        if (v >= -1.0f && v <= RTM_FULL_SCALE) continue;
        out[i] = v > RTM_FULL_SCALE ? RTM_FULL_SCALE : v < -1.0f ? -1.0f : 0.0f;
        clipped[0]++;
    }
    uint64_t total = 0;
    for (unsigned k = 0; k < 8; k++) total += clipped[k];
    return total;
}

/* Publishes (block_start, t0) under the sequence count: odd while writing. */
static void stamp_clock(rtm_state *s, int64_t block_start, uint32_t frames, uint64_t t0) {
    const uint64_t seq = atomic_load_explicit(&s->clock_seq, memory_order_relaxed);
    atomic_store_explicit(&s->clock_seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&s->clock_frame, block_start, memory_order_relaxed);
    atomic_store_explicit(&s->clock_frames, frames, memory_order_relaxed);
    atomic_store_explicit(&s->clock_ns, t0, memory_order_relaxed);
    atomic_store_explicit(&s->clock_seq, seq + 2, memory_order_release);
}

int rtm_clock_read(const rtm_state *s, int64_t *frame, uint32_t *frames, uint64_t *ns) {
    for (;;) {
        const uint64_t before = atomic_load_explicit(&s->clock_seq, memory_order_acquire);
        if (before == 0) return 0;
        if (before & 1) continue; /* the callback is writing: a few nanoseconds */
        const int64_t f = atomic_load_explicit(&s->clock_frame, memory_order_relaxed);
        const uint32_t n = atomic_load_explicit(&s->clock_frames, memory_order_relaxed);
        const uint64_t t = atomic_load_explicit(&s->clock_ns, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->clock_seq, memory_order_relaxed) == before) {
            *frame = f;
            *frames = n;
            *ns = t;
            return 1;
        }
    }
}

/* Unlinks `a` (whose predecessor in `list` is `prev`). */
static void active_remove(rtm_state *s, rtm_list *list, rtm_action *prev, rtm_action *a) {
    if (prev) prev->v.next_active = a->v.next_active;
    else list->head = a->v.next_active;
    if (list->tail == a) list->tail = prev;
    a->v.next_active = NULL;
    s->active_count--;
}

void rtm_process(rtm_state *s, const float *in, float *out, unsigned long frames,
                 unsigned long status_flags) {
    const uint64_t t0 = now_ns();
    rtm_fpu_state fpu = rtm_fpu_flush_denormals();
    /* Publish the clock first: an action submitted while this block runs is
     * taken by the next block, whose first frame currentFrame now reads. */
    const int64_t block_start = (int64_t)atomic_load_explicit(&s->frame, memory_order_relaxed);
    const int64_t block_end = block_start + (int64_t)frames;
    atomic_store_explicit(&s->frame, (uint64_t)block_end, memory_order_release);
    stamp_clock(s, block_start, (uint32_t)frames, t0);
    if (out) memset(out, 0, frames * s->output_channels * sizeof(float));

    rtm_block_hook hook = atomic_load_explicit(&s->test_hook, memory_order_acquire);
    if (hook) hook();

    take_new_actions(s);
    count_flags(&s->stats, status_flags);
    if (status_flags & 0x1fu) log_xrun(s, block_start, status_flags);

    /* Pass 1, instants: cancels and gain changes take effect at their frame,
     * before the media run, so a cancel at frame k silences from frame k on.
     * Stats fetches wait for the end of the block, which they then include. */
    rtm_action *fetches = NULL, **fetches_tail = &fetches;
    rtm_action *prev = NULL, *a = s->instants.head;
    while (a) {
        rtm_action *next = a->v.next_active;
        long offset = start_offset(a, block_start, frames);
        int done = 0, keep = offset == -1;
        if (offset == -2) {
            s->stats.dropped_starts++;
            done = RTM_DROPPED_LATE + 1;
        } else if (offset >= 0) {
            mark_started(s, a, block_start + offset);
            if (a->type == RTM_CANCEL) done = run_cancel(s, a, block_start + offset) + 1;
            else if (a->type == RTM_SET_GAIN) done = run_set_gain(s, a); /* 0: now held by its target */
        }
        if (keep) {
            prev = a;
        } else {
            active_remove(s, &s->instants, prev, a);
            if (done) finish(s, a, (rtm_outcome)(done - 1));
            else if (a->type == RTM_FETCH_STATS) {
                *fetches_tail = a;
                fetches_tail = &a->v.next_active;
            }
        }
        a = next;
    }

    /* Pass 2, media, in submission order (a queue item follows its predecessor
     * within the same block). */
    prev = NULL;
    a = s->voices.head;
    while (a) {
        rtm_action *next = a->v.next_active;
        int done = run_media_block(s, a, in, out, frames, block_start);
        if (done) {
            active_remove(s, &s->voices, prev, a);
            retire_media(s, a, (rtm_outcome)(done - 1), block_start);
        } else {
            prev = a;
        }
        a = next;
    }

    rtm_stats *st = &s->stats;
    if (out) st->clipped_samples += clamp_output(out, frames * s->output_channels);
    rtm_levels_add(&st->output_levels, out, frames);
    rtm_levels_add(&st->input_levels, in, frames);
    st->active_actions = s->active_count;
    if (s->active_count > st->max_active_actions) st->max_active_actions = s->active_count;
    if (st->blocks == 0) st->first_frame = block_start;
    st->blocks++;
    st->frames += frames;
    st->end_frame = block_end;
    if (frames < st->min_block_frames) st->min_block_frames = (uint32_t)frames;
    if (frames > st->max_block_frames) st->max_block_frames = (uint32_t)frames;
    const uint64_t took = now_ns() - t0;
    if (took < st->callback_ns_min) st->callback_ns_min = took;
    if (took > st->callback_ns_max) st->callback_ns_max = took;
    st->callback_ns_sum += took;
    const double period_ns = frames * 1e9 / s->sample_rate;
    const double load = period_ns > 0 ? took / period_ns : 0;
    if (load > st->load_max) st->load_max = load;

    /* A fetch reports whole blocks, this one included; the next period starts with the next block. */
    for (a = fetches; a;) {
        rtm_action *next = a->v.next_active;
        rtm_stats_snapshot(st, a->stats_out);
        reset_stats(st, block_end);
        finish(s, a, RTM_FINISHED);
        a = next;
    }
    rtm_fpu_restore(fpu);
}
