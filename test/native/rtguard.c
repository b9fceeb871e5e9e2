/* Real-time guard, preloaded (LD_PRELOAD) into a test process. The mixer's
 * callback trampoline calls rtguard_enter()/rtguard_leave() around the
 * callback body when these symbols exist; between them, every allocation,
 * lock, condition-variable, semaphore, sleep or write on that thread is
 * counted, and so is every page fault. The test asserts the counts stay 0, and
 * proves the guard works by installing a block hook that allocates or locks. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static __thread int in_callback;
static atomic_ulong entered, allocations, locks, blocking_calls;

/* Page faults taken inside the callback body: getrusage(RUSAGE_THREAD) is read
 * at enter and leave (a system call, but the instrument's, outside the body).
 * The first WARMUP callbacks are counted apart: PortAudio's own block buffers
 * are first written by the callback there, once per stream. */
#define WARMUP 16
static __thread long faults_at_enter;
static atomic_ulong page_faults, warmup_page_faults;

static long thread_faults(void) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_minflt + ru.ru_majflt;
}

void rtguard_enter(void) {
    faults_at_enter = thread_faults();
    in_callback = 1;
    atomic_fetch_add(&entered, 1);
}
void rtguard_leave(void) {
    in_callback = 0;
    long faults = thread_faults() - faults_at_enter;
    if (faults > 0) atomic_fetch_add(atomic_load(&entered) <= WARMUP ? &warmup_page_faults : &page_faults, (unsigned long)faults);
}

/* At exit, the counts go as JSON to the file named by RTGUARD_REPORT. */
__attribute__((destructor)) static void report(void) {
    const char *path = getenv("RTGUARD_REPORT");
    if (!path) return;
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "{\"callbacks\":%lu,\"allocations\":%lu,\"locks\":%lu,\"blockingCalls\":%lu,"
               "\"pageFaults\":%lu,\"warmupPageFaults\":%lu}\n",
            atomic_load(&entered), atomic_load(&allocations), atomic_load(&locks),
            atomic_load(&blocking_calls), atomic_load(&page_faults), atomic_load(&warmup_page_faults));
    fclose(f);
}

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#define COUNT(counter) do { if (in_callback) atomic_fetch_add(&counter, 1); } while (0)

void *malloc(size_t n) { COUNT(allocations); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { COUNT(allocations); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { COUNT(allocations); return __libc_realloc(p, n); }
void free(void *p) { COUNT(allocations); __libc_free(p); }
int posix_memalign(void **out, size_t align, size_t n) {
    COUNT(allocations);
    *out = __libc_memalign(align, n);
    return *out ? 0 : 12;
}

#define FORWARD(ret, name, counter, params, args)                  \
    ret name params {                                              \
        static ret(*real) params;                                  \
        COUNT(counter);                                            \
        if (!real) *(void **)(&real) = dlsym(RTLD_NEXT, #name);    \
        return real args;                                          \
    }

FORWARD(int, pthread_mutex_lock, locks, (pthread_mutex_t *m), (m))
FORWARD(int, pthread_mutex_trylock, locks, (pthread_mutex_t *m), (m))
FORWARD(int, pthread_rwlock_rdlock, locks, (pthread_rwlock_t *l), (l))
FORWARD(int, pthread_rwlock_wrlock, locks, (pthread_rwlock_t *l), (l))
FORWARD(int, pthread_spin_lock, locks, (pthread_spinlock_t *l), (l))
FORWARD(int, pthread_cond_signal, blocking_calls, (pthread_cond_t *c), (c))
FORWARD(int, pthread_cond_broadcast, blocking_calls, (pthread_cond_t *c), (c))
FORWARD(int, pthread_cond_wait, blocking_calls, (pthread_cond_t *c, pthread_mutex_t *m), (c, m))
FORWARD(int, sem_post, blocking_calls, (sem_t *s), (s))
FORWARD(int, sem_wait, blocking_calls, (sem_t *s), (s))
FORWARD(int, nanosleep, blocking_calls, (const struct timespec *a, struct timespec *b), (a, b))
FORWARD(int, usleep, blocking_calls, (useconds_t u), (u))
FORWARD(ssize_t, write, blocking_calls, (int fd, const void *b, size_t n), (fd, b, n))
FORWARD(ssize_t, read, blocking_calls, (int fd, void *b, size_t n), (fd, b, n))
