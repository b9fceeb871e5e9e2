/* A plain JACK client: plays a 1 kHz sine on its port "out" from a one-period
 * table, nothing else. The baseline the mixer is compared with in the stall
 * benchmark (bench/stall-compare.js). Usage: jack-sine CLIENT_NAME
 * Prints "ready" once active; runs until SIGTERM/SIGINT. */
#include <jack/jack.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_PERIOD 1024
static jack_port_t *port;
static float table[MAX_PERIOD];
static unsigned period, phase;
static volatile sig_atomic_t stop;

static int process(jack_nframes_t frames, void *arg) {
    (void)arg;
    float *out = jack_port_get_buffer(port, frames);
    for (jack_nframes_t k = 0; k < frames; k++) {
        out[k] = table[phase];
        if (++phase == period) phase = 0;
    }
    return 0;
}

static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    const char *name = argc > 1 ? argv[1] : "jack-sine";
    jack_status_t status;
    jack_client_t *client = jack_client_open(name, JackNoStartServer | JackUseExactName, &status);
    if (!client) { fprintf(stderr, "jack-sine: cannot open a JACK client (status 0x%x)\n", status); return 1; }
    unsigned rate = jack_get_sample_rate(client);
    if (rate % 1000 || rate / 1000 > MAX_PERIOD) { fprintf(stderr, "jack-sine: %u Hz is not a multiple of 1 kHz\n", rate); return 1; }
    period = rate / 1000;
    for (unsigned k = 0; k < period; k++) table[k] = (float)(0.5 * sin(2 * M_PI * k / period));
    port = jack_port_register(client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(client, process, NULL);
    if (!port || jack_activate(client)) { fprintf(stderr, "jack-sine: cannot activate\n"); return 1; }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    printf("ready\n");
    fflush(stdout);
    while (!stop) pause();
    jack_deactivate(client);
    jack_client_close(client);
    return 0;
}
