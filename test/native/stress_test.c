/* Two-thread stress of what the JavaScript thread and the audio callback share:
 * the SPSC queue, the ring buffer, and a whole mixer (actions in, results out,
 * the xrun log read while it is written). Built and run by test/native/run.js
 * under ThreadSanitizer; every value is checked, so a lost or torn item fails
 * even where TSan would not see a race. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mixer_core.h"

static int passed, failed;
static void report(const char *name, int ok, const char *detail) {
    if (ok) passed++;
    else failed++;
    printf("  %s %s%s%s\n", ok ? "pass" : "FAIL", name, ok ? "" : " — ", ok ? "" : detail);
    fflush(stdout);
}

/* ---- SPSC queue ---- */
#define QUEUE_ITEMS 100000
static spsc_queue queue;
static void *queue_producer(void *arg) {
    (void)arg;
    for (uintptr_t i = 1; i <= QUEUE_ITEMS;)
        if (spsc_queue_push(&queue, (void *)i)) i++;
    return NULL;
}
static void queue_stress(void) {
    spsc_queue_init(&queue, 64);
    pthread_t t;
    pthread_create(&t, NULL, queue_producer, NULL);
    uintptr_t expect = 1;
    int ok = 1;
    while (expect <= QUEUE_ITEMS) {
        void *p = spsc_queue_pop(&queue);
        if (!p) continue;
        ok &= (uintptr_t)p == expect++;
    }
    pthread_join(t, NULL);
    ok &= spsc_queue_pop(&queue) == NULL;
    spsc_queue_destroy(&queue);
    report("spsc_queue_two_threads_in_order", ok, "an item was lost, duplicated or reordered");
}

/* ---- ring buffer ---- */
#define RING_FRAMES 500000
static ringbuffer *ring;
static void *ring_writer(void *arg) {
    (void)arg;
    float chunk[97 * 2];
    size_t next = 0;
    while (next < RING_FRAMES) {
        size_t n = 1 + next % 97;
        if (n > RING_FRAMES - next) n = RING_FRAMES - next;
        for (size_t i = 0; i < n; i++) chunk[2 * i] = chunk[2 * i + 1] = (float)(next + i);
        next += ringbuffer_write(ring, chunk, n); /* a partial write resends the rest next time */
    }
    atomic_store(&ring->ended, 1);
    return NULL;
}
static void ring_stress(void) {
    ring = ringbuffer_create(256, 2);
    pthread_t t;
    pthread_create(&t, NULL, ring_writer, NULL);
    size_t expect = 0;
    int ok = 1;
    float chunk[64 * 2];
    for (;;) {
        int ended = atomic_load(&ring->ended);
        size_t got = ringbuffer_read(ring, chunk, 1 + expect % 64);
        for (size_t i = 0; i < got; i++) ok &= chunk[2 * i] == (float)(expect + i) && chunk[2 * i + 1] == (float)(expect + i);
        expect += got;
        if (ended && ringbuffer_read_available(ring) == 0) break;
    }
    pthread_join(t, NULL);
    ringbuffer_destroy(ring);
    report("ringbuffer_two_threads_every_frame_once", ok && expect == RING_FRAMES, "frames lost or corrupted");
}

