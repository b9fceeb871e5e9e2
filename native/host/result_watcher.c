#define _POSIX_C_SOURCE 200809L
#include "result_watcher.h"
#include "monotonic_cond.h"

#include <time.h>

static int64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void wait_us(result_watcher *w, int64_t us) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(us / 1000000);
    until.tv_nsec += (long)(us % 1000000) * 1000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&w->wake, &w->mutex, &until);
}

/* How long to sleep: until the earliest action should end (then each
 * millisecond until its result comes), at most a tick. Lock held. */
static int64_t sleep_us(result_watcher *w) {
    const int64_t tick = (int64_t)w->cfg.tick_ms * 1000;
    if (w->in_flight == 0 || w->deadline == WATCHER_NO_DEADLINE || atomic_load(&w->notified)) return tick;
    uint64_t frame = atomic_load(w->cfg.frame);
    if (w->deadline <= frame) {
        /* Due: poll closely for a while, then (a wrong guess) back to ticks. */
        double overdue_us = (double)(frame - w->deadline) / w->cfg.sample_rate * 1e6;
        return overdue_us > (double)tick ? tick : 1000;
    }
    double until = (double)(w->deadline - frame) / w->cfg.sample_rate * 1e6;
    if (until < 1000) return 1000;
    return until > (double)tick ? tick : (int64_t)until;
}

/* The frame clock's watchdog: frozen for stall_ms while the watcher itself
 * ran on time (a process that was not scheduled at all proves nothing). */
typedef struct clock_watch {
    uint64_t frame;
    int64_t since_us;
    int64_t last_tick_us;
    int moved; /* the first callback has come */
} clock_watch;

static int clock_stalled(result_watcher *w, clock_watch *c, int64_t now) {
    uint64_t frame = atomic_load(w->cfg.frame);
    int64_t late = now - c->last_tick_us - (int64_t)w->cfg.tick_ms * 1000;
    c->last_tick_us = now;
    if (frame != c->frame) {
        c->moved = c->moved || frame != 0;
        c->frame = frame;
        c->since_us = now;
        return 0;
    }
    if (late > (int64_t)w->cfg.tick_ms * 2000) {
        c->since_us = now; /* we were descheduled ourselves: start counting again */
        return 0;
    }
    int64_t allowed = (int64_t)(c->moved ? w->cfg.stall_ms : w->cfg.start_grace_ms) * 1000;
    return now - c->since_us >= allowed;
}

static void *watch(void *arg) {
    result_watcher *w = arg;
    clock_watch clock = {atomic_load(w->cfg.frame), now_us(), now_us(), 0};
    for (;;) {
        pthread_mutex_lock(&w->mutex);
        if (!w->quit) wait_us(w, sleep_us(w));
        int quit = w->quit;
        pthread_mutex_unlock(&w->mutex);
        if (quit) break;
        uint64_t events = atomic_load(w->cfg.events);
        int news = events != w->events_seen;
        w->events_seen = events;
        if (atomic_load(&w->loss) == WATCHER_RUNNING) {
            watcher_loss loss = WATCHER_RUNNING;
            if (!w->cfg.alive(w->cfg.ctx)) loss = WATCHER_HOST_STOPPED;
            else if (clock_stalled(w, &clock, now_us())) loss = WATCHER_CLOCK_STALLED;
            if (loss != WATCHER_RUNNING) {
                atomic_store(&w->loss, loss);
                news = 1;
                atomic_store(&w->notified, 0); /* this one must reach JS */
            }
        }
        if ((news || spsc_queue_size(w->cfg.results) > 0) && !atomic_exchange(&w->notified, 1)) w->cfg.notify(w->cfg.ctx);
    }
    return NULL;
}

int watcher_start(result_watcher *w, const watcher_config *cfg) {
    w->cfg = *cfg;
    w->events_seen = atomic_load(cfg->events);
    w->quit = 0;
    w->in_flight = 0;
    w->deadline = WATCHER_NO_DEADLINE;
    atomic_init(&w->notified, 0);
    atomic_init(&w->loss, WATCHER_RUNNING);
    pthread_mutex_init(&w->mutex, NULL);
    monotonic_cond_init(&w->wake);
    w->initialised = 1;
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
    w->running = 0;
}

void watcher_destroy(result_watcher *w) {
    watcher_stop(w);
    if (!w->initialised) return;
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->wake);
    w->initialised = 0;
}

void watcher_submitted(result_watcher *w, unsigned n, uint64_t earliest_end) {
    if (!w->initialised) return;
    pthread_mutex_lock(&w->mutex);
    w->in_flight += n;
    int sooner = earliest_end < w->deadline;
    if (sooner) w->deadline = earliest_end;
    if (sooner || w->in_flight == n) pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
}

void watcher_collected(result_watcher *w, unsigned n, uint64_t deadline) {
    if (!w->initialised) return;
    pthread_mutex_lock(&w->mutex);
    w->in_flight = n > w->in_flight ? 0 : w->in_flight - n;
    w->deadline = deadline;
    /* JS has drained: the watcher (which slept a tick while JS had not) looks again now. */
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
}

void watcher_acknowledge(result_watcher *w) { atomic_store(&w->notified, 0); }

watcher_loss watcher_lost(result_watcher *w) {
    return w->initialised ? (watcher_loss)atomic_load(&w->loss) : WATCHER_RUNNING;
}
