#include "pa_search.h"

#include <stdio.h>
#include <string.h>

/* The file name the Windows and macOS prebuilds ship beside the addon
 * (scripts/cross/windows.sh builds the DLL; a macOS build copies Homebrew's). */
#define BUNDLED_WINDOWS "portaudio.dll"
#define BUNDLED_MACOS "libportaudio.2.dylib"

static void add(pa_search_list *out, const char *dir, const char *sep, const char *name) {
    if (out->count >= PA_SEARCH_MAX) return;
    char *slot = out->path[out->count];
    int n = dir ? snprintf(slot, PA_SEARCH_PATH_MAX, "%s%s%s", dir, sep, name)
                : snprintf(slot, PA_SEARCH_PATH_MAX, "%s", name);
    if (n > 0 && n < PA_SEARCH_PATH_MAX) out->count++;
}

/* addon_dir joined to name, unless addon_dir is unknown. */
static void add_bundled(pa_search_list *out, const char *addon_dir, const char *sep, const char *name) {
    if (!addon_dir || !*addon_dir) return;
    size_t len = strlen(addon_dir);
    /* A directory given with its trailing separator gets no second one. */
    int ends_with_sep = addon_dir[len - 1] == '/' || addon_dir[len - 1] == '\\';
    add(out, addon_dir, ends_with_sep ? "" : sep, name);
}

void pa_search_candidates(rtm_os os, const char *addon_dir, const char *override,
                          pa_search_list *out) {
    out->count = 0;
    if (override && *override) {
        add(out, NULL, "", override);
        return;
    }
    switch (os) {
    case RTM_OS_WINDOWS:
        /* The DLL beside the addon by full path (LoadLibraryEx would otherwise
         * search node.exe's folder, not ours), then the DLL search path with
         * the names common PortAudio builds use: vcpkg and CMake (portaudio),
         * the old Visual Studio project (portaudio_x64), MSYS2 (libportaudio). */
        add_bundled(out, addon_dir, "\\", BUNDLED_WINDOWS);
        add(out, NULL, "", "portaudio.dll");
        add(out, NULL, "", "portaudio_x64.dll");
        add(out, NULL, "", "libportaudio.dll");
        add(out, NULL, "", "libportaudio-2.dll");
        break;
    case RTM_OS_MACOS:
        /* dlopen of a bare name does not look in Homebrew's prefixes. */
        add_bundled(out, addon_dir, "/", BUNDLED_MACOS);
        add(out, "/opt/homebrew/lib", "/", "libportaudio.2.dylib"); /* Homebrew, Apple silicon */
        add(out, "/usr/local/lib", "/", "libportaudio.2.dylib");    /* Homebrew, Intel */
        add(out, "/opt/local/lib", "/", "libportaudio.2.dylib");    /* MacPorts */
        add(out, NULL, "", "libportaudio.2.dylib");                 /* DYLD_LIBRARY_PATH */
        break;
    case RTM_OS_LINUX:
    default:
        /* The distribution's package, found by the dynamic linker's search
         * (ld.so.cache, LD_LIBRARY_PATH). */
        add(out, NULL, "", "libportaudio.so.2");
        break;
    }
}

const char *pa_search_install_hint(rtm_os os) {
    switch (os) {
    case RTM_OS_WINDOWS:
        return "the portaudio.dll that ships beside the addon is missing: reinstall "
               "node-red-contrib-rtmixer, or put a 64-bit portaudio.dll on PATH";
    case RTM_OS_MACOS:
        return "install it with Homebrew (brew install portaudio)";
    case RTM_OS_LINUX:
    default:
        return "install the package libportaudio2 (sudo apt-get install libportaudio2; "
               "Alpine: apk add portaudio; Fedora: sudo dnf install portaudio)";
    }
}
