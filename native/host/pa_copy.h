/* A second, independent copy of the PortAudio library in this process.
 *
 * PortAudio keeps one global session per loaded library. After a JACK server
 * dies under it, that session can never be ended: Pa_Terminate asserts on
 * jack_deactivate of the dead client (pa_jack.c Terminate) and Pa_AbortStream
 * waits 10 minutes for a process thread that is gone (RealStop). A fresh
 * JACK client, the only way to reach a restarted server, then needs a fresh
 * library: the same file loaded again from an anonymous copy, which the
 * dynamic loader treats as a different library (its own globals). The old
 * copy stays loaded, untouched, for ever. */
#ifndef RTMIXER_PA_COPY_H
#define RTMIXER_PA_COPY_H
#include <stddef.h>

#include "pa_loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads another copy of the library pa_load() loaded and fills `out`.
 * Returns 0 with a message in err. */
int pa_load_copy(pa_functions *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
