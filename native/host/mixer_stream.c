#include "mixer_stream.h"

#include <stdio.h>
#include <string.h>

#include "pa_session.h"

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

int rtm_stream_open(rtm_stream *s, const rtm_stream_config *cfg, char *err, size_t errlen) {
    memset(s, 0, sizeof(*s));
    s->pa = pa_session_acquire(err, errlen);
    if (!s->pa) return 0;
    if (!rtm_state_init(&s->state, cfg->input_channels, cfg->output_channels, cfg->sample_rate,
                        cfg->queue_capacity)) {
        snprintf(err, errlen, "out of memory for the action queues");
        pa_session_release();
        return 0;
    }
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
        e = s->pa->StartStream(s->stream);
        if (e != 0) s->pa->CloseStream(s->stream);
    }
    if (e != 0) {
        snprintf(err, errlen, "%s (PortAudio error %d)", s->pa->GetErrorText(e), e);
        s->stream = NULL;
        rtm_state_destroy(&s->state);
        pa_session_release();
        return 0;
    }
    s->running = 1;
    return 1;
}

void rtm_stream_stop(rtm_stream *s) {
    if (!s->running) return;
    s->pa->AbortStream(s->stream);
    s->running = 0;
}

void rtm_stream_close(rtm_stream *s) {
    if (!s->stream) return;
    rtm_stream_stop(s);
    s->pa->CloseStream(s->stream);
    s->stream = NULL;
    rtm_state_destroy(&s->state);
    pa_session_release();
}
