/* Where rtm_action structs live: the callback writes into every action it
 * holds (its voice state and result), so actions come from rt_memory chunks —
 * resident, and still writable after a fork — not from malloc, whose pages a
 * fork write-protects and whose fresh pages calloc leaves untouched.
 *
 * Process-wide and shared by every mixer and worker thread; never called from
 * the audio callback. Chunks are kept for reuse, so the pool's size is the peak
 * number of actions in flight at once. */
#ifndef RTMIXER_ACTION_POOL_H
#define RTMIXER_ACTION_POOL_H
#include "mixer_core.h"

#ifdef __cplusplus
extern "C" {
#endif
/* A zeroed action, or NULL when memory is refused. */
rtm_action *rtm_action_alloc(void);
/* Returns an action to the pool; NULL is ignored. */
void rtm_action_free(rtm_action *a);
#ifdef __cplusplus
}
#endif
#endif
