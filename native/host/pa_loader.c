#include "pa_loader.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#include "pa_search.h"

static pa_functions functions;
/* Set once the table is complete. Workers may call pa_load() at the same time
 * as the main thread: the lock makes one of them load, the flag lets later
 * calls skip the lock. */
static _Atomic int loaded = 0;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static char loaded_from[PA_SEARCH_PATH_MAX];

#define LOAD(field, symbol)                                                              \
    do {                                                                                 \
        *(void **)(&out->field) = rtm_dynlib_symbol(lib, symbol);                        \
        if (!out->field) {                                                               \
            snprintf(err, errlen, "%s does not export %s: is it really PortAudio v19?",  \
                     path, symbol);                                                      \
            return 0;                                                                    \
        }                                                                                \
    } while (0)

int pa_resolve(void *lib, const char *path, pa_functions *out, char *err, unsigned long errlen) {
    LOAD(Initialize, "Pa_Initialize");
    LOAD(Terminate, "Pa_Terminate");
    LOAD(GetErrorText, "Pa_GetErrorText");
    LOAD(GetVersionText, "Pa_GetVersionText");
    LOAD(GetHostApiCount, "Pa_GetHostApiCount");
    LOAD(GetHostApiInfo, "Pa_GetHostApiInfo");
    LOAD(GetDeviceCount, "Pa_GetDeviceCount");
    LOAD(GetDeviceInfo, "Pa_GetDeviceInfo");
    LOAD(IsFormatSupported, "Pa_IsFormatSupported");
    LOAD(OpenStream, "Pa_OpenStream");
    LOAD(CloseStream, "Pa_CloseStream");
    LOAD(StartStream, "Pa_StartStream");
    LOAD(StopStream, "Pa_StopStream");
    LOAD(AbortStream, "Pa_AbortStream");
    LOAD(GetStreamInfo, "Pa_GetStreamInfo");
    LOAD(IsStreamActive, "Pa_IsStreamActive");
    LOAD(SetStreamFinishedCallback, "Pa_SetStreamFinishedCallback");
    return 1;
}

/* Opens the first of this platform's candidates that loads (pa_search.c has
 * the order), or explains what to install, naming what was tried. */
static rtm_dynlib open_library(const char *override, const char **path, char *err, unsigned long errlen) {
    char addon_dir[PA_SEARCH_PATH_MAX];
    static pa_search_list candidates; /* 8 KiB: not on the caller's stack */
    rtm_module_dir(addon_dir, sizeof addon_dir);
    pa_search_candidates(RTM_OS_THIS, addon_dir, override, &candidates);
    char why[512] = {0};
    for (unsigned i = 0; i < candidates.count; i++) {
        rtm_dynlib lib = rtm_dynlib_open(candidates.path[i], why, sizeof why);
        if (lib) {
            snprintf(loaded_from, sizeof loaded_from, "%s", candidates.path[i]);
            *path = loaded_from;
            return lib;
        }
    }
    if (override && *override) {
        snprintf(err, errlen, "Cannot load PortAudio from %s=%s (%s)", RTMIXER_PORTAUDIO_ENV, override, why);
        return NULL;
    }
    char tried[1024] = {0};
    size_t used = 0;
    for (unsigned i = 0; i < candidates.count && used < sizeof tried; i++) {
        int n = snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", candidates.path[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
    /* The last reason: for a single candidate (Linux) the system's own words,
     * e.g. "libportaudio.so.2: cannot open shared object file". */
    if (candidates.count == 1)
        snprintf(err, errlen, "PortAudio is not installed: %s, or set %s to the library file (%s)",
                 pa_search_install_hint(RTM_OS_THIS), RTMIXER_PORTAUDIO_ENV, why);
    else
        snprintf(err, errlen, "PortAudio is not installed: %s, or set %s to the library file (tried %s; last: %s)",
                 pa_search_install_hint(RTM_OS_THIS), RTMIXER_PORTAUDIO_ENV, tried, why);
    return NULL;
}

static int load_locked(char *err, unsigned long errlen) {
    const char *override = getenv(RTMIXER_PORTAUDIO_ENV);
    const char *path = NULL;
    rtm_dynlib lib = open_library(override, &path, err, errlen);
    return lib && pa_resolve(lib, path, &functions, err, errlen);
}

const pa_functions *pa_load(char *err, unsigned long errlen) {
    if (atomic_load_explicit(&loaded, memory_order_acquire)) return &functions;
    pthread_mutex_lock(&load_lock);
    /* A failed load may be retried (PortAudio installed meanwhile). */
    int ok = atomic_load_explicit(&loaded, memory_order_relaxed) || load_locked(err, errlen);
    if (ok) atomic_store_explicit(&loaded, 1, memory_order_release);
    pthread_mutex_unlock(&load_lock);
    return ok ? &functions : NULL;
}

const char *pa_loaded_library(void) {
    return atomic_load_explicit(&loaded, memory_order_acquire) ? loaded_from : NULL;
}
