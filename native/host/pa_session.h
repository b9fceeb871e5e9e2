/* Reference-counted Pa_Initialize/Pa_Terminate, and device listing that sees
 * devices (a JACK server, a USB card) that appeared since the last listing. */
#ifndef RTMIXER_PA_SESSION_H
#define RTMIXER_PA_SESSION_H
#include <stddef.h>

#include "pa_loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the function table with PortAudio initialised, or NULL and err. */
const pa_functions *pa_session_acquire(char *err, size_t errlen);
void pa_session_release(void);
/* Re-initialise PortAudio if no stream holds it, so listings are fresh. */
const pa_functions *pa_session_refresh(char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
