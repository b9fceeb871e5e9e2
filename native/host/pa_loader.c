#include "pa_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static pa_functions functions;
static int loaded = 0;

#define LOAD(field, symbol)                                                              \
    do {                                                                                 \
        *(void **)(&out->field) = dlsym(lib, symbol);                                    \
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

const pa_functions *pa_load(char *err, unsigned long errlen) {
    if (loaded) return &functions;
    const char *override = getenv(RTMIXER_PORTAUDIO_ENV);
    const char *path = (override && *override) ? override : "libportaudio.so.2";
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        if (override && *override)
            snprintf(err, errlen, "Cannot load PortAudio from %s=%s (%s)", RTMIXER_PORTAUDIO_ENV,
                     override, dlerror());
        else
            snprintf(err, errlen,
                     "PortAudio is not installed: install the package libportaudio2 "
                     "(sudo apt-get install libportaudio2), or set %s to the library file (%s)",
                     RTMIXER_PORTAUDIO_ENV, dlerror());
        return NULL;
    }
    if (!pa_resolve(lib, path, &functions, err, errlen)) return NULL;
    loaded = 1;
    return &functions;
}
