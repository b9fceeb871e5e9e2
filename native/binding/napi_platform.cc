#include "napi_platform.h"

#include <string>

#include "dynlib.h"
#include "pa_loader.h"
#include "pa_search.h"

namespace {

// portAudioSearchOrder(platform, addonDir, override): the files the loader
// would try on `platform` ('linux', 'darwin' or 'win32', as process.platform
// names them), in order.
Napi::Value PortAudioSearchOrder(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) {
        Napi::TypeError::New(env, "platform must be 'linux', 'darwin' or 'win32'").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    std::string platform = info[0].As<Napi::String>().Utf8Value();
    rtm_os os;
    if (platform == "linux") os = RTM_OS_LINUX;
    else if (platform == "darwin") os = RTM_OS_MACOS;
    else if (platform == "win32") os = RTM_OS_WINDOWS;
    else {
        Napi::TypeError::New(env, "platform must be 'linux', 'darwin' or 'win32'").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    auto optional = [&](size_t i) { return info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string(); };
    std::string dir = optional(1), override = optional(2);
    static pa_search_list list; // 8 KiB; only ever used on the JS thread
    pa_search_candidates(os, info[1].IsString() ? dir.c_str() : nullptr, info[2].IsString() ? override.c_str() : nullptr, &list);
    Napi::Array out = Napi::Array::New(env, list.count);
    for (unsigned i = 0; i < list.count; i++) out.Set(i, list.path[i]);
    return out;
}

// The file PortAudio was loaded from, or null before the first use.
Napi::Value PortAudioLibrary(const Napi::CallbackInfo &info) {
    const char *path = pa_loaded_library();
    return path ? Napi::String::New(info.Env(), path) : info.Env().Null();
}

// The folder of the loaded .node: where bundled libraries are looked for.
Napi::Value AddonDir(const Napi::CallbackInfo &info) {
    char dir[1024];
    return rtm_module_dir(dir, sizeof dir) ? Napi::String::New(info.Env(), dir) : info.Env().Null();
}

} // namespace

void AddPlatformExports(Napi::Env env, Napi::Object exports) {
    exports.Set("portAudioSearchOrder", Napi::Function::New(env, PortAudioSearchOrder));
    exports.Set("portAudioLibrary", Napi::Function::New(env, PortAudioLibrary));
    exports.Set("addonDir", Napi::Function::New(env, AddonDir));
}
