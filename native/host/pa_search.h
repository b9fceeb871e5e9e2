/* Where to look for the PortAudio library on each platform, in order. A pure
 * function of its arguments (no file system, no environment) so the order for
 * every platform is unit-tested on any one of them (test/unit/loader.test.js,
 * through the addon's portAudioSearchOrder export). */
#ifndef RTMIXER_PA_SEARCH_H
#define RTMIXER_PA_SEARCH_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rtm_os { RTM_OS_LINUX = 0, RTM_OS_MACOS = 1, RTM_OS_WINDOWS = 2 } rtm_os;

#if defined(_WIN32)
#define RTM_OS_THIS RTM_OS_WINDOWS
#elif defined(__APPLE__)
#define RTM_OS_THIS RTM_OS_MACOS
#else
#define RTM_OS_THIS RTM_OS_LINUX
#endif

#define PA_SEARCH_MAX 8
#define PA_SEARCH_PATH_MAX 1024

typedef struct pa_search_list {
    unsigned count;
    char path[PA_SEARCH_MAX][PA_SEARCH_PATH_MAX];
} pa_search_list;

/* The files to try for `os`: `override` alone when it is set (an explicit
 * choice never falls back to another library); otherwise the copy bundled
 * beside the addon in `addon_dir` (Windows, macOS; skipped when addon_dir is
 * NULL or empty, or the joined path would not fit), then the places the
 * platform's package manager installs it, then the bare name for the system's
 * own search. */
void pa_search_candidates(rtm_os os, const char *addon_dir, const char *override,
                          pa_search_list *out);

/* How a user of `os` installs PortAudio, for the error when nothing loads. */
const char *pa_search_install_hint(rtm_os os);

#ifdef __cplusplus
}
#endif
#endif