/* ---- a whole mixer: JS thread submits and collects, audio thread processes ---- */
#define MIXER_ACTIONS 8000
static rtm_state mixer;
static atomic_int audio_done, audio_stop;
static void *audio_thread(void *arg) {
    (void)arg;
    float out[64 * 2], in[64 * 2] = {0};
    /* runs until the other thread has submitted every action: the test does the
     * same work however the scheduler shares out a busy machine */
    for (int b = 0; !atomic_load(&audio_stop); b++) {
        /* every 3rd block an xrun whose flags encode the block: a torn log entry shows */
        unsigned long flags = b % 3 == 0 ? (RTM_OUTPUT_UNDERFLOW | ((b / 3) % 2 ? RTM_INPUT_OVERFLOW : 0)) : 0;
        rtm_process(&mixer, in, out, 64, flags);
    }
    atomic_store(&audio_done, 1);
    return NULL;
}
static int xrun_ok = 1;
static void *xrun_reader(void *arg) {
    (void)arg;
    while (!atomic_load(&audio_done)) {
        uint64_t count = atomic_load(&mixer.xrun_count);
        for (uint64_t i = count > RTM_XRUN_LOG ? count - RTM_XRUN_LOG : 0; i < count; i++) {
            rtm_xrun x;
            if (!rtm_xrun_read(&mixer, i, &x)) continue;
            uint64_t block = x.frame / 64;
            unsigned long expect = RTM_OUTPUT_UNDERFLOW | ((block / 3) % 2 ? RTM_INPUT_OVERFLOW : 0);
            xrun_ok &= block % 3 == 0 && x.flags == expect && i == block / 3;
        }
    }
    return NULL;
}
static void mixer_stress(void) {
    rtm_state_init(&mixer, 2, 2, 48000, 256);
    pthread_t audio, reader;
    pthread_create(&audio, NULL, audio_thread, NULL);
    pthread_create(&reader, NULL, xrun_reader, NULL);
    uint64_t id = 1, in_flight = 0, submitted = 0, returned = 0;
    rtm_action *last_play = NULL;
    uint64_t last_play_id = 0;
    int ok = 1, audio_joined = 0;
    while (!atomic_load(&audio_done) || in_flight) {
        if (submitted == MIXER_ACTIONS) atomic_store(&audio_stop, 1);
        if (!atomic_load(&audio_done) && submitted < MIXER_ACTIONS && in_flight < 200) {
            rtm_action *a = calloc(1, sizeof(*a));
            a->id = id++;
            a->start_frame = RTM_ASAP;
            a->allow_belated = 1;
            a->gain = 0.5f;
            switch (a->id % 4) {
            case 0:
                a->type = RTM_CANCEL;
                a->target_id = last_play_id;
                break;
            case 1:
                a->type = RTM_FETCH_STATS;
                a->stats_out = calloc(1, sizeof(rtm_stats));
                break;
            default:
                a->type = RTM_PLAY_BUFFER;
                a->channels = 2;
                a->channel_map[1] = 1;
                a->total_frames = 100;
                a->buffer = calloc(200, sizeof(float));
                a->after_id = last_play && a->id % 8 == 2 ? last_play_id : 0;
                last_play = a;
                last_play_id = a->id;
            }
            if (spsc_queue_push(&mixer.actions, a)) {
                in_flight++;
                submitted++;
            } else {
                free(a->buffer);
                free(a->stats_out);
                free(a);
            }
        }
        rtm_action *r;
        while ((r = spsc_queue_pop(&mixer.results))) {
            ok &= r->outcome != RTM_REJECTED && r->outcome != RTM_CLOSED;
            if (r == last_play) last_play = NULL; /* its id may now name nothing: cancels report target missing */
            free(r->buffer);
            free(r->stats_out);
            free(r);
            in_flight--;
            returned++;
        }
        if (atomic_load(&audio_done) && in_flight && !audio_joined) {
            /* the callback stopped: what it still holds comes back closed */
            pthread_join(audio, NULL);
            rtm_state_drain_closed(&mixer);
            while ((r = spsc_queue_pop(&mixer.results))) {
                free(r->buffer);
                free(r->stats_out);
                free(r);
                in_flight--;
                returned++;
            }
            audio_joined = 1;
        }
    }
    if (!audio_joined) pthread_join(audio, NULL);
    pthread_join(reader, NULL);
    rtm_state_destroy(&mixer);
    char detail[128];
    snprintf(detail, sizeof detail, "%llu submitted, %llu returned", (unsigned long long)submitted, (unsigned long long)returned);
    report("mixer_actions_in_results_out_two_threads", ok && submitted == returned && submitted == MIXER_ACTIONS, detail);
    report("xrun_log_entries_never_torn", xrun_ok, "an entry mixed two blocks");
}

int main(void) {
    queue_stress();
    ring_stress();
    mixer_stress();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
