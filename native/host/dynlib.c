#if !defined(_WIN32)
#define _GNU_SOURCE /* dladdr */
#endif
#include "dynlib.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Cuts `path` after its last separator's position: the folder it names. */
static int keep_folder(char *path) {
    char *slash = strrchr(path, '/');
#ifdef _WIN32
    char *back = strrchr(path, '\\');
    if (!slash || (back && back > slash)) slash = back;
#endif
    if (!slash) {
        path[0] = '\0';
        return 0;
    }
    *slash = '\0';
    return 1;
}

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#define WIDE_MAX 4096

static void system_message(DWORD code, char *out, size_t len) {
    char text[256] = {0};
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             0, text, sizeof text, NULL);
    while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '.'))
        text[--n] = '\0';
    snprintf(out, len, "%s (Windows error %lu)", n ? text : "LoadLibrary failed", (unsigned long)code);
}

rtm_dynlib rtm_dynlib_open(const char *path, char *err, size_t errlen) {
    wchar_t wide[WIDE_MAX];
    if (!MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, WIDE_MAX)) {
        snprintf(err, errlen, "%s: not a valid UTF-8 path", path);
        return NULL;
    }
    /* A full path loads that file, and its own imports resolve from its
     * folder first (LOAD_WITH_ALTERED_SEARCH_PATH); a bare name uses the
     * standard DLL search (node.exe's folder, System32, PATH). */
    int full = (path[0] && path[1] == ':') || path[0] == '\\' || path[0] == '/';
    /* No "cannot find DLL" message box on a server without a desktop user. */
    DWORD previous = 0;
    SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &previous);
    HMODULE lib = LoadLibraryExW(wide, NULL, full ? LOAD_WITH_ALTERED_SEARCH_PATH : 0);
    DWORD code = GetLastError();
    SetThreadErrorMode(previous, NULL);
    if (!lib) system_message(code, err, errlen);
    return (rtm_dynlib)lib;
}

void *rtm_dynlib_symbol(rtm_dynlib lib, const char *name) {
    return (void *)(uintptr_t)GetProcAddress((HMODULE)lib, name);
}

int rtm_module_dir(char *out, size_t len) {
    HMODULE self = NULL;
    wchar_t wide[WIDE_MAX];
    out[0] = '\0';
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCWSTR)(void *)&rtm_module_dir, &self))
        return 0;
    DWORD n = GetModuleFileNameW(self, wide, WIDE_MAX);
    if (n == 0 || n >= WIDE_MAX) return 0;
    if (!WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, (int)len, NULL, NULL)) {
        out[0] = '\0';
        return 0;
    }
    return keep_folder(out);
}

#else
#include <dlfcn.h>

rtm_dynlib rtm_dynlib_open(const char *path, char *err, size_t errlen) {
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(err, errlen, "%s", why ? why : "dlopen failed");
    }
    return lib;
}

void *rtm_dynlib_symbol(rtm_dynlib lib, const char *name) { return dlsym(lib, name); }

int rtm_module_dir(char *out, size_t len) {
    Dl_info info;
    out[0] = '\0';
    if (!dladdr((void *)&rtm_module_dir, &info) || !info.dli_fname) return 0;
    int n = snprintf(out, len, "%s", info.dli_fname);
    if (n <= 0 || (size_t)n >= len) {
        out[0] = '\0';
        return 0;
    }
    return keep_folder(out);
}
#endif
