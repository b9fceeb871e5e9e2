// Errors whose `code` TypeScript turns into its own RtMixerError classes
// (errors.ts: errorFromNative). Uncoded errors become ERR_RTMIXER_NATIVE.
#pragma once
#include <napi.h>

#include <string>

#define RTM_ERR_TOO_LARGE "ERR_RTMIXER_TOO_LARGE"
#define RTM_ERR_NO_MEMORY "ERR_RTMIXER_NO_MEMORY"
#define RTM_ERR_RING_BUSY "ERR_RTMIXER_RING_BUSY"

inline void ThrowCoded(Napi::Env env, const char *code, const std::string &message) {
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, code));
    e.ThrowAsJavaScriptException();
}

// A JS exception left pending by a failed allocation (Float32Array::New and
// friends) becomes a coded out-of-memory error instead.
inline void ReplacePendingWithNoMemory(Napi::Env env, const std::string &what) {
    if (env.IsExceptionPending()) env.GetAndClearPendingException();
    ThrowCoded(env, RTM_ERR_NO_MEMORY, "Out of memory for " + what);
}
