#define _POSIX_C_SOURCE 200809L
#include "pa_session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pa_copy.h"

struct pa_instance {
    pa_functions fn;
    int initialised; /* Pa_Initialize succeeded and was not terminated */
    int live;        /* open streams */
    int abandoned;   /* streams left open for ever: never Pa_Terminate this one */
    int host_gone;   /* its JACK client died with the server: never call into it again */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pa_instance *current = NULL;
static pa_listing scanned;        /* of `current`, owned here */
static double scanned_at_ms = 0;
static unsigned long generations = 0;
static unsigned long retired = 0; /* sessions left loaded for ever */

/* PortAudio probes every ALSA device and the JACK server at Pa_Initialize, and
 * both libraries print lines to stderr for each thing they cannot open (on a
 * machine with no sound card or no JACK server, a dozen lines at every
 * listing). Route their library messages to nowhere unless
 * RTMIXER_HOST_MESSAGES=1 asks to see them. Failures still reach the user
 * through PortAudio's return codes. */
#ifndef _WIN32
#include <dlfcn.h>

static void alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static void jack_quiet(const char *message) { (void)message; }

static void *library(const char *name) {
    return dlopen(name, RTLD_NOW | RTLD_LOCAL);
}

static void silence_host_libraries(void) {
    static int done = 0;
    const char *wanted = getenv("RTMIXER_HOST_MESSAGES");
    if (done || (wanted && wanted[0] == '1')) return;
    done = 1;
    void *alsa = library("libasound.so.2");
    if (alsa) {
        int (*set_handler)(void *) = (int (*)(void *))dlsym(alsa, "snd_lib_error_set_handler");
        if (set_handler) set_handler((void *)alsa_quiet);
    }
    void *jack = library("libjack.so.0");
    if (jack) {
        void (*set_error)(void (*)(const char *)) = (void (*)(void (*)(const char *)))dlsym(jack, "jack_set_error_function");
        void (*set_info)(void (*)(const char *)) = (void (*)(void (*)(const char *)))dlsym(jack, "jack_set_info_function");
        if (set_error) set_error(jack_quiet);
        if (set_info) set_info(jack_quiet);
    }
}
#else
/* Windows host APIs (WASAPI, WDM-KS, DirectSound, MME) print nothing. */
static void silence_host_libraries(void) {}
#endif

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static char *copy_string(const char *s) {
    return strdup(s ? s : "");
}

static void listing_clear(pa_listing *l) {
    for (int i = 0; i < l->host_api_count; i++) free(l->host_apis[i].name);
    for (int i = 0; i < l->device_count; i++) free(l->devices[i].name);
    free(l->host_apis);
    free(l->devices);
    memset(l, 0, sizeof *l);
}

/* Copies PortAudio's tables while the session lock is held. */
static void take_listing(const pa_functions *pa) {
    listing_clear(&scanned);
    int hosts = pa->GetHostApiCount(), devices = pa->GetDeviceCount();
    if (hosts < 0) hosts = 0;
    if (devices < 0) devices = 0;
    scanned.host_apis = calloc((size_t)hosts + 1, sizeof *scanned.host_apis);
    scanned.devices = calloc((size_t)devices + 1, sizeof *scanned.devices);
    if (!scanned.host_apis || !scanned.devices) hosts = devices = 0;
    for (int i = 0; i < hosts; i++) {
        const PaHostApiInfo *h = pa->GetHostApiInfo(i);
        if (!h) continue;
        pa_host_api_entry *e = &scanned.host_apis[scanned.host_api_count++];
        e->name = copy_string(h->name);
        e->type = h->type;
        e->device_count = h->deviceCount;
        e->default_input_device = h->defaultInputDevice;
        e->default_output_device = h->defaultOutputDevice;
    }
    for (int i = 0; i < devices; i++) {
        const PaDeviceInfo *d = pa->GetDeviceInfo(i);
        pa_device_entry *e = &scanned.devices[scanned.device_count++];
        if (!d) {
            e->name = copy_string("(gone)");
            continue;
        }
        e->name = copy_string(d->name);
        e->host_api = d->hostApi;
        e->max_input_channels = d->maxInputChannels;
        e->max_output_channels = d->maxOutputChannels;
        e->default_sample_rate = d->defaultSampleRate;
        e->default_low_input_latency = d->defaultLowInputLatency;
        e->default_low_output_latency = d->defaultLowOutputLatency;
        e->default_high_input_latency = d->defaultHighInputLatency;
        e->default_high_output_latency = d->defaultHighOutputLatency;
    }
    scanned.generation = ++generations;
    scanned_at_ms = now_ms();
}

static int initialise(pa_instance *in, char *err, size_t errlen) {
    if (in->initialised) return 1;
    silence_host_libraries();
    PaError e = in->fn.Initialize();
    if (e != 0) {
        snprintf(err, errlen, "PortAudio failed to initialise: %s", in->fn.GetErrorText(e));
        listing_clear(&scanned);
        return 0;
    }
    in->initialised = 1;
    take_listing(&in->fn);
    return 1;
}

static pa_instance *first_instance(char *err, size_t errlen) {
    const pa_functions *pa = pa_load(err, errlen);
    if (!pa) return NULL;
    pa_instance *in = calloc(1, sizeof *in);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    in->fn = *pa;
    return in;
}

/* The current session, initialised; NULL with err. Lock held. */
static pa_instance *ensure_current(char *err, size_t errlen) {
    if (!current) current = first_instance(err, errlen);
    if (!current) return NULL;
    return initialise(current, err, errlen) ? current : NULL;
}

static int probe_callback(const void *in, void *out, unsigned long frames,
                          const PaStreamCallbackTimeInfo *t, PaStreamCallbackFlags f, void *user) {
    (void)in; (void)out; (void)frames; (void)t; (void)f; (void)user;
    return paContinue;
}

/* Whether the session's JACK client still reaches a server: Pa_Terminate
 * would abort the process otherwise. The JACK host API keeps one client from
 * Pa_Initialize on; the cheapest question that reaches the server through it
 * is opening (not starting) a one-channel stream: a dead client cannot
 * register the port. No JACK host API: nothing to ask. Lock held. */
static int jack_client_alive(pa_instance *in) {
    int jack = -1;
    for (int i = 0; i < scanned.host_api_count; i++)
        if (scanned.host_apis[i].type == paJACK) jack = i;
    if (jack < 0) return 1;
    for (int i = 0; i < scanned.device_count; i++) {
        const pa_device_entry *d = &scanned.devices[i];
        if (d->host_api != jack || (d->max_output_channels < 1 && d->max_input_channels < 1)) continue;
        int output = d->max_output_channels > 0;
        PaStreamParameters p = {i, 1, paFloat32, output ? d->default_low_output_latency : d->default_low_input_latency, NULL};
        PaStream *stream = NULL;
        PaError e = in->fn.OpenStream(&stream, output ? NULL : &p, output ? &p : NULL, d->default_sample_rate,
                                      paFramesPerBufferUnspecified, paNoFlag, probe_callback, NULL);
        if (e != 0) return 0;
        return in->fn.CloseStream(stream) == 0;
    }
    return 0; /* a JACK host API with no device to ask: assume the worst */
}

/* Leaves the current session loaded for ever and makes a fresh copy of the
 * library the session. Lock held. */
static int replace_current(const char *why, char *err, size_t errlen) {
    pa_instance *next = calloc(1, sizeof *next);
    if (!next) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    if (!pa_load_copy(&next->fn, err, errlen)) {
        free(next);
        return 0;
    }
    retired++;
    fprintf(stderr,
            "rtmixer: %s; that PortAudio session cannot be ended safely, so it stays loaded "
            "and a fresh copy of the library takes over (%lu left so far)\n",
            why, retired);
    current = next; /* the old one is never freed: its streams (or its host threads) may still use it */
    return initialise(current, err, errlen);
}

pa_instance *pa_session_acquire(int *stale, char *err, size_t errlen) {
    *stale = 0;
    pthread_mutex_lock(&lock);
    pa_instance *in = ensure_current(err, errlen);
    if (in && in->host_gone) {
        *stale = 1;
        snprintf(err, errlen, "the audio server of this PortAudio session has gone: rescan the devices");
        in = NULL;
    }
    if (in) in->live++;
    pthread_mutex_unlock(&lock);
    return in;
}

const pa_functions *pa_instance_functions(const pa_instance *instance) { return &instance->fn; }

void pa_session_release(pa_instance *instance) {
    pthread_mutex_lock(&lock);
    if (instance->live > 0) instance->live--;
    pthread_mutex_unlock(&lock);
}

void pa_session_abandon(pa_instance *instance, int host_gone) {
    pthread_mutex_lock(&lock);
    if (instance->live > 0) instance->live--;
    instance->abandoned++;
    if (host_gone) instance->host_gone = 1;
    pthread_mutex_unlock(&lock);
}

int pa_session_rescan(int *rescanned, char *err, size_t errlen) {
    *rescanned = 0;
    int ok = 1;
    pthread_mutex_lock(&lock);
    if (!current || !current->initialised) {
        ok = ensure_current(err, errlen) != NULL;
        *rescanned = ok;
    } else if (current->host_gone) {
        ok = replace_current("the JACK server under an open stream went away", err, errlen);
        *rescanned = ok;
    } else if (current->live == 0) {
        if (current->abandoned) {
            ok = replace_current("an audio stream was abandoned", err, errlen);
        } else if (!jack_client_alive(current)) {
            current->host_gone = 1;
            ok = replace_current("the JACK server this PortAudio session used went away", err, errlen);
        } else {
            current->fn.Terminate();
            current->initialised = 0;
            ok = initialise(current, err, errlen);
        }
        *rescanned = ok;
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

static pa_listing *copy_listing(void) {
    pa_listing *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->generation = scanned.generation;
    l->age_ms = now_ms() - scanned_at_ms;
    l->host_apis = calloc((size_t)scanned.host_api_count + 1, sizeof *l->host_apis);
    l->devices = calloc((size_t)scanned.device_count + 1, sizeof *l->devices);
    if (!l->host_apis || !l->devices) {
        pa_listing_free(l);
        return NULL;
    }
    for (int i = 0; i < scanned.host_api_count; i++) {
        l->host_apis[i] = scanned.host_apis[i];
        l->host_apis[i].name = copy_string(scanned.host_apis[i].name);
        l->host_api_count++;
    }
    for (int i = 0; i < scanned.device_count; i++) {
        l->devices[i] = scanned.devices[i];
        l->devices[i].name = copy_string(scanned.devices[i].name);
        l->device_count++;
    }
    return l;
}

pa_listing *pa_session_listing(char *err, size_t errlen) {
    pthread_mutex_lock(&lock);
    pa_listing *l = NULL;
    if (ensure_current(err, errlen)) {
        l = copy_listing();
        if (!l) snprintf(err, errlen, "out of memory");
    }
    pthread_mutex_unlock(&lock);
    return l;
}

void pa_listing_free(pa_listing *listing) {
    if (!listing) return;
    listing_clear(listing);
    free(listing);
}
