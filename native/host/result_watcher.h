/* A non-real-time thread that tells JavaScript when finished actions wait in
 * the result queue, and notices when the stream dies. The callback never
 * signals anyone (that would be a system call): the watcher sleeps until the
 * earliest frame an action in flight is expected to end (polling each
 * millisecond only once that frame has come), and otherwise wakes every
 * tick_ms to look for new xruns and for a stream that has stopped: the host
 * says so (alive() returns 0), or the frame clock has not moved for
 * stall_ms while the stream should run. Timed waits use CLOCK_MONOTONIC. */
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
/* 1 while the host runs the stream; called from the watcher thread. */
typedef int (*watcher_alive_fn)(void *ctx);

#define WATCHER_NO_DEADLINE UINT64_MAX

typedef enum watcher_loss {
    WATCHER_RUNNING = 0,
    WATCHER_HOST_STOPPED = 1, /* the host reported the stream finished or inactive */
    WATCHER_CLOCK_STALLED = 2,/* no callback for stall_ms */
} watcher_loss;

typedef struct watcher_config {
    spsc_queue *results;
    _Atomic(uint64_t) *events; /* a counter the callback bumps (xruns); notify when it moves */
    _Atomic(uint64_t) *frame;  /* the mixer clock */
    double sample_rate;
    watcher_notify_fn notify;
    watcher_alive_fn alive;
    void *ctx;
    unsigned tick_ms;      /* longest sleep */
    unsigned stall_ms;     /* frame clock frozen this long while running: lost */
    unsigned start_grace_ms; /* before the first callback, allow this long */
} watcher_config;

typedef struct result_watcher {
    watcher_config cfg;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    int quit;              /* guarded by mutex */
    unsigned in_flight;    /* guarded by mutex */
    uint64_t deadline;     /* guarded by mutex: earliest expected end frame in flight */
    _Atomic(int) notified; /* set when JS was told, cleared when JS starts draining */
    _Atomic(int) loss;     /* a watcher_loss, set once */
    uint64_t events_seen;
    int running;           /* the thread runs */
    int initialised;       /* mutex and cond exist */
} result_watcher;

int watcher_start(result_watcher *w, const watcher_config *cfg);
void watcher_stop(result_watcher *w);    /* joins the thread; the watcher stays usable (counts) */
void watcher_destroy(result_watcher *w); /* after stop: frees the mutex and condition */
void watcher_submitted(result_watcher *w, unsigned n, uint64_t earliest_end);
/* After each drain: `n` came back, `deadline` is the earliest end frame of those left. */
void watcher_collected(result_watcher *w, unsigned n, uint64_t deadline);
/* JS calls this before draining, so results that arrive during the drain notify again. */
void watcher_acknowledge(result_watcher *w);
watcher_loss watcher_lost(result_watcher *w);

#ifdef __cplusplus
}
#endif
#endif
