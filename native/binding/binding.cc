// Module entry: device and host API listing, plus the Mixer and RingBuffer classes.
#include <napi.h>

#ifdef RTMIXER_DEV
#include "bench_kernels.h"
#endif
#include "napi_mixer.h"
#include "napi_ringbuffer.h"
#include "pa_session.h"
#include "rtm_contract.h"

namespace {

const pa_functions *RefreshedPortAudio(Napi::Env env) {
    char err[512] = {0};
    const pa_functions *pa = pa_session_refresh(err, sizeof err);
    if (!pa) Napi::Error::New(env, err).ThrowAsJavaScriptException();
    return pa;
}

Napi::Value ListHostApis(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const pa_functions *pa = RefreshedPortAudio(env);
    if (!pa) return env.Undefined();
    Napi::Array out = Napi::Array::New(env);
    for (int i = 0; i < pa->GetHostApiCount(); i++) {
        const PaHostApiInfo *h = pa->GetHostApiInfo(i);
        Napi::Object o = Napi::Object::New(env);
        o.Set("index", i);
        o.Set("name", h->name);
        o.Set("type", h->type);
        o.Set("deviceCount", h->deviceCount);
        o.Set("defaultInputDevice", h->defaultInputDevice);
        o.Set("defaultOutputDevice", h->defaultOutputDevice);
        out.Set(i, o);
    }
    return out;
}

Napi::Value ListDevices(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const pa_functions *pa = RefreshedPortAudio(env);
    if (!pa) return env.Undefined();
    Napi::Array out = Napi::Array::New(env);
    for (int i = 0; i < pa->GetDeviceCount(); i++) {
        const PaDeviceInfo *d = pa->GetDeviceInfo(i);
        Napi::Object o = Napi::Object::New(env);
        o.Set("index", i);
        o.Set("name", d->name);
        o.Set("hostApi", pa->GetHostApiInfo(d->hostApi)->name);
        o.Set("hostApiIndex", d->hostApi);
        o.Set("maxInputChannels", d->maxInputChannels);
        o.Set("maxOutputChannels", d->maxOutputChannels);
        o.Set("defaultSampleRate", d->defaultSampleRate);
        o.Set("defaultLowInputLatency", d->defaultLowInputLatency);
        o.Set("defaultLowOutputLatency", d->defaultLowOutputLatency);
        o.Set("defaultHighInputLatency", d->defaultHighInputLatency);
        o.Set("defaultHighOutputLatency", d->defaultHighOutputLatency);
        out.Set(i, o);
    }
    return out;
}

Napi::Value PortAudioVersion(const Napi::CallbackInfo &info) {
    char err[512] = {0};
    const pa_functions *pa = pa_load(err, sizeof err);
    if (!pa) {
        Napi::Error::New(info.Env(), err).ThrowAsJavaScriptException();
        return info.Env().Undefined();
    }
    return Napi::String::New(info.Env(), pa->GetVersionText());
}

#ifdef RTMIXER_DEV
// For `npm run bench` only: the plain C add loop the callback is compared with.
Napi::Value BenchSumVoices(const Napi::CallbackInfo &info) {
    auto arg = [&](int i) { return info[i].As<Napi::Number>().Uint32Value(); };
    return Napi::Number::New(info.Env(), bench_sum_voices_ns(arg(0), arg(1), arg(2), arg(3)));
}

// For `npm run bench` only: rtm_process() timed offline, 1024 queue items then cancel-all.
Napi::Value BenchWorstBlock(const Napi::CallbackInfo &info) {
    double out[3] = {0, 0, 0};
    if (!bench_worst_block(info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().Uint32Value(), out))
        return info.Env().Null();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("queueBlockNs", out[0]);
    o.Set("cancelBlockNs", out[1]);
    o.Set("waitingBlockNs", out[2]);
    return o;
}
#endif

// The numbers the core and TypeScript share (native/core/rtm_contract.h), by name.
Napi::Value Contract(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Object types = Napi::Object::New(env), outcomes = Napi::Object::New(env), flags = Napi::Object::New(env);
    Napi::Array stats = Napi::Array::New(env);
#define X(name, num, js) types.Set(#js, num);
    RTM_ACTION_TYPES(X)
#undef X
#define X(name, num, js) outcomes.Set(#js, num);
    RTM_OUTCOMES(X)
#undef X
#define X(name, num, js) flags.Set(#js, num);
    RTM_STATUS_FLAGS(X)
#undef X
    uint32_t n = 0;
#define X(type, field, js) stats.Set(n++, #js);
    RTM_STATS_FIELDS(X)
#undef X
    o.Set("actionTypes", types);
    o.Set("outcomes", outcomes);
    o.Set("statusFlags", flags);
    o.Set("statsFields", stats);
    o.Set("maxChannels", RTM_MAX_CHANNELS);
    o.Set("maxShapeFrames", (double)RTM_MAX_SHAPE_FRAMES);
    return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("listHostApis", Napi::Function::New(env, ListHostApis));
    exports.Set("listDevices", Napi::Function::New(env, ListDevices));
    exports.Set("portAudioVersion", Napi::Function::New(env, PortAudioVersion));
#ifdef RTMIXER_DEV
    exports.Set("benchSumVoicesNs", Napi::Function::New(env, BenchSumVoices));
    exports.Set("benchWorstBlock", Napi::Function::New(env, BenchWorstBlock));
#endif
    exports.Set("contract", Napi::Function::New(env, Contract));
    exports.Set("nativeMemory", Napi::Function::New(env, NativeMemory));
    exports.Set("NativeMixer", NativeMixer::Define(env));
    exports.Set("NativeRingBuffer", NativeRingBuffer::Define(env));
    return exports;
}

} // namespace

NODE_API_MODULE(rtmixer, Init)
