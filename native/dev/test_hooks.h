/* Deliberately bad block hooks, installed only by the test suite (and only
 * when RTMIXER_ENABLE_TEST_HOOKS=1): they prove the real-time guard catches
 * what it claims to, and force xruns on demand. */
#ifndef RTMIXER_TEST_HOOKS_H
#define RTMIXER_TEST_HOOKS_H
#include "mixer_core.h"

#ifdef __cplusplus
extern "C" {
#endif
/* "malloc", "lock", "stall" (busy-waits 20 ms in one block), "fault" (a page
 * fault per block), or "" for none.
 * Returns 0 for an unknown name. */
int test_hook_lookup(const char *name, rtm_block_hook *out);
#ifdef __cplusplus
}
#endif
#endif
