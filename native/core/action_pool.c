#include "action_pool.h"

#include <stdatomic.h>
#include <string.h>

#include "rt_memory.h"

/* Actions per chunk: 64 KiB-ish mappings, few system calls per burst of plays. */
#define ACTIONS_PER_CHUNK 128

typedef union pool_slot {
    rtm_action action;
    union pool_slot *next_free;
} pool_slot;

static pool_slot *free_list;
/* JavaScript threads (the main one and workers) only, briefly: a spin lock
 * keeps the core free of platform lock APIs. */
static atomic_flag pool_lock = ATOMIC_FLAG_INIT;

static void lock(void) {
    while (atomic_flag_test_and_set_explicit(&pool_lock, memory_order_acquire)) {
    }
}
static void unlock(void) { atomic_flag_clear_explicit(&pool_lock, memory_order_release); }

/* With the lock held: one more chunk's slots onto the free list. */
static int grow(void) {
    pool_slot *chunk = rtm_rt_alloc(sizeof(pool_slot) * ACTIONS_PER_CHUNK);
    if (!chunk) return 0;
    for (size_t i = 0; i < ACTIONS_PER_CHUNK; i++) {
        chunk[i].next_free = free_list;
        free_list = &chunk[i];
    }
    return 1;
}

rtm_action *rtm_action_alloc(void) {
    lock();
    pool_slot *slot = free_list;
    if (!slot && grow()) slot = free_list;
    if (slot) free_list = slot->next_free;
    unlock();
    if (!slot) return NULL;
    memset(&slot->action, 0, sizeof slot->action);
    return &slot->action;
}

void rtm_action_free(rtm_action *a) {
    if (!a) return;
    pool_slot *slot = (pool_slot *)a;
    lock();
    slot->next_free = free_list;
    free_list = slot;
    unlock();
}
