#define _POSIX_C_SOURCE 200809L
#include "mixer_stream.h"
#include "monotonic_cond.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Defined only by the real-time guard the test suite preloads (test/native/
 * rtguard.c); it flags the thread while the callback body runs so that any
 * allocation, lock or blocking call there is counted. NULL otherwise. */
extern void rtguard_enter(void) __attribute__((weak));
extern void rtguard_leave(void) __attribute__((weak));

static int trampoline(const void *input, void *output, unsigned long frames,
                      const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags flags,
                      void *user) {
    (void)time_info;
    rtm_stream *s = user;
    if (rtguard_enter) rtguard_enter();
    rtm_process(&s->state, input, output, frames, flags);
    if (rtguard_leave) rtguard_leave();
    return paContinue;
}

#define LOST_CLOSE_TIMEOUT_MS 100u

/* Called by the host when the stream stops by itself (ALSA on a device
 * error) and when we abort it; only the flag, read by the watcher. */
static void on_finished(void *user) {
    rtm_stream *s = user;
    atomic_store(&s->finished, 1);
}

static int host_type_of(const pa_functions *pa, int device) {
    if (device < 0) return -1;
    const PaDeviceInfo *d = pa->GetDeviceInfo(device);
    const PaHostApiInfo *h = d ? pa->GetHostApiInfo(d->hostApi) : NULL;
    return h ? h->type : -1;
}

int rtm_stream_open(rtm_stream *s, const rtm_stream_config *cfg, int *stale, char *err, size_t errlen) {
    memset(s, 0, sizeof(*s));
    s->session = pa_session_acquire(stale, err, errlen);
    if (!s->session) return 0;
    s->pa = pa_instance_functions(s->session);
    if (!rtm_state_init(&s->state, cfg->input_channels, cfg->output_channels, cfg->sample_rate,
                        cfg->queue_capacity)) {
        snprintf(err, errlen, "out of memory for the action queues");
        pa_session_release(s->session);
        return 0;
    }
    s->host_api_type = host_type_of(s->pa, cfg->output_channels ? cfg->output_device : cfg->input_device);
    s->probe = (PaStreamParameters){cfg->output_channels ? cfg->output_device : cfg->input_device, 1, paFloat32,
                                    cfg->output_channels ? cfg->output_latency : cfg->input_latency, NULL};
    PaStreamParameters in = {cfg->input_device, (int)cfg->input_channels, paFloat32,
                             cfg->input_latency, NULL};
    PaStreamParameters out = {cfg->output_device, (int)cfg->output_channels, paFloat32,
                              cfg->output_latency, NULL};
    PaStreamParameters *in_p = cfg->input_channels ? &in : NULL;
    PaStreamParameters *out_p = cfg->output_channels ? &out : NULL;
    PaError e = s->pa->OpenStream(&s->stream, in_p, out_p, cfg->sample_rate, cfg->block_size,
                                  paClipOff | paDitherOff, trampoline, s);
    if (e == 0) {
        const PaStreamInfo *info = s->pa->GetStreamInfo(s->stream);
        s->input_latency = info->inputLatency;
        s->output_latency = info->outputLatency;
        s->sample_rate = info->sampleRate;
        s->state.sample_rate = info->sampleRate;
        s->pa->SetStreamFinishedCallback(s->stream, on_finished);
        e = s->pa->StartStream(s->stream);
        if (e != 0) s->pa->CloseStream(s->stream);
    }
    if (e != 0) {
        snprintf(err, errlen, "%s (PortAudio error %d)", s->pa->GetErrorText(e), e);
        /* A JACK device refused by a session whose client died says "Insufficient
         * memory": let the caller rescan and try once more. */
        if (s->host_api_type == paJACK && (e == paInsufficientMemory || e == paDeviceUnavailable || e == paUnanticipatedHostError))
            *stale = 1;
        s->stream = NULL;
        rtm_state_destroy(&s->state);
        pa_session_release(s->session);
        return 0;
    }
    s->running = 1;
    return 1;
}

int rtm_stream_host_alive(rtm_stream *s) {
    if (!s->running) return 0;
    if (atomic_load(&s->finished)) return 0;
    return s->pa->IsStreamActive(s->stream) != 0;
}

/* Abort + close on a thread of its own, so that a host that never returns
 * costs us a thread, not the event loop. Whoever finishes second frees it. */
typedef struct closer {
    pthread_mutex_t mutex;
    pthread_cond_t done_cond;
    const pa_functions *pa;
    PaStream *stream;
    int jack;                 /* ask the server before closing */
    PaStreamParameters probe;
    double sample_rate;
    int is_output;
    int done;
    int closed;               /* 0 when done: the JACK server had gone, the stream stays open */
    int gave_up;
} closer;

static int probe_callback(const void *in, void *out, unsigned long frames,
                          const PaStreamCallbackTimeInfo *t, PaStreamCallbackFlags f, void *user) {
    (void)in; (void)out; (void)frames; (void)t; (void)f; (void)user;
    return paContinue;
}

