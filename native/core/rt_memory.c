#define _GNU_SOURCE
#include "rt_memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefault.h"

#ifndef _WIN32
#include <sys/mman.h>
#endif

/* The mapping's size sits in a header before the pointer handed out, so
 * rtm_rt_free needs nothing but the pointer. 64 bytes keep the payload
 * cache-line aligned. */
#define RT_HEADER 64

void *rtm_rt_alloc(size_t bytes) {
    if (bytes > SIZE_MAX - RT_HEADER) return NULL;
    size_t total = bytes + RT_HEADER;
#ifdef _WIN32
    /* No fork on Windows: zeroed heap memory, pre-faulted, is enough. */
    unsigned char *base = calloc(1, total);
    if (!base) return NULL;
#else
    unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
#ifdef MADV_DONTFORK
    (void)madvise(base, total, MADV_DONTFORK); /* best effort: without it a fork costs faults, not errors */
#endif
#endif
    memcpy(base, &total, sizeof total);
    rtm_prefault(base, total);
    return base + RT_HEADER;
}

void rtm_rt_free(void *p) {
    if (!p) return;
    unsigned char *base = (unsigned char *)p - RT_HEADER;
#ifdef _WIN32
    free(base);
#else
    size_t total;
    memcpy(&total, base, sizeof total);
    munmap(base, total);
#endif
}
