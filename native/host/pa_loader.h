/* Loads PortAudio at run time (dlopen, LoadLibrary) so a missing library is a
 * clear error at first use instead of a failed require(). Where it looks, per
 * platform: pa_search.c. */
#ifndef RTMIXER_PA_LOADER_H
#define RTMIXER_PA_LOADER_H
#include "pa_api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_functions {
    PaError (*Initialize)(void);
    PaError (*Terminate)(void);
    const char *(*GetErrorText)(PaError);
    const char *(*GetVersionText)(void);
    PaHostApiIndex (*GetHostApiCount)(void);
    const PaHostApiInfo *(*GetHostApiInfo)(PaHostApiIndex);
    PaDeviceIndex (*GetDeviceCount)(void);
    const PaDeviceInfo *(*GetDeviceInfo)(PaDeviceIndex);
    PaError (*IsFormatSupported)(const PaStreamParameters *, const PaStreamParameters *, double);
    PaError (*OpenStream)(PaStream **, const PaStreamParameters *, const PaStreamParameters *,
                          double, unsigned long, PaStreamFlags, PaStreamCallback *, void *);
    PaError (*CloseStream)(PaStream *);
    PaError (*StartStream)(PaStream *);
    PaError (*StopStream)(PaStream *);
    PaError (*AbortStream)(PaStream *);
    const PaStreamInfo *(*GetStreamInfo)(PaStream *);
    PaError (*IsStreamActive)(PaStream *);
    PaError (*SetStreamFinishedCallback)(PaStream *, PaStreamFinishedCallback *);
} pa_functions;

/* The environment variable that names another PortAudio library file. */
#define RTMIXER_PORTAUDIO_ENV "RTMIXER_PORTAUDIO_LIBRARY"

/* Returns the loaded function table, or NULL with a message in err. */
const pa_functions *pa_load(char *err, unsigned long errlen);
/* The file PortAudio was loaded from (as found by the search), or NULL. */
const char *pa_loaded_library(void);

/* Fills `out` from an already opened library handle (a second, independent
 * copy of PortAudio: see pa_copy.h). Returns 0 with a message in err when a
 * symbol is missing. */
int pa_resolve(void *lib, const char *path, pa_functions *out, char *err, unsigned long errlen);

#ifdef __cplusplus
}
#endif
#endif
