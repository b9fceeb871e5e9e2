#include "pa_session.h"

#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int users = 0;       /* open streams */
static int initialised = 0; /* Pa_Initialize succeeded and was not terminated */

static const pa_functions *ensure_initialised(char *err, size_t errlen) {
    const pa_functions *pa = pa_load(err, errlen);
    if (!pa) return NULL;
    if (!initialised) {
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
