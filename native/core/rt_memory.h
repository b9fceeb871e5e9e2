/* Memory the audio callback WRITES, kept resident and private across fork().
 *
 * Pre-faulting (prefault.h) is not enough in a Node process: every
 * child_process spawn forks, and fork() write-protects every private page of
 * the parent for copy-on-write. The parent's next write to each such page then
 * traps into the kernel (measured: spsc_queue_push and the id index faulting
 * on JACK's real-time thread after a spawn, 1–3 faults per record). Memory
 * from rtm_rt_alloc is mapped on its own pages, populated for writing, and
 * (on Linux) marked MADV_DONTFORK, so a fork leaves it writable: the child
 * execs at once and never needs it. Not real-time: call on the JS thread. */
#ifndef RTMIXER_RT_MEMORY_H
#define RTMIXER_RT_MEMORY_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
/* Zeroed, page-aligned (plus a small header), resident and writable memory; NULL if refused. */
void *rtm_rt_alloc(size_t bytes);
/* Frees what rtm_rt_alloc returned; NULL is ignored. */
void rtm_rt_free(void *p);
#ifdef __cplusplus
}
#endif
#endif
