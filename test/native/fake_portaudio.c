/* A stand-in PortAudio library for faults a JACK server cannot produce on
 * demand. Loaded by the addon through RTMIXER_PORTAUDIO_LIBRARY. One host API
 * ("Fake") with one device ("fake device", 2 in, 2 out, 48 kHz); a stream's
 * audio thread calls the callback every block in real time, and:
 *   FAKE_PA_STOP_AFTER_MS=N  stops calling back N ms after the start
 *   FAKE_PA_STOP=silent      ... without telling anyone (Pa_IsStreamActive stays 1)
 *   FAKE_PA_STOP=finish      ... as a host that noticed (inactive, finished callback)
 *   FAKE_PA_ABORT=block      Pa_AbortStream/Pa_StopStream never return
 *   FAKE_PA_REPORT=path      writes the wall-clock ms of the stop there
 * Build: cc -shared -fPIC -o fake_portaudio.so fake_portaudio.c -lpthread */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int PaError;
typedef void PaStream;
typedef int PaStreamCallback(const void *, void *, unsigned long, const void *, unsigned long, void *);
typedef void PaStreamFinishedCallback(void *);

typedef struct { int structVersion; int type; const char *name; int deviceCount; int defaultInputDevice; int defaultOutputDevice; } PaHostApiInfo;
typedef struct { int structVersion; const char *name; int hostApi; int maxInputChannels; int maxOutputChannels;
                 double defaultLowInputLatency, defaultLowOutputLatency, defaultHighInputLatency, defaultHighOutputLatency, defaultSampleRate; } PaDeviceInfo;
typedef struct { int device; int channelCount; unsigned long sampleFormat; double suggestedLatency; void *hostApiSpecificStreamInfo; } PaStreamParameters;
typedef struct { double inputBufferAdcTime, currentTime, outputBufferDacTime; } PaStreamCallbackTimeInfo;
typedef struct { int structVersion; double inputLatency, outputLatency, sampleRate; } PaStreamInfo;

#define FAKE_BLOCK 256

static const PaHostApiInfo host = {1, 0, "Fake", 1, 0, 0};
static const PaDeviceInfo device = {2, "fake device", 0, 2, 2, 0.005, 0.005, 0.02, 0.02, 48000};
static int initialised;

typedef struct fake_stream {
    PaStreamCallback *callback;
    PaStreamFinishedCallback *finished;
    void *user;
    int in_channels, out_channels;
    double rate;
    PaStreamInfo info;
    pthread_t thread;
    atomic_int quit, active, running;
} fake_stream;

static const char *env(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static void report_stop(void) {
    const char *path = getenv("FAKE_PA_REPORT");
    if (!path) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "%.3f\n", tv.tv_sec * 1e3 + tv.tv_usec / 1e3);
    fclose(f);
}

static void *audio_thread(void *arg) {
    fake_stream *s = arg;
    float in[FAKE_BLOCK * 2] = {0}, out[FAKE_BLOCK * 2];
    long stop_after_ms = atol(env("FAKE_PA_STOP_AFTER_MS", "-1"));
    int silent = strcmp(env("FAKE_PA_STOP", "silent"), "silent") == 0;
    long period_ns = (long)(1e9 * FAKE_BLOCK / s->rate);
    struct timespec next, start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    next = start;
    PaStreamCallbackTimeInfo t = {0, 0, 0};
    while (!atomic_load(&s->quit)) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (stop_after_ms >= 0 && elapsed_ms >= stop_after_ms) {
            report_stop();
            if (!silent) {
                atomic_store(&s->active, 0);
                if (s->finished) s->finished(s->user);
            }
            return NULL; /* silent: the host just goes quiet, still "active" */
        }
        s->callback(s->in_channels ? in : NULL, s->out_channels ? out : NULL, FAKE_BLOCK, &t, 0, s->user);
        next.tv_nsec += period_ns;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    atomic_store(&s->active, 0);
    return NULL;
}

PaError Pa_Initialize(void) { initialised++; return 0; }
PaError Pa_Terminate(void) { if (initialised) initialised--; return 0; }
const char *Pa_GetErrorText(PaError e) { return e ? "fake error" : "Success"; }
const char *Pa_GetVersionText(void) { return "fake PortAudio for rtmixer tests"; }
int Pa_GetHostApiCount(void) { return 1; }
const PaHostApiInfo *Pa_GetHostApiInfo(int i) { return i == 0 ? &host : NULL; }
int Pa_GetDeviceCount(void) { return 1; }
const PaDeviceInfo *Pa_GetDeviceInfo(int i) { return i == 0 ? &device : NULL; }
PaError Pa_IsFormatSupported(const PaStreamParameters *i, const PaStreamParameters *o, double r) { (void)i; (void)o; (void)r; return 0; }

PaError Pa_OpenStream(PaStream **out, const PaStreamParameters *in_p, const PaStreamParameters *out_p, double rate,
                      unsigned long frames, unsigned long flags, PaStreamCallback *callback, void *user) {
    (void)frames; (void)flags;
    fake_stream *s = calloc(1, sizeof *s);
    s->callback = callback;
    s->user = user;
    s->in_channels = in_p ? in_p->channelCount : 0;
    s->out_channels = out_p ? out_p->channelCount : 0;
    s->rate = rate;
    s->info = (PaStreamInfo){1, s->in_channels ? 0.005 : 0, s->out_channels ? 0.005 : 0, rate};
    *out = s;
    return 0;
}

PaError Pa_SetStreamFinishedCallback(PaStream *stream, PaStreamFinishedCallback *cb) {
    ((fake_stream *)stream)->finished = cb;
    return 0;
}

PaError Pa_StartStream(PaStream *stream) {
    fake_stream *s = stream;
    atomic_store(&s->active, 1);
    atomic_store(&s->running, 1);
    return pthread_create(&s->thread, NULL, audio_thread, s) == 0 ? 0 : -9999;
}

static PaError stop(fake_stream *s) {
    if (strcmp(env("FAKE_PA_ABORT", "ok"), "block") == 0)
        for (;;) pause(); /* what PortAudio 19.6's JACK host does for 10 minutes */
    if (!atomic_exchange(&s->running, 0)) return 0;
    atomic_store(&s->quit, 1);
    pthread_join(s->thread, NULL);
    if (s->finished) s->finished(s->user);
    return 0;
}

PaError Pa_StopStream(PaStream *stream) { return stop(stream); }
PaError Pa_AbortStream(PaStream *stream) { return stop(stream); }
PaError Pa_CloseStream(PaStream *stream) {
    stop(stream);
    free(stream);
    return 0;
}
PaError Pa_IsStreamActive(PaStream *stream) { return atomic_load(&((fake_stream *)stream)->active); }
const PaStreamInfo *Pa_GetStreamInfo(PaStream *stream) { return &((fake_stream *)stream)->info; }
