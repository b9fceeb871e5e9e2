/* clock_gettime, M_PI_2 */
#define _DEFAULT_SOURCE
#include "mixer_core.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* The frame after an action's last one (or now, if it never started). */
static int64_t end_frame(const rtm_action *a, int64_t now) {
    return a->started ? a->actual_start + (int64_t)a->frames_done : now;
}

/* Queue items waiting for `a` start on the frame right after it. */
static void release_followers(rtm_state *s, const rtm_action *a, int64_t end) {
    for (rtm_action *f = a->next_active; f; f = f->next_active)
        if (f->after_id == a->id && f->start_frame == RTM_AFTER_PREDECESSOR) f->start_frame = end;
    rtm_finished *slot = &s->finished_log[s->finished_next++ % RTM_FINISHED_LOG];
    slot->id = a->id;
    slot->end_frame = end;
}

/* Where a new queue item starts: after a predecessor still in the list, at the
 * end of one that finished recently, or (unknown) as soon as possible. */
static int64_t follow_start(const rtm_state *s, const rtm_action *a) {
    for (const rtm_action *p = s->active; p; p = p->next_active)
        if (p->id == a->after_id) return RTM_AFTER_PREDECESSOR;
    for (unsigned i = 0; i < RTM_FINISHED_LOG; i++)
        if (s->finished_log[i].id == a->after_id) return s->finished_log[i].end_frame;
    return RTM_ASAP;
}

static void finish(rtm_state *s, rtm_action *a, rtm_outcome outcome) {
    a->outcome = outcome;
    /* Cannot fail: JS never has more actions in flight than the queue holds. */
    spsc_queue_push(&s->results, a);
}

