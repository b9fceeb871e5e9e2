/* Opening a shared library at run time, the same three calls on POSIX (dlopen)
 * and Windows (LoadLibraryEx), and the folder this addon was loaded from (where
 * the Windows and macOS prebuilds keep their bundled PortAudio). */
#ifndef RTMIXER_DYNLIB_H
#define RTMIXER_DYNLIB_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *rtm_dynlib;

/* Opens `path` (UTF-8): a full path, or a bare name for the system's search.
 * NULL with the system's reason in err when it cannot. */
rtm_dynlib rtm_dynlib_open(const char *path, char *err, size_t errlen);
/* The exported symbol `name`, or NULL. */
void *rtm_dynlib_symbol(rtm_dynlib lib, const char *name);
/* The folder of the file that holds this code (the .node), without a trailing
 * separator, in UTF-8. 0 and an empty string when it cannot be found. */
int rtm_module_dir(char *out, size_t len);

#ifdef __cplusplus
}
#endif
#endif
