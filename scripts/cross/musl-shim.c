/* For the musl load check only (scripts/cross/musl.sh), never shipped: Bun's
 * musl build expects Alpine's libstdc++, which no Debian or npm package has.
 * Debian's libstdc++ (built for glibc) runs under musl's loader once these
 * glibc-only symbols exist. The addon under test needs none of them: it links
 * libc++ statically and needs only musl's libc. */
#define _GNU_SOURCE
#include <locale.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

char __libc_single_threaded = 0;
/* thread_local destructors are not run at thread exit: a leak in a test run. */
int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso) {
    (void)dtor; (void)obj; (void)dso;
    return 0;
}
size_t __strftime_l(char *s, size_t n, const char *f, const struct tm *tm, locale_t l) {
    return strftime_l(s, n, f, tm, l);
}
uint32_t arc4random(void) {
    uint32_t v = 0;
    getentropy(&v, sizeof v);
    return v;
}
/* "Not found": libgcc's unwinder falls back to dl_iterate_phdr. */
int _dl_find_object(void *pc, void *result) {
    (void)pc; (void)result;
    return -1;
}
/* libgcc's CPU model, all zero: __builtin_cpu_supports() answers "no". */
struct cpu_model { unsigned vendor, type, subtype, features[1]; } __cpu_model;
unsigned __cpu_features2[3];
int __cpu_indicator_init(void) { return 0; }
