// Module entry: device and host API listing, plus the Mixer and RingBuffer classes.
#include <napi.h>

#ifdef RTMIXER_DEV
#include "bench_kernels.h"
#endif
#include "rtm_limits.h"
#include "napi_mixer.h"
#include "napi_platform.h"
#include "napi_ringbuffer.h"
#include "napi_sound.h"
#include "pa_session.h"
#include "rtm_contract.h"

namespace {

// The listing as PortAudio saw it at the last scan, copied under the session
// lock (pa_session.h): reading it never races a re-initialisation.
Napi::Object ListingToObject(Napi::Env env, const pa_listing *l) {
    Napi::Array hosts = Napi::Array::New(env);
    for (int i = 0; i < l->host_api_count; i++) {
        const pa_host_api_entry &h = l->host_apis[i];
        Napi::Object o = Napi::Object::New(env);
        o.Set("index", i);
        o.Set("name", h.name);
        o.Set("type", h.type);
        o.Set("deviceCount", h.device_count);
        o.Set("defaultInputDevice", h.default_input_device);
        o.Set("defaultOutputDevice", h.default_output_device);
        hosts.Set(i, o);
    }
    Napi::Array devices = Napi::Array::New(env);
    for (int i = 0; i < l->device_count; i++) {
        const pa_device_entry &d = l->devices[i];
        Napi::Object o = Napi::Object::New(env);
        o.Set("index", i);
        o.Set("name", d.name);
        o.Set("hostApi", d.host_api >= 0 && d.host_api < l->host_api_count ? l->host_apis[d.host_api].name : "");
        o.Set("hostApiIndex", d.host_api);
        o.Set("maxInputChannels", d.max_input_channels);
        o.Set("maxOutputChannels", d.max_output_channels);
        o.Set("defaultSampleRate", d.default_sample_rate);
        o.Set("defaultLowInputLatency", d.default_low_input_latency);
        o.Set("defaultLowOutputLatency", d.default_low_output_latency);
        o.Set("defaultHighInputLatency", d.default_high_input_latency);
        o.Set("defaultHighOutputLatency", d.default_high_output_latency);
        devices.Set(i, o);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("generation", (double)l->generation);
    o.Set("ageMs", l->age_ms);
    o.Set("hostApis", hosts);
    o.Set("devices", devices);
    return o;
}

// deviceListing(): { generation, ageMs, hostApis, devices } of the last scan
// (the first call initialises PortAudio).
Napi::Value DeviceListing(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    char err[512] = {0};
    pa_listing *l = pa_session_listing(err, sizeof err);
    if (!l) {
        Napi::Error::New(env, err).ThrowAsJavaScriptException();
        return env.Undefined();
    }
    Napi::Object o = ListingToObject(env, l);
    pa_listing_free(l);
    return o;
}

// rescanDevicesSync(): true if PortAudio was re-initialised (false: a stream
// holds the session). Blocks the caller for the scan.
Napi::Value RescanDevicesSync(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    char err[512] = {0};
    int rescanned = 0;
    if (!pa_session_rescan(&rescanned, err, sizeof err)) {
        Napi::Error::New(env, err).ThrowAsJavaScriptException();
        return env.Undefined();
    }
    return Napi::Boolean::New(env, rescanned != 0);
}

// The same on a worker thread: the event loop keeps running during the scan.
class RescanWorker : public Napi::AsyncWorker {
  public:
    explicit RescanWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
    Napi::Promise Promise() { return deferred_.Promise(); }
    void Execute() override {
        if (!pa_session_rescan(&rescanned_, err_, sizeof err_)) SetError(err_);
    }
    void OnOK() override { deferred_.Resolve(Napi::Boolean::New(Env(), rescanned_ != 0)); }
    void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

  private:
    Napi::Promise::Deferred deferred_;
    int rescanned_ = 0;
    char err_[512] = {0};
};

Napi::Value RescanDevices(const Napi::CallbackInfo &info) {
    auto *worker = new RescanWorker(info.Env());
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
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
    return Napi::Number::New(info.Env(), bench_sum_voices_ns(arg(0), arg(1), arg(2), arg(3), arg(4)));
}

// For `npm run bench` only: rtm_process() offline with N voices, and the level meter alone.
Napi::Value BenchProcessVoices(const Napi::CallbackInfo &info) {
    auto arg = [&](int i) { return info[i].As<Napi::Number>().Uint32Value(); };
    return Napi::Number::New(info.Env(), bench_process_voices_ns(arg(0), arg(1), arg(2), arg(3)));
}

Napi::Value BenchLevels(const Napi::CallbackInfo &info) {
    auto arg = [&](int i) { return info[i].As<Napi::Number>().Uint32Value(); };
    return Napi::Number::New(info.Env(), bench_levels_ns(arg(0), arg(1), arg(2)));
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

// The sizes and ranges the binding enforces (rtm_limits.h), for TypeScript's checks.
Napi::Object Limits(Napi::Env env) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("maxBufferBytes", (double)rtm_limits::kMaxBufferBytes);
    o.Set("maxRingFrames", (double)rtm_limits::kMaxRingFrames);
    o.Set("maxGain", rtm_limits::kMaxGain);
    o.Set("maxShapeFrames", (double)rtm_limits::kMaxShapeFrames);
    o.Set("maxLoops", (double)rtm_limits::kMaxLoops);
    return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("deviceListing", Napi::Function::New(env, DeviceListing));
    exports.Set("rescanDevices", Napi::Function::New(env, RescanDevices));
    exports.Set("rescanDevicesSync", Napi::Function::New(env, RescanDevicesSync));
    exports.Set("portAudioVersion", Napi::Function::New(env, PortAudioVersion));
#ifdef RTMIXER_DEV
    exports.Set("benchSumVoicesNs", Napi::Function::New(env, BenchSumVoices));
    exports.Set("benchProcessVoicesNs", Napi::Function::New(env, BenchProcessVoices));
    exports.Set("benchLevelsNs", Napi::Function::New(env, BenchLevels));
    exports.Set("benchWorstBlock", Napi::Function::New(env, BenchWorstBlock));
#endif
    exports.Set("contract", Napi::Function::New(env, Contract));
    exports.Set("nativeMemory", Napi::Function::New(env, NativeMemory));
    exports.Set("recordingBytes", Napi::Function::New(env, RecordingBytes));
    exports.Set("limits", Limits(env));
    exports.Set("NativeMixer", NativeMixer::Define(env));
    exports.Set("NativeRingBuffer", NativeRingBuffer::Define(env));
    exports.Set("NativeSound", NativeSound::Define(env));
    AddPlatformExports(env, exports);
    return exports;
}

} // namespace

NODE_API_MODULE(rtmixer, Init)
