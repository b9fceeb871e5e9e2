/* Records JACK ports that each carry a 1 kHz sine and counts the breaks of its
 * period: a break is a run of frames where x[k] differs from x[k - period]
 * (period = rate / 1000 frames). A client that misses a cycle, or plays a
 * stale or silent block, breaks its sine. Also counts the xruns the server
 * reports meanwhile. Usage: break-counter SECONDS SOURCE_PORT...
 * Connects SOURCE_PORT i to its input i, lets the graph settle for 1 s, counts
 * for SECONDS, then prints one JSON object: per source the breaks, broken
 * frames and the CLOCK_MONOTONIC time (ns) of each break (first 4096). */
#define _POSIX_C_SOURCE 200809L
#include <jack/jack.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 8
#define MAX_PERIOD 1024
#define MAX_TIMES 4096

typedef struct {
    jack_port_t *port;
    float history[MAX_PERIOD]; /* the last `period` frames, circular */
    int in_break;
    uint64_t breaks, broken_frames;
    uint64_t times[MAX_TIMES];
} source;

static source sources[MAX_PORTS];
static int nsources;
static unsigned period, pos;
static atomic_int counting;
static atomic_uint_fast64_t xruns, blocks;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int process(jack_nframes_t frames, void *arg) {
    (void)arg;
    int on = atomic_load(&counting);
    uint64_t t = on ? now_ns() : 0;
    unsigned start = pos;
    for (int i = 0; i < nsources; i++) {
        source *s = &sources[i];
        const float *x = jack_port_get_buffer(s->port, frames);
        unsigned p = start;
        for (jack_nframes_t k = 0; k < frames; k++) {
            float d = x[k] - s->history[p];
            int broken = d > 1e-6f || d < -1e-6f;
            s->history[p] = x[k];
            if (++p == period) p = 0;
            if (!on) continue;
            if (broken) {
                s->broken_frames++;
                if (!s->in_break) {
                    if (s->breaks < MAX_TIMES) s->times[s->breaks] = t;
                    s->breaks++;
                }
            }
            s->in_break = broken;
        }
        pos = p;
    }
    if (on) atomic_fetch_add(&blocks, 1);
    return 0;
}

static int on_xrun(void *arg) {
    (void)arg;
    if (atomic_load(&counting)) atomic_fetch_add(&xruns, 1);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc - 2 > MAX_PORTS) {
        fprintf(stderr, "usage: break-counter SECONDS SOURCE_PORT... (at most %d)\n", MAX_PORTS);
        return 2;
    }
    double seconds = atof(argv[1]);
    nsources = argc - 2;
    jack_status_t status;
    jack_client_t *client = jack_client_open("break-counter", JackNoStartServer, &status);
    if (!client) { fprintf(stderr, "break-counter: cannot open a JACK client (status 0x%x)\n", status); return 1; }
    unsigned rate = jack_get_sample_rate(client);
    period = rate / 1000;
    if (period * 1000 != rate || period > MAX_PERIOD) { fprintf(stderr, "break-counter: %u Hz is not a multiple of 1 kHz\n", rate); return 1; }
    for (int i = 0; i < nsources; i++) {
        char name[32];
        snprintf(name, sizeof name, "in_%d", i);
        sources[i].port = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        if (!sources[i].port) { fprintf(stderr, "break-counter: cannot register %s\n", name); return 1; }
    }
    jack_set_process_callback(client, process, NULL);
    jack_set_xrun_callback(client, on_xrun, NULL);
    if (jack_activate(client)) { fprintf(stderr, "break-counter: cannot activate\n"); return 1; }
    for (int i = 0; i < nsources; i++) {
        if (jack_connect(client, argv[2 + i], jack_port_name(sources[i].port))) {
            fprintf(stderr, "break-counter: cannot connect %s\n", argv[2 + i]);
            return 1;
        }
    }
    sleep(1);
    uint64_t t0 = now_ns();
    atomic_store(&counting, 1);
    struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&d, &d)) {}
    atomic_store(&counting, 0);
    uint64_t t1 = now_ns();
    struct timespec settle = {0, 20000000}; /* let a block in flight finish before reading its counts */
    nanosleep(&settle, NULL);
    printf("{\"rate\":%u,\"startNs\":%llu,\"endNs\":%llu,\"blocks\":%llu,\"xruns\":%llu,\"sources\":[",
           rate, (unsigned long long)t0, (unsigned long long)t1, (unsigned long long)atomic_load(&blocks),
           (unsigned long long)atomic_load(&xruns));
    for (int i = 0; i < nsources; i++) {
        source *s = &sources[i];
        printf("%s{\"port\":\"%s\",\"breaks\":%llu,\"brokenFrames\":%llu,\"timesNs\":[", i ? "," : "", argv[2 + i],
               (unsigned long long)s->breaks, (unsigned long long)s->broken_frames);
        for (uint64_t b = 0; b < s->breaks && b < MAX_TIMES; b++) printf("%s%llu", b ? "," : "", (unsigned long long)s->times[b]);
        printf("]}");
    }
    printf("]}\n");
    jack_deactivate(client);
    jack_client_close(client);
    return 0;
}
