/* PortAudio glue: opens a float32 interleaved stream whose callback runs
 * rtm_process(), and reports the stream's real latencies. */
#ifndef RTMIXER_MIXER_STREAM_H
#define RTMIXER_MIXER_STREAM_H
#include <stddef.h>

#include "mixer_core.h"
#include "pa_loader.h"

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
    const pa_functions *pa;
    PaStream *stream;
    rtm_state state;
    double input_latency; /* seconds, from Pa_GetStreamInfo */
    double output_latency;
    double sample_rate;
    int running;
} rtm_stream;

/* Opens and starts the stream. On failure returns 0 with a message in err. */
int rtm_stream_open(rtm_stream *s, const rtm_stream_config *cfg, char *err, size_t errlen);
/* Stops the stream: after this the callback never runs again. Idempotent. */
void rtm_stream_stop(rtm_stream *s);
/* Closes the stream and frees the state; call after rtm_stream_stop. */
void rtm_stream_close(rtm_stream *s);

#ifdef __cplusplus
}
#endif
#endif
