/* Setting up and tearing down the mixer state: the non-real-time side of
 * mixer_core.c, kept apart so the callback's translation unit references
 * nothing that allocates (test/loopback/realtime-safety checks that). */
#include <stdlib.h>
#include <string.h>

#include "mixer_core.h"
#include "prefault.h"
#include "rt_memory.h"

int rtm_state_init(rtm_state *s, unsigned input_channels, unsigned output_channels,
                   double sample_rate, unsigned queue_capacity) {
    memset(s, 0, sizeof(*s));
    s->input_channels = input_channels;
    s->output_channels = output_channels;
    s->sample_rate = sample_rate;
    if (queue_capacity == 0 || queue_capacity > (1u << 24)) return 0;
    if (!spsc_queue_init(&s->actions, queue_capacity)) return 0;
    if (!spsc_queue_init(&s->results, queue_capacity)) {
        spsc_queue_destroy(&s->actions);
        return 0;
    }
    /* The id index: a power of two at least twice the actions that can be in
     * flight, so probe runs stay short. */
    size_t slots = 2;
    while (slots < 2 * (size_t)s->actions.capacity) slots <<= 1;
    s->index = rtm_rt_alloc(slots * sizeof(*s->index));
    if (!s->index) {
        rtm_state_destroy(s);
        return 0;
    }
    s->index_mask = slots - 1;
    atomic_init(&s->frame, 0);
    atomic_init(&s->test_hook, NULL);
    s->stats.min_block_frames = UINT32_MAX;
    s->stats.callback_ns_min = UINT64_MAX;
    rtm_levels_reset(&s->stats.output_levels, output_channels);
    rtm_levels_reset(&s->stats.input_levels, input_channels);
    return 1;
}

void rtm_state_destroy(rtm_state *s) {
    spsc_queue_destroy(&s->actions);
    spsc_queue_destroy(&s->results);
    rtm_rt_free(s->index);
    s->index = NULL;
}

static void give_back(rtm_state *s, rtm_action *a, unsigned *n) {
    a->outcome = RTM_CLOSED;
    spsc_queue_push(&s->results, a);
    (*n)++;
}

unsigned rtm_state_drain_closed(rtm_state *s) {
    unsigned n = 0;
    rtm_action *a;
    while ((a = spsc_queue_pop(&s->actions))) give_back(s, a, &n);
    for (a = s->instants.head; a;) {
        rtm_action *next = a->v.next_active;
        give_back(s, a, &n);
        a = next;
    }
    s->instants.head = s->instants.tail = NULL;
    while ((a = s->voices.head)) {
        s->voices.head = a->v.next_active;
        /* gain changes waiting for this sound are held by it, not by the list */
        rtm_action *g = a->type == RTM_PLAY_BUFFER ? a->v.gain_head : NULL;
        while (g) {
            rtm_action *next = g->v.next_gain;
            give_back(s, g, &n);
            g = next;
        }
        give_back(s, a, &n);
    }
    s->voices.tail = NULL;
    s->active_count = 0;
    if (s->index) memset(s->index, 0, (s->index_mask + 1) * sizeof(*s->index));
    s->index_count = 0;
    s->stats.active_actions = 0;
    return n;
}
