/* Condition variables whose timed waits count on CLOCK_MONOTONIC, so a change
 * of the wall clock neither cuts a wait short nor stretches it. Shared by the
 * watcher and the stream closer. */
#ifndef RTMIXER_MONOTONIC_COND_H
#define RTMIXER_MONOTONIC_COND_H
#include <pthread.h>
#include <time.h>

static inline int monotonic_cond_init(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int r = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return r;
}

#endif
