/* A plain PortAudio client on PortAudio's JACK host API: plays a 1 kHz sine
 * from a one-period table on one output channel, nothing else; the same
 * PortAudio and the same stream settings as the mixer (float32, host-chosen
 * block size, default low latency), without Node. Usage: pa-sine CLIENT_NAME
 * Its JACK port is CLIENT_NAME:out_0. Prints "ready"; runs until SIGTERM/SIGINT. */
#include <math.h>
#include <pa_jack.h>
#include <portaudio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_PERIOD 1024
static float table[MAX_PERIOD];
static unsigned period, phase;
static volatile sig_atomic_t stop;

static int callback(const void *in, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *t, PaStreamCallbackFlags flags, void *user) {
    (void)in; (void)t; (void)flags; (void)user;
    float *out = output;
    for (unsigned long k = 0; k < frames; k++) {
        out[k] = table[phase];
        if (++phase == period) phase = 0;
    }
    return paContinue;
}

static void on_signal(int sig) { (void)sig; stop = 1; }

static int fail(const char *what, PaError e) {
    fprintf(stderr, "pa-sine: %s: %s\n", what, Pa_GetErrorText(e));
    return 1;
}

int main(int argc, char **argv) {
    PaJack_SetClientName(argc > 1 ? argv[1] : "pa-sine");
    PaError e = Pa_Initialize();
    if (e) return fail("Pa_Initialize", e);
    PaHostApiIndex api = Pa_HostApiTypeIdToHostApiIndex(paJACK);
    if (api < 0) return fail("no JACK host API", api);
    const PaHostApiInfo *info = Pa_GetHostApiInfo(api);
    PaDeviceIndex dev = info->defaultOutputDevice;
    if (dev < 0) return fail("no JACK output device", dev);
    const PaDeviceInfo *d = Pa_GetDeviceInfo(dev);
    period = (unsigned)(d->defaultSampleRate / 1000);
    if (period * 1000 != d->defaultSampleRate || period > MAX_PERIOD) { fprintf(stderr, "pa-sine: rate not a multiple of 1 kHz\n"); return 1; }
    for (unsigned k = 0; k < period; k++) table[k] = (float)(0.5 * sin(2 * M_PI * k / period));
    PaStreamParameters out = {dev, 1, paFloat32, d->defaultLowOutputLatency, NULL};
    PaStream *stream;
    e = Pa_OpenStream(&stream, NULL, &out, d->defaultSampleRate, paFramesPerBufferUnspecified,
                      paClipOff | paDitherOff, callback, NULL);
    if (e) return fail("Pa_OpenStream", e);
    e = Pa_StartStream(stream);
    if (e) return fail("Pa_StartStream", e);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    printf("ready\n");
    fflush(stdout);
    while (!stop) pause();
    Pa_AbortStream(stream);
    Pa_CloseStream(stream);
    Pa_Terminate();
    return 0;
}
