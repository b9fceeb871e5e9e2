#include "pa_session.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int users = 0;       /* open streams */
static int initialised = 0; /* Pa_Initialize succeeded and was not terminated */

/* PortAudio probes every ALSA device and the JACK server at Pa_Initialize, and
 * both libraries print lines to stderr for each thing they cannot open (on a
 * machine with no sound card or no JACK server, a dozen lines at every
 * listing). Route their library messages to nowhere unless
 * RTMIXER_HOST_MESSAGES=1 asks to see them. Failures still reach the user
 * through PortAudio's return codes. */
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

static const pa_functions *ensure_initialised(char *err, size_t errlen) {
    const pa_functions *pa = pa_load(err, errlen);
    if (!pa) return NULL;
    if (!initialised) {
        silence_host_libraries();
        PaError e = pa->Initialize();
        if (e != 0) {
            snprintf(err, errlen, "PortAudio failed to initialise: %s", pa->GetErrorText(e));
            return NULL;
        }
        initialised = 1;
    }
    return pa;
}

const pa_functions *pa_session_acquire(char *err, size_t errlen) {
    pthread_mutex_lock(&lock);
    const pa_functions *pa = ensure_initialised(err, errlen);
    if (pa) users++;
    pthread_mutex_unlock(&lock);
    return pa;
}

void pa_session_release(void) {
    pthread_mutex_lock(&lock);
    if (users > 0) users--;
    pthread_mutex_unlock(&lock);
}

const pa_functions *pa_session_refresh(char *err, size_t errlen) {
    pthread_mutex_lock(&lock);
    const pa_functions *pa = pa_load(err, errlen);
    if (pa && initialised && users == 0) {
        /* PortAudio scans devices only in Pa_Initialize. */
        pa->Terminate();
        initialised = 0;
    }
    if (pa) pa = ensure_initialised(err, errlen);
    pthread_mutex_unlock(&lock);
    return pa;
}
