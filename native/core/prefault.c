#define _GNU_SOURCE
#include "prefault.h"

#include <stdint.h>
#ifndef _WIN32 /* the Windows prebuild (mingw-w64) has neither */
#include <sys/mman.h>
#include <unistd.h>
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it and the loop does the work */
#endif

void rtm_prefault(void *p, size_t bytes) {
    if (!p || bytes == 0) return;
    static size_t page;
    if (!page) {
#ifdef _WIN32
        page = 4096; /* x64 Windows' page size */
#else
        long sz = sysconf(_SC_PAGESIZE);
        page = sz > 0 ? (size_t)sz : 4096;
#endif
    }
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1);
    uintptr_t end = (uintptr_t)p + bytes;
#ifdef __linux__
    /* One call populates the whole range (and works for huge ranges). */
    if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0) return;
#endif
    /* Read and write back one byte per page: a write fault maps the page
     * writable without changing what it holds. The first page may start
     * before p and the last end after p + bytes: touch only bytes inside. */
    volatile unsigned char *b = p;
    for (uintptr_t at = (uintptr_t)p; at < end; at = (at & ~(uintptr_t)(page - 1)) + page) {
        volatile unsigned char *q = b + (at - (uintptr_t)p);
        *q = *q;
    }
}