/* PortAudio's JACK host asserts (aborts the process) in Pa_CloseStream when
 * the server died while we were aborting (jack_port_unregister fails): ask the
 * server first, by opening a one-channel stream that a dead client cannot. */
static int jack_server_answers(closer *c) {
    PaStream *probe = NULL;
    PaError e = c->pa->OpenStream(&probe, c->is_output ? NULL : &c->probe, c->is_output ? &c->probe : NULL,
                                  c->sample_rate, paFramesPerBufferUnspecified, paNoFlag, probe_callback, NULL);
    if (e != 0) return 0;
    return c->pa->CloseStream(probe) == 0;
}

static void closer_free(closer *c) {
    pthread_mutex_destroy(&c->mutex);
    pthread_cond_destroy(&c->done_cond);
    free(c);
}

static void *close_stream(void *arg) {
    closer *c = arg;
    c->pa->AbortStream(c->stream);
    pthread_mutex_lock(&c->mutex);
    int gave_up = c->gave_up;
    pthread_mutex_unlock(&c->mutex);
    /* Abandoned meanwhile: the stream stays open, as promised to the log. */
    int closed = 0;
    if (!gave_up && (!c->jack || jack_server_answers(c))) {
        c->pa->CloseStream(c->stream);
        closed = 1;
    }
    pthread_mutex_lock(&c->mutex);
    c->done = 1;
    c->closed = closed;
    gave_up = c->gave_up;
    pthread_cond_signal(&c->done_cond);
    pthread_mutex_unlock(&c->mutex);
    if (gave_up) closer_free(c);
    return NULL;
}

/* 1 when closed within timeout_ms, 0 when given up on or when the JACK
 * server had gone (*host_gone then). */
static int close_within(rtm_stream *s, unsigned timeout_ms, int *host_gone) {
    *host_gone = 0;
    closer *c = calloc(1, sizeof *c);
    if (!c) return 0;
    pthread_mutex_init(&c->mutex, NULL);
    monotonic_cond_init(&c->done_cond);
    c->pa = s->pa;
    c->stream = s->stream;
    c->jack = s->host_api_type == paJACK;
    c->probe = s->probe;
    c->sample_rate = s->sample_rate;
    c->is_output = s->state.output_channels > 0;
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&thread, &attr, close_stream, c) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        close_stream(c); /* no thread to spare: close here, unbounded */
        int closed = c->closed;
        *host_gone = !closed;
        closer_free(c);
        return closed;
    }
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->mutex);
    while (!c->done && pthread_cond_timedwait(&c->done_cond, &c->mutex, &until) != ETIMEDOUT) {
    }
    int done = c->done, closed = c->closed;
    if (!done) c->gave_up = 1;
    pthread_mutex_unlock(&c->mutex);
    if (done) closer_free(c);
    *host_gone = done && !closed;
    return done && closed;
}

static void log_abandoned(const rtm_stream *s, const char *why) {
    fprintf(stderr,
            "rtmixer: abandoned the audio stream without closing it (%s); its memory "
            "(%lu KB and the actions it held) stays allocated on purpose, as the host's thread may still use it\n",
            why, (unsigned long)((sizeof *s + (size_t)s->state.actions.capacity * 2 * sizeof(void *)) / 1024));
}

rtm_end_result rtm_stream_end(rtm_stream *s, int lost, unsigned timeout_ms) {
    if (!s->stream) return RTM_ENDED_CLOSED;
    if (!s->running) return RTM_ENDED_ABANDONED;
    s->running = 0;
    /* Found inactive without being stopped: the host has gone too. */
    if (!lost && (atomic_load(&s->finished) || s->pa->IsStreamActive(s->stream) == 0)) lost = 1;
    int jack = s->host_api_type == paJACK;
    /* A host that has gone gets a short chance only: the event loop waits. */
    if (lost && timeout_ms > LOST_CLOSE_TIMEOUT_MS) timeout_ms = LOST_CLOSE_TIMEOUT_MS;
    const char *why = NULL;
    int host_gone = 0;
    if (lost && jack) {
        why = "the JACK server went away; PortAudio would wait 10 minutes in Pa_AbortStream";
        host_gone = 1;
    } else if (!close_within(s, timeout_ms, &host_gone)) {
        why = host_gone ? "the JACK server went away while it stopped; PortAudio would abort the process in Pa_CloseStream"
                        : "PortAudio did not stop it within the time allowed";
    }
    if (why) {
        pa_session_abandon(s->session, host_gone || (lost && jack));
        log_abandoned(s, why);
        return RTM_ENDED_ABANDONED;
    }
    s->stream = NULL;
    pa_session_release(s->session);
    return RTM_ENDED_CLOSED;
}

void rtm_stream_free_state(rtm_stream *s) {
    rtm_state_destroy(&s->state);
}