static uint64_t now_ns(void) {
    /* CLOCK_MONOTONIC is served by the vDSO: no system call. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void reset_stats(rtm_stats *st) {
    uint32_t active = st->active_actions;
    memset(st, 0, sizeof(*st));
    st->min_block_frames = UINT32_MAX;
    st->callback_ns_min = UINT64_MAX;
    st->active_actions = active;
    st->max_active_actions = active;
}

static rtm_action *find_active(rtm_state *s, uint64_t id) {
    for (rtm_action *a = s->active; a; a = a->next_active)
        if (a->id == id) return a;
    return NULL;
}

/* Decides whether an action starts in this block. Returns the offset of its
 * first frame in the block, -1 to wait, -2 if it must be dropped as late. */
static long start_offset(rtm_state *s, rtm_action *a, int64_t block_start, unsigned long frames) {
    if (a->started) return 0;
    if (a->start_frame == RTM_AFTER_PREDECESSOR) return -1;
    int64_t start = a->start_frame == RTM_ASAP ? block_start : a->start_frame;
    if (start >= block_start + (int64_t)frames) return -1;
    long offset = 0;
    if (start < block_start) {
        a->late_frames = (uint64_t)(block_start - start);
        if (!a->allow_belated) return -2;
        s->stats.late_starts++;
    } else {
        offset = (long)(start - block_start);
    }
    a->started = 1;
    a->actual_start = block_start + offset;
    return offset;
}

static int is_instant(const rtm_action *a) {
    return a->type == RTM_CANCEL || a->type == RTM_FETCH_STATS || a->type == RTM_SET_GAIN;
}

/* CANCEL and FETCH_STATS take effect at an instant; run them before the
 * media actions so a cancel at frame k silences its target from frame k on. */
static int run_instant(rtm_state *s, rtm_action *a, long offset, int64_t block_start) {
    if (a->type == RTM_CANCEL) {
        rtm_action *target = find_active(s, a->target_id);
        if (!target || is_instant(target))
            return RTM_TARGET_MISSING + 1;
        int64_t at = block_start + offset;
        if (at < target->cancel_at) {
            target->cancel_at = at;
            target->cancel_fade = target->type == RTM_PLAY_BUFFER ? a->fade_out : 0;
        }
        return RTM_FINISHED + 1;
    }
    if (a->type == RTM_SET_GAIN) {
        rtm_action *target = find_active(s, a->target_id);
        if (!target || target->type != RTM_PLAY_BUFFER || target->cancel_at != INT64_MAX)
            return RTM_TARGET_MISSING + 1;
        target->gain_change_at = block_start + offset;
        target->gain_change_to = a->gain;
        target->gain_change_ramp = a->ramp;
        return RTM_FINISHED + 1;
    }
    /* RTM_FETCH_STATS */
    *a->stats_out = s->stats;
    reset_stats(&s->stats);
    return RTM_FINISHED + 1;
}

static void play_frames(const rtm_action *a, const float *src, float *out, unsigned out_ch,
                        unsigned long n, float gain) {
    const unsigned ch = a->channels;
    if (ch == 2 && out_ch == 2 && a->channel_map[0] == 0 && a->channel_map[1] == 1) {
        /* The common case, stereo straight through: one contiguous, vectorisable loop. */
        for (unsigned long i = 0; i < 2 * n; i++) out[i] += src[i] * gain;
        return;
    }
    for (unsigned long i = 0; i < n; i++)
        for (unsigned c = 0; c < ch; c++) out[i * out_ch + a->channel_map[c]] += src[i * ch + c] * gain;
}

static void record_frames(const rtm_action *a, const float *in, unsigned in_ch, float *dst,
                          unsigned long n) {
    const unsigned ch = a->channels;
    for (unsigned long i = 0; i < n; i++)
        for (unsigned c = 0; c < ch; c++)
            dst[i * ch + c] = in ? in[i * in_ch + a->channel_map[c]] : 0.0f;
}

static float curve(rtm_curve c, float t) {
    return c == RTM_CURVE_EQUAL_POWER ? sinf(t * (float)M_PI_2) : t;
}

/* Starts a SET_GAIN that takes effect at this frame. */
static void begin_gain_change(rtm_action *a) {
    a->gain_change_at = INT64_MAX;
    a->gain_target = a->gain_change_to;
    if (a->gain_change_ramp == 0) {
        a->gain_now = a->gain_target;
        a->ramp_left = 0;
    } else {
        a->gain_step = (a->gain_target - a->gain_now) / (float)a->gain_change_ramp;
        a->ramp_left = a->gain_change_ramp;
    }
}

/* The envelope of this frame: fade-in, the fade-out at the end, a cancel fade. */
static float envelope(rtm_action *a, int64_t now) {
    float env = 1.0f;
    if (a->frames_done < a->fade_in) env = curve(a->curve, (float)a->frames_done / (float)a->fade_in);
    if (a->fade_out && a->total_out != UINT64_MAX) {
        uint64_t remaining = a->total_out - a->frames_done;
        if (remaining <= a->fade_out) env *= curve(a->curve, (float)(remaining - 1) / (float)a->fade_out);
    }
    if (now >= a->cancel_at && a->cancel_fade) {
        env *= curve(a->curve, (float)(a->cancel_fade - 1 - a->cancel_fade_done) / (float)a->cancel_fade);
        a->cancel_fade_done++;
    }
    return env;
}

/* Frames from `position` that need no per-frame work: no fade, ramp, pending
 * gain change or cancel, and no loop seam or end inside. 0 if this frame needs it. */
static uint64_t plain_run(const rtm_action *a, int64_t now, uint64_t loop_end, uint64_t limit) {
    if (a->frames_done < a->fade_in || a->ramp_left || now >= a->cancel_at) return 0;
    uint64_t n = limit;
    uint64_t until_seam = (a->loops != 0 ? loop_end : a->total_frames) - a->position;
    if (until_seam < n) n = until_seam;
    if (a->cancel_at != INT64_MAX && (uint64_t)(a->cancel_at - now) < n) n = (uint64_t)(a->cancel_at - now);
    if (a->gain_change_at != INT64_MAX) {
        if (a->gain_change_at <= now) return 0;
        if ((uint64_t)(a->gain_change_at - now) < n) n = (uint64_t)(a->gain_change_at - now);
    }
    if (a->fade_out && a->total_out != UINT64_MAX) {
        uint64_t fade_starts = a->total_out - a->fade_out;
        if (a->frames_done >= fade_starts) return 0;
        if (fade_starts - a->frames_done < n) n = fade_starts - a->frames_done;
    }
    return n;
}

/* After `n` frames: the loop seam and the end of the sound. */
static int advance_voice(rtm_action *a, uint64_t n, uint64_t loop_end) {
    a->frames_done += n;
    a->position += n;
    if (a->position == loop_end && a->loops != 0) {
        a->position = a->loop_start;
        if (a->loops > 0) a->loops--;
    }
    return a->position >= a->total_frames ? RTM_FINISHED + 1 : 0;
}

/* PLAY_BUFFER: constant-gain stretches go through the plain mixing loop; only
 * frames inside a fade, a ramp or at a seam take the frame-by-frame path,
 * so gain ramps, fades and loop seams stay exact. */
static int play_voice(rtm_state *s, rtm_action *a, float *out, long offset, unsigned long frames,
                      int64_t block_start) {
    const unsigned ch = a->channels, oc = s->output_channels;
    const uint64_t loop_end = a->loop_end ? a->loop_end : a->total_frames;
    unsigned long i = (unsigned long)offset;
    while (i < frames) {
        const int64_t now = block_start + (int64_t)i;
        const uint64_t run = plain_run(a, now, loop_end, frames - i);
        if (run > 0) {
            if (out) play_frames(a, a->buffer + a->position * ch, out + i * oc, oc, (unsigned long)run, a->gain_now);
            i += (unsigned long)run;
            if (advance_voice(a, run, loop_end)) return RTM_FINISHED + 1;
            continue;
        }
        if (now >= a->cancel_at && a->cancel_fade_done >= a->cancel_fade) return RTM_CANCELLED + 1;
        if (now == a->gain_change_at) begin_gain_change(a);
        const float g = a->gain_now * envelope(a, now);
        if (a->ramp_left && --a->ramp_left == 0) a->gain_now = a->gain_target;
        else if (a->ramp_left) a->gain_now += a->gain_step;
        const float *src = a->buffer + a->position * ch;
        if (out)
            for (unsigned c = 0; c < ch; c++) out[i * oc + a->channel_map[c]] += src[c] * g;
        i++;
        if (advance_voice(a, 1, loop_end)) return RTM_FINISHED + 1;
    }
    return 0;
}

/* Runs one media action over frames [offset, end) of the block. Returns non-zero
 * (outcome + 1) when the action is complete. */
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
            play_frames(a, r.first, out_at, s->output_channels, r.first_frames, a->gain);
            play_frames(a, r.second, out_at + r.first_frames * s->output_channels,
                        s->output_channels, r.second_frames, a->gain);
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

static void log_xrun(rtm_state *s, int64_t block_start, unsigned long flags) {
    uint64_t n = atomic_load_explicit(&s->xrun_count, memory_order_relaxed);
    s->xrun_log[n % RTM_XRUN_LOG].frame = (uint64_t)block_start;
    s->xrun_log[n % RTM_XRUN_LOG].flags = (uint32_t)flags;
    atomic_store_explicit(&s->xrun_count, n + 1, memory_order_release);
}

static void count_flags(rtm_stats *st, unsigned long flags) {
    if (flags & RTM_INPUT_UNDERFLOW) st->input_underflows++;
    if (flags & RTM_INPUT_OVERFLOW) st->input_overflows++;
    if (flags & RTM_OUTPUT_UNDERFLOW) st->output_underflows++;
    if (flags & RTM_OUTPUT_OVERFLOW) st->output_overflows++;
    if (flags & RTM_PRIMING_OUTPUT) st->output_priming++;
}


void rtm_process(rtm_state *s, const float *in, float *out, unsigned long frames,
                 unsigned long status_flags) {
    const uint64_t t0 = now_ns();
    const int64_t block_start = (int64_t)atomic_load_explicit(&s->frame, memory_order_relaxed);
    if (out) memset(out, 0, frames * s->output_channels * sizeof(float));

    rtm_block_hook hook = atomic_load_explicit(&s->test_hook, memory_order_acquire);
    if (hook) hook();

    /* Append new actions in submission order, so a CANCEL finds its target. */
    rtm_action **tail = &s->active;
    while (*tail) tail = &(*tail)->next_active;
    rtm_action *a;
    while ((a = spsc_queue_pop(&s->actions))) {
        a->next_active = NULL;
        if (a->after_id) a->start_frame = follow_start(s, a);
        a->cancel_at = INT64_MAX;
        a->gain_change_at = INT64_MAX;
        a->gain_now = a->gain_target = a->gain;
        a->total_out = UINT64_MAX;
        if (a->type == RTM_PLAY_BUFFER && a->loops != RTM_LOOP_FOREVER) {
            uint64_t end = a->loop_end ? a->loop_end : a->total_frames;
            a->total_out = a->total_frames + (uint64_t)a->loops * (end - a->loop_start);
        }
        *tail = a;
        tail = &a->next_active;
    }
    count_flags(&s->stats, status_flags);
    if (status_flags & 0x1fu) log_xrun(s, block_start, status_flags);

    /* Two passes: instants first (cancel, stats), then media. */
    for (int pass = 0; pass < 2; pass++) {
        rtm_action **link = &s->active;
        while ((a = *link)) {
            if (is_instant(a) != (pass == 0)) {
                link = &a->next_active;
                continue;
            }
            long offset = start_offset(s, a, block_start, frames);
            int done = 0;
            if (offset == -2) {
                s->stats.dropped_starts++;
                done = RTM_DROPPED_LATE + 1;
            } else if (offset >= 0 && pass == 0) {
                done = run_instant(s, a, offset, block_start);
            } else if (pass == 1) {
                /* A CANCEL may stop it inside this block, or before it ever started;
                 * a play with a cancel fade stops by itself when the fade ends. */
                const int64_t stop = a->cancel_at - block_start;
                const int cut = stop < (int64_t)frames && (!a->cancel_fade || !a->started);
                if (offset >= 0) {
                    unsigned long end = frames;
                    if (cut) end = (unsigned long)(stop > offset ? stop : offset);
                    if (end > (unsigned long)offset) done = run_media(s, a, in, out, offset, end, block_start);
                }
                if (!done && cut) done = RTM_CANCELLED + 1;
            }
            if (done) {
                release_followers(s, a, end_frame(a, block_start + (offset > 0 ? offset : 0)));
                *link = a->next_active;
                finish(s, a, (rtm_outcome)(done - 1));
            } else {
                link = &a->next_active;
            }
        }
    }

    unsigned active = 0;
    for (a = s->active; a; a = a->next_active) active++;
    rtm_stats *st = &s->stats;
    st->active_actions = active;
    if (active > st->max_active_actions) st->max_active_actions = active;
    st->blocks++;
    st->frames += frames;
    if (frames < st->min_block_frames) st->min_block_frames = (uint32_t)frames;
    if (frames > st->max_block_frames) st->max_block_frames = (uint32_t)frames;
    atomic_store_explicit(&s->frame, (uint64_t)block_start + frames, memory_order_release);

    const uint64_t took = now_ns() - t0;
    if (took < st->callback_ns_min) st->callback_ns_min = took;
    if (took > st->callback_ns_max) st->callback_ns_max = took;
    st->callback_ns_sum += took;
    double period_ns = frames * 1e9 / s->sample_rate;
    double load = period_ns > 0 ? took / period_ns : 0;
    if (load > st->load_max) st->load_max = load;
}
