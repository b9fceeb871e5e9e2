/* The id index: a media action found by its id in O(1), so cancel, setGain
 * and `after` cost the same with 1 action in flight or 16 000. Open
 * addressing over a table allocated at open (rtm_state_init) with twice the
 * slots the queue can hold in flight. Callback-only: no locks, no allocation. */
#include "id_index.h"

static size_t index_home(const rtm_state *s, uint64_t id) {
    /* Fibonacci hashing: consecutive ids spread over the table. */
    return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 17) & s->index_mask;
}

void rtm_index_insert(rtm_state *s, rtm_action *a) {
    /* The table holds twice as many slots as actions can be in flight; if a
     * caller broke that promise the action is simply not findable. */
    if (!s->index || s->index_count >= s->index_mask) return;
    size_t i = index_home(s, a->id);
    while (s->index[i]) i = (i + 1) & s->index_mask;
    s->index[i] = a;
    s->index_count++;
    a->v.indexed = 1;
}

rtm_action *rtm_index_find(const rtm_state *s, uint64_t id) {
    if (!s->index) return NULL;
    for (size_t i = index_home(s, id); s->index[i]; i = (i + 1) & s->index_mask)
        if (s->index[i]->id == id) return s->index[i];
    return NULL;
}

/* Linear probing with backward-shift deletion: no tombstones, so probe runs
 * never grow with churn. */
void rtm_index_remove(rtm_state *s, rtm_action *a) {
    if (!a->v.indexed) return;
    a->v.indexed = 0;
    size_t i = index_home(s, a->id);
    while (s->index[i] != a) i = (i + 1) & s->index_mask;
    s->index[i] = NULL;
    s->index_count--;
    for (size_t j = (i + 1) & s->index_mask; s->index[j]; j = (j + 1) & s->index_mask) {
        size_t home = index_home(s, s->index[j]->id);
        /* move j back into the hole at i unless its home lies in (i, j] */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->index[i] = s->index[j];
            s->index[j] = NULL;
            i = j;
        }
    }
}
