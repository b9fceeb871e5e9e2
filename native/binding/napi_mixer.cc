#include "napi_mixer.h"

#include <cstdlib>
#include <cstring>

#include "napi_ringbuffer.h"
#include "prefault.h"
#ifdef RTMIXER_DEV
#include "test_hooks.h"
#endif

// Native memory held by actions in flight, over all mixers (JS thread only):
// lets tests and benchmarks see a leak exactly instead of guessing from RSS.
static double g_live_actions = 0;
static double g_live_bytes = 0;

Napi::Value NativeMemory(const Napi::CallbackInfo &info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("actions", g_live_actions);
    o.Set("bytes", g_live_bytes);
    return o;
}

namespace {

constexpr unsigned kWatcherPollMicroseconds = 1000;

size_t ActionBytes(const rtm_action *a) {
    size_t bytes = sizeof(rtm_action);
    // a recording's buffer counts until the action is freed, also once handed to JavaScript
    if (a->buffer || a->type == RTM_RECORD_BUFFER) bytes += (a->total_frames * a->channels + 1) * sizeof(float);
    if (a->stats_out) bytes += sizeof(rtm_stats);
    return bytes;
}

void FreeAction(rtm_action *a) {
    g_live_actions -= 1;
    g_live_bytes -= (double)ActionBytes(a);
    free(a->buffer);
    free(a->stats_out);
    free(a);
}
constexpr unsigned kWatcherIdleMilliseconds = 50;

double NumberOr(Napi::Object o, const char *key, double fallback) {
    Napi::Value v = o.Get(key);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

// A finished recording handed to JavaScript without a second copy: the
// native buffer becomes the Float32Array's memory, freed by its finalizer.
// Where external buffers are not allowed (some embedders), it is copied.
Napi::Float32Array RecordingToJs(Napi::Env env, rtm_action *a) {
    const size_t count = a->frames_done * a->channels;
    napi_value ab;
    if (count > 0 &&
        napi_create_external_arraybuffer(env, a->buffer, count * sizeof(float),
                                         [](napi_env, void *data, void *) { free(data); }, nullptr, &ab) == napi_ok) {
        a->buffer = nullptr; // JavaScript owns it now
        return Napi::Float32Array::New(env, count, Napi::ArrayBuffer(env, ab), 0);
    }
    Napi::Float32Array s = Napi::Float32Array::New(env, count);
    if (count) memcpy(s.Data(), a->buffer, count * sizeof(float));
    return s;
}

// Every field of rtm_contract.h's RTM_STATS_FIELDS, under its JavaScript name.
Napi::Object StatsToObject(Napi::Env env, const rtm_stats &st) {
    Napi::Object o = Napi::Object::New(env);
#define X(type, field, js) o.Set(#js, Napi::Number::New(env, (double)st.field));
    RTM_STATS_FIELDS(X)
#undef X
    return o;
}

} // namespace

Napi::Function NativeMixer::Define(Napi::Env env) {
    return DefineClass(env, "NativeMixer",
                       {InstanceMethod("submit", &NativeMixer::Submit),
                        InstanceMethod("collect", &NativeMixer::Collect),
                        InstanceMethod("live", &NativeMixer::Live),
                        InstanceMethod("close", &NativeMixer::Close),
#ifdef RTMIXER_DEV
                        InstanceMethod("setTestHook", &NativeMixer::SetTestHook),
#endif
                        InstanceMethod("info", &NativeMixer::Info),
                        InstanceMethod("xruns", &NativeMixer::Xruns),
                        InstanceAccessor("frame", &NativeMixer::Frame, nullptr)});
}

// new NativeMixer(config, onResults). The TypeScript layer has resolved devices
// and validated every field; PortAudio's refusal comes back as an Error.
NativeMixer::NativeMixer(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NativeMixer>(info) {
    Napi::Env env = info.Env();
    env_ = env;
    Napi::Object cfg = info[0].As<Napi::Object>();
    rtm_stream_config c{};
    c.input_device = (int)NumberOr(cfg, "inputDevice", -1);
    c.output_device = (int)NumberOr(cfg, "outputDevice", -1);
    c.input_channels = (unsigned)NumberOr(cfg, "inputChannels", 0);
    c.output_channels = (unsigned)NumberOr(cfg, "outputChannels", 0);
    c.sample_rate = NumberOr(cfg, "sampleRate", 48000);
    c.block_size = (unsigned long)NumberOr(cfg, "blockSize", 0);
    c.input_latency = NumberOr(cfg, "inputLatency", 0);
    c.output_latency = NumberOr(cfg, "outputLatency", 0);
    c.queue_capacity = (unsigned)NumberOr(cfg, "queueCapacity", 1024);

    stream_ = static_cast<rtm_stream *>(calloc(1, sizeof(rtm_stream)));
    char err[512] = {0};
    if (!stream_ || !rtm_stream_open(stream_, &c, err, sizeof err)) {
        free(stream_);
        stream_ = nullptr;
        Napi::Error::New(env, err[0] ? err : "out of memory").ThrowAsJavaScriptException();
        return;
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rtmixer-results", 0, 1);
    tsfn_.Unref(env); // an idle mixer does not keep Node alive
    watcher_start(&watcher_, &stream_->state.results, &stream_->state.xrun_count, NotifyFromWatcher, this,
                  kWatcherPollMicroseconds, kWatcherIdleMilliseconds);
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
    open_ = true;
}

NativeMixer::~NativeMixer() {
    if (open_) {
        napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
        Shutdown();
    }
    // Actions left after shutdown were returned by the drain; free what remains.
    for (auto &entry : in_flight_) FreeAction(entry.second.action);
    in_flight_.clear();
    if (stream_) rtm_stream_close(stream_);
    free(stream_);
}

void NativeMixer::NotifyFromWatcher(void *self) {
    static_cast<NativeMixer *>(self)->tsfn_.NonBlockingCall();
}

void NativeMixer::OnEnvCleanup(void *self) {
    // Node is exiting: stop the callback and join the watcher before memory goes away.
    static_cast<NativeMixer *>(self)->Shutdown();
}

void NativeMixer::Shutdown() {
    if (!open_) return;
    open_ = false;
    rtm_stream_stop(stream_); // the callback never runs after this returns
    watcher_stop(&watcher_);
    rtm_state_drain_closed(&stream_->state);
    tsfn_.Release();
}

Napi::Value NativeMixer::Submit(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!open_) {
        Napi::Error::New(env, "the mixer is closed").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    Napi::Object d = info[0].As<Napi::Object>();
    rtm_action *a = static_cast<rtm_action *>(calloc(1, sizeof(rtm_action)));
    a->type = (rtm_action_type)(int)NumberOr(d, "type", 0);
    a->id = (uint64_t)NumberOr(d, "id", 0);
    Napi::Value at = d.Get("at");
    a->start_frame = at.IsNumber() ? (int64_t)at.As<Napi::Number>().DoubleValue() : RTM_ASAP;
    a->allow_belated = d.Get("allowBelated").ToBoolean();
    a->gain = (float)NumberOr(d, "gain", 1.0);
    a->target_id = (uint64_t)NumberOr(d, "targetId", 0);
    a->end_when_drained = d.Get("endWhenDrained").ToBoolean();
    a->fade_in = (uint32_t)NumberOr(d, "fadeIn", 0);
    a->fade_out = (uint32_t)NumberOr(d, "fadeOut", 0);
    a->curve = NumberOr(d, "curve", 0) == 1 ? RTM_CURVE_EQUAL_POWER : RTM_CURVE_LINEAR;
    a->loops = (int64_t)NumberOr(d, "loops", 0);
    a->loop_start = (uint64_t)NumberOr(d, "loopStart", 0);
    a->loop_end = (uint64_t)NumberOr(d, "loopEnd", 0);
    a->ramp = (uint32_t)NumberOr(d, "ramp", 0);
    a->after_id = (uint64_t)NumberOr(d, "afterId", 0);
    Napi::Value map = d.Get("channelMap");
    if (map.IsArray()) {
        Napi::Array arr = map.As<Napi::Array>();
        a->channels = arr.Length() > RTM_MAX_CHANNELS ? RTM_MAX_CHANNELS : arr.Length();
        for (unsigned i = 0; i < a->channels; i++)
            a->channel_map[i] = (uint8_t)arr.Get(i).As<Napi::Number>().Uint32Value();
    }
    InFlight entry{a, Napi::ObjectReference()};
    Napi::Value samples = d.Get("samples");
    if (samples.IsTypedArray()) {
        // Copied: the callback must never read memory JavaScript can free,
        // detach or transfer while the sound plays.
        Napi::Float32Array s = samples.As<Napi::Float32Array>();
        a->total_frames = s.ElementLength() / a->channels;
        a->buffer = static_cast<float *>(malloc((s.ElementLength() + 1) * sizeof(float)));
        memcpy(a->buffer, s.Data(), s.ElementLength() * sizeof(float));
    } else if (a->type == RTM_RECORD_BUFFER) {
        a->total_frames = (uint64_t)NumberOr(d, "frames", 0);
        a->buffer = static_cast<float *>(calloc(a->total_frames * a->channels + 1, sizeof(float)));
        rtm_prefault(a->buffer, (a->total_frames * a->channels + 1) * sizeof(float)); // no page fault in the callback
    }
    Napi::Value ring = d.Get("ring");
    if (NativeRingBuffer *rb = NativeRingBuffer::Unwrap(ring)) {
        a->ring = rb->ring();
        entry.ring = Napi::Persistent(ring.As<Napi::Object>());
    }
    if (a->type == RTM_FETCH_STATS) {
        a->stats_out = static_cast<rtm_stats *>(calloc(1, sizeof(rtm_stats)));
        rtm_prefault(a->stats_out, sizeof(rtm_stats)); // calloc may hand out pages never touched
    }

    g_live_actions += 1;
    g_live_bytes += (double)ActionBytes(a);
    if (!spsc_queue_push(&stream_->state.actions, a)) {
        FreeAction(a);
        Napi::Error::New(env, "the action queue is full").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    in_flight_.emplace(a->id, std::move(entry));
    watcher_submitted(&watcher_, 1);
    if (!referenced_) {
        tsfn_.Ref(env); // finished actions will call back: keep Node alive until then
        referenced_ = true;
    }
    return env.Undefined();
}

Napi::Array NativeMixer::CollectResults(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env);
    rtm_action *a;
    unsigned n = 0;
    while ((a = static_cast<rtm_action *>(spsc_queue_pop(&stream_->state.results)))) {
        Napi::Object r = Napi::Object::New(env);
        r.Set("id", Napi::Number::New(env, (double)a->id));
        r.Set("outcome", Napi::Number::New(env, a->outcome));
        r.Set("started", Napi::Boolean::New(env, a->started));
        r.Set("startFrame", Napi::Number::New(env, (double)a->actual_start));
        r.Set("lateFrames", Napi::Number::New(env, (double)a->late_frames));
        r.Set("frames", Napi::Number::New(env, (double)a->frames_done));
        r.Set("underflowFrames", Napi::Number::New(env, (double)atomic_load(&a->underflow_frames)));
        r.Set("overflowFrames", Napi::Number::New(env, (double)atomic_load(&a->overflow_frames)));
        if (a->type == RTM_RECORD_BUFFER) r.Set("samples", RecordingToJs(env, a));
        if (a->stats_out && a->outcome == RTM_FINISHED) r.Set("stats", StatsToObject(env, *a->stats_out));
        out.Set(n++, r);
        in_flight_.erase(a->id); // drops the ring buffer reference
        FreeAction(a);
    }
    if (n) watcher_collected(&watcher_, n);
    if (in_flight_.empty() && referenced_ && open_) {
        tsfn_.Unref(env);
        referenced_ = false;
    }
    return out;
}

Napi::Value NativeMixer::Collect(const Napi::CallbackInfo &info) {
    if (!stream_) return Napi::Array::New(info.Env());
    watcher_acknowledge(&watcher_);
    return CollectResults(info.Env());
}

Napi::Value NativeMixer::Live(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    auto it = in_flight_.find((uint64_t)info[0].As<Napi::Number>().DoubleValue());
    if (it == in_flight_.end()) return env.Null();
    rtm_action *a = it->second.action;
    Napi::Object o = Napi::Object::New(env);
    o.Set("underflowFrames", Napi::Number::New(env, (double)atomic_load(&a->underflow_frames)));
    o.Set("overflowFrames", Napi::Number::New(env, (double)atomic_load(&a->overflow_frames)));
    return o;
}

// Stops the stream and returns every action it still held, marked closed.
Napi::Value NativeMixer::Close(const Napi::CallbackInfo &info) {
    if (!open_) return Napi::Array::New(info.Env());
    napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
    Shutdown();
    Napi::Array results = CollectResults(info.Env());
    rtm_stream_close(stream_);
    free(stream_);
    stream_ = nullptr;
    return results;
}

#ifdef RTMIXER_DEV
// Development addon only (binding.gyp target rtmixer_dev).
Napi::Value NativeMixer::SetTestHook(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const char *allowed = getenv("RTMIXER_ENABLE_TEST_HOOKS");
    rtm_block_hook hook = nullptr;
    std::string name = info[0].As<Napi::String>().Utf8Value();
    if (!allowed || strcmp(allowed, "1") != 0 || !test_hook_lookup(name.c_str(), &hook) || !open_) {
        Napi::Error::New(env, "test hooks need RTMIXER_ENABLE_TEST_HOOKS=1, a known name and an open mixer")
            .ThrowAsJavaScriptException();
        return env.Undefined();
    }
    atomic_store(&stream_->state.test_hook, hook);
    return env.Undefined();
}
#endif

Napi::Value NativeMixer::Frame(const Napi::CallbackInfo &info) {
    if (!stream_) return Napi::Number::New(info.Env(), 0);
    return Napi::Number::New(info.Env(), (double)atomic_load(&stream_->state.frame));
}

Napi::Value NativeMixer::Info(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    if (!stream_) return o;
    o.Set("sampleRate", Napi::Number::New(env, stream_->sample_rate));
    o.Set("inputLatency", Napi::Number::New(env, stream_->input_latency));
    o.Set("outputLatency", Napi::Number::New(env, stream_->output_latency));
    return o;
}

// xruns(since): the logged blocks with PortAudio status flags after entry
// `since`, oldest first: { count, events: [{ frame, flags }] }. Entries older
// than the log's RTM_XRUN_LOG are gone; `count` tells how many there were.
Napi::Value NativeMixer::Xruns(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Array events = Napi::Array::New(env);
    uint64_t count = stream_ ? atomic_load(&stream_->state.xrun_count) : 0;
    uint64_t since = (uint64_t)info[0].As<Napi::Number>().DoubleValue();
    if (count > since + RTM_XRUN_LOG) since = count - RTM_XRUN_LOG;
    uint32_t n = 0;
    for (uint64_t i = since; i < count; i++) {
        rtm_xrun x;
        if (!rtm_xrun_read(&stream_->state, i, &x)) continue; // overwritten while we read: gone
        Napi::Object e = Napi::Object::New(env);
        e.Set("frame", Napi::Number::New(env, (double)x.frame));
        e.Set("flags", Napi::Number::New(env, x.flags));
        events.Set(n++, e);
    }
    o.Set("count", Napi::Number::New(env, (double)count));
    o.Set("events", events);
    return o;
}
