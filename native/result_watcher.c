#define _POSIX_C_SOURCE 200809L
#include "result_watcher.h"

#include <time.h>

static void *watch(void *arg) {
    result_watcher *w = arg;
    const struct timespec poll = {0, (long)w->poll_us * 1000L};
    for (;;) {
        pthread_mutex_lock(&w->mutex);
        while (!w->quit && w->in_flight == 0) pthread_cond_wait(&w->wake, &w->mutex);
        int quit = w->quit;
        pthread_mutex_unlock(&w->mutex);
        if (quit) break;
        if (spsc_queue_size(w->results) > 0 && !atomic_exchange(&w->notified, 1)) w->notify(w->ctx);
        nanosleep(&poll, NULL);
    }
    return NULL;
}

int watcher_start(result_watcher *w, spsc_queue *results, watcher_notify_fn notify, void *ctx,
                  unsigned poll_us) {
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
