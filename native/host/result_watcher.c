#define _POSIX_C_SOURCE 200809L
#include "result_watcher.h"

#include <time.h>

static void idle_wait(result_watcher *w) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)w->idle_ms * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&w->wake, &w->mutex, &until);
}

static void *watch(void *arg) {
    result_watcher *w = arg;
    const struct timespec poll = {0, (long)w->poll_us * 1000L};
    for (;;) {
        pthread_mutex_lock(&w->mutex);
        if (!w->quit && w->in_flight == 0) idle_wait(w);
        int quit = w->quit, busy = w->in_flight > 0;
        pthread_mutex_unlock(&w->mutex);
        if (quit) break;
        uint64_t events = atomic_load(w->events);
        int news = events != w->events_seen;
        w->events_seen = events;
        if ((news || spsc_queue_size(w->results) > 0) && !atomic_exchange(&w->notified, 1)) w->notify(w->ctx);
        if (busy) nanosleep(&poll, NULL);
    }
    return NULL;
}

int watcher_start(result_watcher *w, spsc_queue *results, _Atomic(uint64_t) *events,
                  watcher_notify_fn notify, void *ctx, unsigned poll_us, unsigned idle_ms) {
    w->events = events;
    w->events_seen = atomic_load(events);
    w->idle_ms = idle_ms;
    w->quit = 0;
    w->in_flight = 0;
    atomic_init(&w->notified, 0);
    w->results = results;
    w->notify = notify;
    w->ctx = ctx;
    w->poll_us = poll_us;
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->running = pthread_create(&w->thread, NULL, watch, w) == 0;
    return w->running;
}

void watcher_stop(result_watcher *w) {
    if (!w->running) return;
    pthread_mutex_lock(&w->mutex);
    w->quit = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->wake);
    w->running = 0;
}

void watcher_submitted(result_watcher *w, unsigned n) {
    pthread_mutex_lock(&w->mutex);
    w->in_flight += n;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
}

void watcher_collected(result_watcher *w, unsigned n) {
    pthread_mutex_lock(&w->mutex);
    w->in_flight = n > w->in_flight ? 0 : w->in_flight - n;
    pthread_mutex_unlock(&w->mutex);
}

void watcher_acknowledge(result_watcher *w) { atomic_store(&w->notified, 0); }
