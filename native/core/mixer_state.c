/* Setting up and tearing down the mixer state: the non-real-time side of
 * mixer_core.c, kept apart so the callback's translation unit references
 * nothing that allocates (test/realtime-safety checks that). */
#include <stdlib.h>
#include <string.h>

#include "mixer_core.h"

int rtm_state_init(rtm_state *s, unsigned input_channels, unsigned output_channels,
                   double sample_rate, unsigned queue_capacity) {
    memset(s, 0, sizeof(*s));
    s->input_channels = input_channels;
    s->output_channels = output_channels;
    s->sample_rate = sample_rate;
    if (!spsc_queue_init(&s->actions, queue_capacity)) return 0;
    if (!spsc_queue_init(&s->results, queue_capacity)) {
        spsc_queue_destroy(&s->actions);
        return 0;
    }
    atomic_init(&s->frame, 0);
    atomic_init(&s->test_hook, NULL);
    s->stats.min_block_frames = UINT32_MAX;
    s->stats.callback_ns_min = UINT64_MAX;
    return 1;
}

void rtm_state_destroy(rtm_state *s) {
    spsc_queue_destroy(&s->actions);
    spsc_queue_destroy(&s->results);
}

unsigned rtm_state_drain_closed(rtm_state *s) {
    unsigned n = 0;
    rtm_action *a;
    while ((a = spsc_queue_pop(&s->actions))) {
        a->next_active = s->active;
        s->active = a;
    }
    while ((a = s->active)) {
        s->active = a->next_active;
        a->outcome = RTM_CLOSED;
        spsc_queue_push(&s->results, a);
        n++;
    }
    s->stats.active_actions = 0;
    return n;
}

