#define _POSIX_C_SOURCE 200809L
#include "test_hooks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
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

int test_hook_lookup(const char *name, rtm_block_hook *out) {
    if (!strcmp(name, "")) *out = NULL;
    else if (!strcmp(name, "malloc")) *out = hook_malloc;
    else if (!strcmp(name, "lock")) *out = hook_lock;
    else if (!strcmp(name, "stall")) *out = hook_stall;
    else return 0;
    return 1;
}
