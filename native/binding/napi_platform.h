// Where PortAudio is looked for and where it was found: for diagnostics and
// for the loader's unit test (test/unit/loader.test.js).
#ifndef RTMIXER_NAPI_PLATFORM_H
#define RTMIXER_NAPI_PLATFORM_H
#include <napi.h>

void AddPlatformExports(Napi::Env env, Napi::Object exports);

#endif
