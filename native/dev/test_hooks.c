#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "test_hooks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static void hook_malloc(void) {
    void *volatile p = malloc(64);
    free(p);
}

static pthread_mutex_t hook_mutex = PTHREAD_MUTEX_INITIALIZER;
static void hook_lock(void) {
    pthread_mutex_lock(&hook_mutex);
    pthread_mutex_unlock(&hook_mutex);
}

/* Stalls one block in every 256 for 20 ms: long enough to miss a 1.3 ms period. */
static atomic_uint stall_counter;
static void hook_stall(void) {
    if ((atomic_fetch_add(&stall_counter, 1) & 255u) != 0) return;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do clock_gettime(CLOCK_MONOTONIC, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 20000000L);
}

/* Writes to one page never touched before in each block: a page fault per
 * block, which the real-time guard must see. The region is mapped (not
 * touched) on the JavaScript thread when the hook is installed. */
#define FAULT_PAGES 4096
static unsigned char *fault_region;
static atomic_uint fault_next;
static void hook_fault(void) {
    unsigned i = atomic_fetch_add(&fault_next, 1);
    if (fault_region && i < FAULT_PAGES) fault_region[(size_t)i * 4096] = 1;
}

int test_hook_lookup(const char *name, rtm_block_hook *out) {
    if (!strcmp(name, "")) *out = NULL;
    else if (!strcmp(name, "malloc")) *out = hook_malloc;
    else if (!strcmp(name, "lock")) *out = hook_lock;
    else if (!strcmp(name, "stall")) *out = hook_stall;
    else if (!strcmp(name, "fault")) {
        if (!fault_region) {
            void *p = mmap(NULL, (size_t)FAULT_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) return 0;
            fault_region = p;
        }
        *out = hook_fault;
    }
    else return 0;
    return 1;
}
