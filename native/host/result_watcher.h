/* A non-real-time thread that tells JavaScript when finished actions wait in
 * the result queue. The callback never signals anyone (that would be a system
 * call): the watcher polls the queue every poll_us while actions are in flight,
 * and otherwise wakes every idle_ms only to look for new xruns, so an idle
 * mixer costs next to nothing. */
#ifndef RTMIXER_RESULT_WATCHER_H
#define RTMIXER_RESULT_WATCHER_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "spsc_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*watcher_notify_fn)(void *ctx);

typedef struct result_watcher {
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    int quit;
    unsigned in_flight; /* guarded by mutex */
    _Atomic(int) notified; /* set when JS was told, cleared when JS starts draining */
    spsc_queue *results;
    watcher_notify_fn notify;
    void *ctx;
    unsigned poll_us;
    unsigned idle_ms;
    _Atomic(uint64_t) *events; /* a counter the callback bumps (xruns); notify when it moves */
    uint64_t events_seen;
    int running;
} result_watcher;

int watcher_start(result_watcher *w, spsc_queue *results, _Atomic(uint64_t) *events,
                  watcher_notify_fn notify, void *ctx, unsigned poll_us, unsigned idle_ms);
void watcher_stop(result_watcher *w); /* joins the thread */
void watcher_submitted(result_watcher *w, unsigned n);
void watcher_collected(result_watcher *w, unsigned n);
/* JS calls this before draining, so results that arrive during the drain notify again. */
void watcher_acknowledge(result_watcher *w);

#ifdef __cplusplus
}
#endif
#endif
