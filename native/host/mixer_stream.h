/* PortAudio glue: opens a float32 interleaved stream whose callback runs
 * rtm_process(), reports the stream's real latencies, tells whether the host
 * still runs it, and ends it without ever blocking for long: a stream whose
 * host has gone is abandoned (left open, its memory kept) rather than closed. */
#ifndef RTMIXER_MIXER_STREAM_H
#define RTMIXER_MIXER_STREAM_H
#include <stdatomic.h>
#include <stddef.h>

#include "mixer_core.h"
#include "pa_loader.h"
#include "pa_session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rtm_stream_config {
    int input_device;  /* paNoDevice when input_channels == 0 */
    int output_device; /* paNoDevice when output_channels == 0 */
    unsigned input_channels;
    unsigned output_channels;
    double sample_rate;
    unsigned long block_size; /* 0: the host's choice */
    double input_latency;     /* suggested, seconds */
    double output_latency;
    unsigned queue_capacity;
} rtm_stream_config;

typedef struct rtm_stream {
    pa_instance *session;
    const pa_functions *pa;
    PaStream *stream;
    rtm_state state;
    double input_latency; /* seconds, from Pa_GetStreamInfo */
    double output_latency;
    double sample_rate;
    int host_api_type;    /* PaHostApiTypeId of its device (paJACK, ...) */
    PaStreamParameters probe; /* one channel of its device, to ask a JACK server whether it is there */
    _Atomic(int) finished; /* the host called the stream-finished callback */
    int running;
} rtm_stream;

/* Opens and starts the stream. On failure returns 0 with a message in err;
 * *stale is set when the PortAudio session must be rescanned first. */
int rtm_stream_open(rtm_stream *s, const rtm_stream_config *cfg, int *stale, char *err, size_t errlen);

/* 1 while the host runs the stream, 0 once it reported it finished or
 * inactive (a JACK server that died, an unplugged card). Any thread, until
 * rtm_stream_end. */
int rtm_stream_host_alive(rtm_stream *s);

typedef enum rtm_end_result {
    RTM_ENDED_CLOSED = 1,    /* stopped and closed: the state may be drained and freed */
    RTM_ENDED_ABANDONED = 0, /* left open for ever: never free s nor anything the callback may reach */
} rtm_end_result;

/* Stops the callback for good. `lost`: the host is known to have gone. A lost
 * stream on JACK is abandoned at once (PortAudio's JACK host waits 10 minutes
 * in abort, then asserts); otherwise abort + close run on a helper thread and
 * the stream is abandoned if they take longer than timeout_ms (100 ms at most
 * for a lost stream). Logs one line
 * when it abandons. Idempotent. */
rtm_end_result rtm_stream_end(rtm_stream *s, int lost, unsigned timeout_ms);

/* Frees the state of a stream that rtm_stream_end closed. */
void rtm_stream_free_state(rtm_stream *s);

#ifdef __cplusplus
}
#endif
#endif
