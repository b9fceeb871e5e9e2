/* Page faults on the audio thread: memory from malloc/calloc is mapped lazily,
 * so the first write to each page traps into the kernel, and in a process
 * whose garbage collector maps and unmaps memory that trap can wait for the
 * memory-map lock. Everything the callback will touch is pre-faulted here, on
 * the JavaScript thread, when it is allocated. */
#ifndef RTMIXER_PREFAULT_H
#define RTMIXER_PREFAULT_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
/* Touches every page of [p, p + bytes) for writing (contents unchanged). Not real-time. */
void rtm_prefault(void *p, size_t bytes);
#ifdef __cplusplus
}
#endif
#endif
