#define _GNU_SOURCE
#include "pa_copy.h"

#ifdef _WIN32
#include <stdio.h>

/* Windows has no JACK host API in the bundled PortAudio, so no dead session
 * to escape: a second copy is never needed there. */
int pa_load_copy(pa_functions *out, char *err, size_t errlen) {
    (void)out;
    snprintf(err, errlen, "a second PortAudio copy is not made on Windows");
    return 0;
}
#else

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int copy_file(int from, int to) {
    char buf[65536];
    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n == 0) return 1;
        if (n < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(to, buf + done, (size_t)(n - done));
            if (w < 0) {
                if (errno == EINTR) continue;
                return 0;
            }
            done += w;
        }
    }
}

/* An anonymous file (memfd) where the kernel has them, else an unlinked
 * temporary file: either way a new inode, so dlopen loads a new copy. */
static int anonymous_file(char *path, size_t pathlen) {
#ifdef MFD_CLOEXEC
    int fd = memfd_create("rtmixer-portaudio", MFD_CLOEXEC);
    if (fd >= 0) {
        snprintf(path, pathlen, "/proc/self/fd/%d", fd);
        if (access(path, R_OK) == 0) return fd;
        close(fd);
    }
#endif
    const char *dir = getenv("TMPDIR");
    snprintf(path, pathlen, "%s/rtmixer-portaudio-XXXXXX", dir && *dir ? dir : "/tmp");
    return mkstemp(path);
}

int pa_load_copy(pa_functions *out, char *err, size_t errlen) {
    /* Always from the file the first copy came from (a copy's own name is an
     * anonymous file that no longer exists). */
    const pa_functions *loaded = pa_load(err, (unsigned long)errlen);
    if (!loaded) return 0;
    Dl_info info;
    if (!dladdr(*(void **)&loaded->Initialize, &info) || !info.dli_fname) {
        snprintf(err, errlen, "cannot find the PortAudio library file to load it again");
        return 0;
    }
    int from = open(info.dli_fname, O_RDONLY | O_CLOEXEC);
    if (from < 0) {
        snprintf(err, errlen, "cannot read %s to load PortAudio again: %s", info.dli_fname, strerror(errno));
        return 0;
    }
    char path[512];
    int to = anonymous_file(path, sizeof path);
    if (to < 0) {
        close(from);
        snprintf(err, errlen, "cannot create a file to load PortAudio again: %s", strerror(errno));
        return 0;
    }
    int copied = copy_file(from, to);
    close(from);
    void *lib = copied ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (strncmp(path, "/proc/", 6) != 0) unlink(path);
    close(to);
    if (!lib) {
        snprintf(err, errlen, "cannot load PortAudio again from a copy of %s (%s)", info.dli_fname,
                 copied ? dlerror() : strerror(errno));
        return 0;
    }
    return pa_resolve(lib, info.dli_fname, out, err, (unsigned long)errlen);
}
#endif
