/* One PortAudio session for the process, and the device listing it saw.
 *
 * PortAudio scans devices only in Pa_Initialize, and Pa_Terminate closes every
 * stream, so the session is re-initialised only when it must: when a rescan is
 * asked for and no stream is open. A session whose JACK server died (a stream
 * on it was lost, or a probe stream cannot be opened any more) is never
 * terminated (PortAudio 19.6 aborts the process there); it is retired, left
 * loaded with whatever streams it still has, and a fresh copy of the library
 * (pa_copy.h) becomes the session. The listing is copied into our own memory
 * under the session lock, so reading it never races a re-initialisation. */
#ifndef RTMIXER_PA_SESSION_H
#define RTMIXER_PA_SESSION_H
#include <stddef.h>

#include "pa_loader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_instance pa_instance;

typedef struct pa_host_api_entry {
    char *name;
    int type;
    int device_count;
    int default_input_device;
    int default_output_device;
} pa_host_api_entry;

typedef struct pa_device_entry {
    char *name;
    int host_api;
    int max_input_channels;
    int max_output_channels;
    double default_sample_rate;
    double default_low_input_latency;
    double default_low_output_latency;
    double default_high_input_latency;
    double default_high_output_latency;
} pa_device_entry;

typedef struct pa_listing {
    unsigned long generation; /* bumped at every (re-)initialisation */
    double age_ms;            /* since the scan, when this copy was taken */
    int host_api_count;
    pa_host_api_entry *host_apis;
    int device_count;
    pa_device_entry *devices;
} pa_listing;

/* For a new stream: the current session, initialised, counted as in use.
 * NULL with err when PortAudio cannot load or initialise, or when the session
 * is known stale (its JACK server died): then *stale is set, rescan first. */
pa_instance *pa_session_acquire(int *stale, char *err, size_t errlen);
const pa_functions *pa_instance_functions(const pa_instance *instance);
/* The stream was closed. */
void pa_session_release(pa_instance *instance);
/* The stream was left open for ever (its host may block or still use it);
 * host_gone: its JACK server died, the session's client with it. */
void pa_session_abandon(pa_instance *instance, int host_gone);

/* Re-scans devices if no stream holds the session (or retires a stale
 * session). Blocks for the time of Pa_Terminate + Pa_Initialize (~10-200 ms):
 * call it off the event loop where possible. Returns 0 with err on failure;
 * *rescanned tells whether a scan happened (0: a stream holds the session). */
int pa_session_rescan(int *rescanned, char *err, size_t errlen);

/* A copy of the current listing (initialising PortAudio the first time).
 * NULL with err on failure. Free with pa_listing_free. */
pa_listing *pa_session_listing(char *err, size_t errlen);
void pa_listing_free(pa_listing *listing);

#ifdef __cplusplus
}
#endif
#endif
