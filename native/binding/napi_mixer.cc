#include "napi_mixer.h"

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "action_descriptor.h"
#include "coded_error.h"
#include "napi_ringbuffer.h"
#include "action_pool.h"
#include "napi_sound.h"
#include "prefault.h"
#include "rt_memory.h"
#ifdef RTMIXER_DEV
#include "test_hooks.h"
#endif

// Native memory held by actions in flight, over all mixers in every thread
// (workers included): lets tests and benchmarks see a leak exactly instead of
// guessing from RSS. Atomic: each worker thread submits on its own.
static std::atomic<int64_t> g_live_actions{0};
static std::atomic<int64_t> g_live_bytes{0};
// Finished recordings handed to JavaScript without a copy, until collected.
static std::atomic<int64_t> g_recording_bytes{0};

// PortAudio's JACK host registers and removes ports by name without a lock of
// its own: streams opened or closed by two worker threads at once collide
// ("jack_port_register failed", then an assertion aborts the process). One
// thread at a time opens, stops or closes a stream.
static std::mutex g_stream_calls;

Napi::Value NativeMemory(const Napi::CallbackInfo &info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("actions", (double)g_live_actions.load());
    // Loaded sounds too: a leaked Sound shows as a leak.
    o.Set("bytes", (double)(g_live_bytes.load() + SharedSoundBytes()));
    return o;
}

Napi::Value RecordingBytes(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), (double)g_recording_bytes.load());
}

namespace {

// The watcher's longest sleep, and how long a frozen frame clock means a dead
// stream (several periods at any usual block size; detection within 250 ms).
constexpr unsigned kWatcherTickMilliseconds = 25;
constexpr unsigned kStallMilliseconds = 150;
constexpr unsigned kStartGraceMilliseconds = 2000;
// How long close() waits for PortAudio to stop a stream before abandoning it.
constexpr unsigned kCloseTimeoutMilliseconds = 1000;

// When an action should come back, from what JavaScript asked: the watcher
// sleeps until then. A guess: too early costs a few 1 ms polls, unknown
// (rings, a successor of another action, endless loops) a tick's latency.
uint64_t EstimatedEndFrame(const rtm_action *a, uint64_t now) {
    if (a->after_id > 0 || a->ring || a->loops < 0) return WATCHER_NO_DEADLINE;
    uint64_t start = a->start_frame == RTM_ASAP || a->start_frame < (int64_t)now ? now : (uint64_t)a->start_frame;
    uint64_t frames = a->total_frames;
    if (a->loops > 0) {
        uint64_t end = a->loop_end ? a->loop_end : a->total_frames;
        frames += (uint64_t)a->loops * (end - a->loop_start);
    }
    return start + frames;
}

// `shared`: the loaded sound the action's buffer points into (counted as a sound, not here).
size_t ActionBytes(const rtm_action *a, const SharedSamples *shared) {
    size_t bytes = sizeof(rtm_action);
    // A recording handed to JavaScript left this count at the handoff (RecordingToResult).
    if (a->buffer && !shared) bytes += (a->total_frames * a->channels + 1) * sizeof(float);
    if (a->stats_out) bytes += sizeof(rtm_stats);
    return bytes;
}

// Drops the action's reference to a loaded sound (`shared`) instead of freeing its buffer.
void FreeAction(rtm_action *a, SharedSamples *shared) {
    g_live_actions -= 1;
    g_live_bytes -= (int64_t)ActionBytes(a, shared);
    if (shared) shared->Unref();
    else if (a->type == RTM_RECORD_BUFFER) rtm_rt_free(a->buffer);
    else free(a->buffer);
    free(a->stats_out);
    rtm_action_free(a);
}

double NumberOr(Napi::Object o, const char *key, double fallback) {
    Napi::Value v = o.Get(key);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

// One meter's raw figures, one number per channel: the library turns them into dBFS.
void SetLevels(Napi::Env env, Napi::Object o, const char *peak_key, const char *sum_key, const rtm_levels &m) {
    Napi::Array peak = Napi::Array::New(env, m.channels), sum = Napi::Array::New(env, m.channels);
    for (uint32_t c = 0; c < m.channels; c++) {
        peak.Set(c, Napi::Number::New(env, m.peak[c]));
        sum.Set(c, Napi::Number::New(env, m.sum_squares[c]));
    }
    o.Set(peak_key, peak);
    o.Set(sum_key, sum);
}

// Every field of rtm_contract.h's RTM_STATS_FIELDS, under its JavaScript name,
// and the level meters' peaks (linear) and sums of squares per channel.
Napi::Object StatsToObject(Napi::Env env, const rtm_stats &st) {
    Napi::Object o = Napi::Object::New(env);
#define X(type, field, js) o.Set(#js, Napi::Number::New(env, (double)st.field));
    RTM_STATS_FIELDS(X)
#undef X
    SetLevels(env, o, "outputPeak", "outputSumSquares", st.output_levels);
    SetLevels(env, o, "inputPeak", "inputSumSquares", st.input_levels);
    return o;
}


void FreeRecording(napi_env, void *data, void *hint) {
    rtm_rt_free(data);
    g_recording_bytes -= (int64_t)(uintptr_t)hint;
}

// A finished recording's samples. The native buffer itself becomes the
// Float32Array's memory (freed by its finalizer when JavaScript drops it), so
// a long take is never copied. Runtimes that refuse external buffers (V8's
// sandbox in Electron) get a copy. If even that fails, `samplesError` says so.
void RecordingToResult(Napi::Env env, rtm_action *a, Napi::Object result) {
    const size_t count = (size_t)(a->frames_done * a->channels);
    const size_t bytes = count * sizeof(float);
    if (count > 0) {
        napi_value buffer;
        if (napi_create_external_arraybuffer(env, a->buffer, bytes, FreeRecording, (void *)(uintptr_t)bytes,
                                             &buffer) == napi_ok) {
            g_live_bytes -= (int64_t)((a->total_frames * a->channels + 1) * sizeof(float));
            g_recording_bytes += (int64_t)bytes;
            a->buffer = nullptr; // JavaScript owns it now
            Napi::Float32Array samples = Napi::Float32Array::New(env, count, Napi::ArrayBuffer(env, buffer), 0);
            if (env.IsExceptionPending() || samples.IsEmpty()) {
                env.GetAndClearPendingException();
                result.Set("samplesError", Napi::String::New(env, "out of memory for the recorded samples"));
            } else {
                result.Set("samples", samples);
            }
            return;
        }
        if (env.IsExceptionPending()) env.GetAndClearPendingException();
    }
    Napi::Float32Array copy = Napi::Float32Array::New(env, count);
    if (env.IsExceptionPending() || copy.IsEmpty()) {
        env.GetAndClearPendingException();
        result.Set("samplesError", Napi::String::New(env, "out of memory for the " + std::to_string(bytes >> 20) +
                                                              " MiB of recorded samples"));
        return;
    }
    if (count) memcpy(copy.Data(), a->buffer, bytes);
    result.Set("samples", copy);
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
                        InstanceMethod("clock", &NativeMixer::Clock),
                        InstanceAccessor("frame", &NativeMixer::Frame, nullptr),
                        InstanceAccessor("lost", &NativeMixer::Lost, nullptr)});
}

// new NativeMixer(config, onResults). The TypeScript layer has resolved devices
// and validated every field; PortAudio's refusal comes back as an Error.
NativeMixer::NativeMixer(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NativeMixer>(info) {
    Napi::Env env = info.Env();
    env_ = env;
    if (!info[0].IsObject() || !info[1].IsFunction()) { // a direct call must not abort the process
        Napi::TypeError::New(env, "new NativeMixer(config, onResults) needs an object and a function")
            .ThrowAsJavaScriptException();
        return;
    }
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

    // The callback writes the state inside the stream (clock, stats, logs): fork-proof memory.
    stream_ = static_cast<rtm_stream *>(rtm_rt_alloc(sizeof(rtm_stream)));
    char err[512] = {0};
    int stale = 0;
    bool opened = false;
    if (stream_) {
        std::lock_guard<std::mutex> one_at_a_time(g_stream_calls);
        opened = rtm_stream_open(stream_, &c, &stale, err, sizeof err);
    }
    if (!opened) {
        rtm_rt_free(stream_);
        stream_ = nullptr;
        Napi::Error e = Napi::Error::New(env, err[0] ? err : "out of memory");
        // The PortAudio session may be stale (its JACK server died): the
        // library rescans and tries once more.
        if (stale) e.Set("rescan", Napi::Boolean::New(env, true));
        e.ThrowAsJavaScriptException();
        return;
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rtmixer-results", 0, 1);
    tsfn_.Unref(env); // an idle mixer does not keep Node alive
    watcher_config w{};
    w.results = &stream_->state.results;
    w.events = &stream_->state.xrun_count;
    w.frame = &stream_->state.frame;
    w.sample_rate = stream_->sample_rate > 0 ? stream_->sample_rate : c.sample_rate;
    w.notify = NotifyFromWatcher;
    w.alive = [](void *self) { return rtm_stream_host_alive(static_cast<NativeMixer *>(self)->stream_); };
    w.ctx = this;
    w.tick_ms = kWatcherTickMilliseconds;
    // Several periods, for hosts whose blocks are long (a period of 1 s at 8 kHz).
    double period_ms = 1000.0 * (c.block_size ? (double)c.block_size / w.sample_rate
                                              : std::max(stream_->input_latency, stream_->output_latency));
    w.stall_ms = std::max(kStallMilliseconds, (unsigned)(4 * period_ms));
    w.start_grace_ms = std::max(kStartGraceMilliseconds, 2 * w.stall_ms);
    watcher_start(&watcher_, &w);
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
    open_ = true;
}

NativeMixer::~NativeMixer() {
    if (open_) {
        napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
        Shutdown();
    }
    watcher_destroy(&watcher_);
    if (abandoned_) return; // the host may still use the stream and its actions: leaked on purpose
    // Actions left after shutdown were returned by the drain; free what remains.
    for (auto &entry : in_flight_) FreeAction(entry.second.action, entry.second.sound);
    in_flight_.clear();
    if (stream_) rtm_stream_free_state(stream_);
    rtm_rt_free(stream_);
}

void NativeMixer::NotifyFromWatcher(void *self) {
    static_cast<NativeMixer *>(self)->tsfn_.NonBlockingCall();
}

void NativeMixer::OnEnvCleanup(void *self) {
    // Node is exiting: stop the callback and join the watcher before memory goes away.
    static_cast<NativeMixer *>(self)->Shutdown();
}

// Stops the watcher, then the stream: closed (the callback never runs again,
// its actions are drained as closed) or, if its host has gone or will not
// stop, abandoned with everything the callback may reach.
void NativeMixer::Shutdown() {
    if (!open_) return;
    open_ = false;
    watcher_stop(&watcher_); // before PortAudio's stream goes: the watcher asks it whether it runs
    if (loss_ == WATCHER_RUNNING) loss_ = watcher_lost(&watcher_);
    rtm_end_result ended;
    {
        std::lock_guard<std::mutex> one_at_a_time(g_stream_calls); // returns within kCloseTimeoutMilliseconds
        ended = rtm_stream_end(stream_, loss_ != WATCHER_RUNNING, kCloseTimeoutMilliseconds);
    }
    if (ended == RTM_ENDED_CLOSED)
        rtm_state_drain_closed(&stream_->state);
    else
        AbandonInFlight();
    tsfn_.Release();
}

// The callback may still hold these actions and their rings: keep them (and
// the rings' JavaScript objects) alive for ever, out of the live counts.
void NativeMixer::AbandonInFlight() {
    abandoned_ = true;
    auto *kept = new std::vector<InFlight>();
    for (auto &entry : in_flight_) {
        g_live_actions -= 1;
        g_live_bytes -= (int64_t)ActionBytes(entry.second.action, entry.second.sound);
        if (entry.second.sound) entry.second.sound->Abandon();
        kept->push_back(std::move(entry.second));
    }
    in_flight_.clear();
    ends_.clear();
}

uint64_t NativeMixer::EarliestEnd() const {
    return ends_.empty() ? WATCHER_NO_DEADLINE : ends_.begin()->first;
}

// submit(descriptor): checks every field itself (see action_descriptor.h),
// allocates everything the action needs here on the JavaScript thread, and
// refuses with an Error (coded ERR_RTMIXER_TOO_LARGE / _NO_MEMORY /
// _RING_BUSY where TypeScript has a class for it) rather than hand the
// callback anything it could overrun.
Napi::Value NativeMixer::Submit(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!open_) {
        Napi::Error::New(env, "the mixer is closed").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    rtm_action *a = rtm_action_alloc();
    if (!a) {
        ThrowCoded(env, RTM_ERR_NO_MEMORY, "Out of memory for an action");
        return env.Undefined();
    }
    DescriptorExtras x;
    StreamChannels channels{stream_->state.input_channels, stream_->state.output_channels};
    DescriptorError bad = ReadDescriptor(env, info[0], channels, a, &x);
    if (bad.message.empty() && in_flight_.count(a->id))
        bad.message = "id " + std::to_string(a->id) + " is already in flight";
    if (!bad.message.empty()) {
        rtm_action_free(a);
        if (env.IsExceptionPending()) return env.Undefined(); // a getter threw: let that through
        if (bad.code) ThrowCoded(env, bad.code, bad.message);
        else Napi::Error::New(env, bad.message).ThrowAsJavaScriptException();
        return env.Undefined();
    }
    // A loaded sound is read in place: checked and copied once, at load.
    if (x.sound) a->buffer = x.sound->samples;
    if (x.buffer_floats) {
        // One spare float: never a zero-byte allocation. Sizes fit: the reader
        // bounded them to rtm_limits::kMaxBufferBytes or a live typed array.
        const size_t bytes = (size_t)((x.buffer_floats + 1) * sizeof(float));
        // A recording is written by the callback: resident, fork-proof memory
        // (rt_memory.h). A sound to play is only read: the heap will do.
        a->buffer = static_cast<float *>(a->type == RTM_RECORD_BUFFER ? rtm_rt_alloc(bytes) : malloc(bytes));
        if (!a->buffer) {
            rtm_action_free(a);
            ThrowCoded(env, RTM_ERR_NO_MEMORY,
                       "Out of memory for a " + std::to_string(bytes >> 20) + " MiB " +
                           (x.samples.IsEmpty() ? "recording buffer" : "copy of the samples"));
            return env.Undefined();
        }
        // Copied: the callback must never read memory JavaScript can free,
        // detach or transfer while the sound plays.
        if (!x.samples.IsEmpty()) memcpy(a->buffer, x.samples.Data(), x.buffer_floats * sizeof(float));
    }
    if (a->type == RTM_FETCH_STATS) {
        a->stats_out = static_cast<rtm_stats *>(calloc(1, sizeof(rtm_stats)));
        if (!a->stats_out) {
            rtm_action_free(a);
            ThrowCoded(env, RTM_ERR_NO_MEMORY, "Out of memory for a stats snapshot");
            return env.Undefined();
        }
        rtm_prefault(a->stats_out, sizeof(rtm_stats)); // calloc may hand out pages never touched
    }
    InFlight entry{a, Napi::ObjectReference(), WATCHER_NO_DEADLINE, nullptr, x.sound};
    if (x.ring) {
        auto end = a->type == RTM_PLAY_RINGBUFFER ? NativeRingBuffer::CallbackEnd::Reads
                                                  : NativeRingBuffer::CallbackEnd::Writes;
        if (!x.ring->Claim(end)) {
            rtm_action_free(a);
            ThrowCoded(env, RTM_ERR_RING_BUSY,
                       "This ring buffer is already used by another action: one ring feeds one action at a time");
            return env.Undefined();
        }
        entry.ring = Napi::Persistent(x.ring_object);
        entry.ring_wrap = x.ring;
    }

    g_live_actions += 1;
    g_live_bytes += (int64_t)ActionBytes(a, x.sound);
    if (x.sound) x.sound->Ref(); // dropped when the callback has handed the action back
    if (!spsc_queue_push(&stream_->state.actions, a)) {
        if (entry.ring_wrap) entry.ring_wrap->Release();
        FreeAction(a, x.sound);
        Napi::Error::New(env, "the action queue is full").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    entry.end_frame = EstimatedEndFrame(a, atomic_load(&stream_->state.frame));
    ends_.emplace(entry.end_frame, a->id);
    watcher_submitted(&watcher_, 1, entry.end_frame);
    in_flight_.emplace(a->id, std::move(entry));
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
        if (a->type == RTM_RECORD_BUFFER) RecordingToResult(env, a, r);
        if (a->stats_out && a->outcome == RTM_FINISHED) r.Set("stats", StatsToObject(env, *a->stats_out));
        out.Set(n++, r);
        auto it = in_flight_.find(a->id);
        SharedSamples *sound = nullptr;
        if (it != in_flight_.end()) {
            ends_.erase({it->second.end_frame, a->id});
            if (it->second.ring_wrap) it->second.ring_wrap->Release(); // JavaScript owns both ends again
            sound = it->second.sound;
            in_flight_.erase(it); // drops the ring buffer reference
        }
        FreeAction(a, sound); // and the sound's reference: the callback is done with it
    }
    if (open_) watcher_collected(&watcher_, n, EarliestEnd());
    if (in_flight_.empty() && referenced_ && open_) {
        tsfn_.Unref(env);
        referenced_ = false;
    }
    return out;
}

Napi::Value NativeMixer::Collect(const Napi::CallbackInfo &info) {
    if (!stream_ || abandoned_) return Napi::Array::New(info.Env());
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
// An abandoned stream returns none: JavaScript settles them as closed.
Napi::Value NativeMixer::Close(const Napi::CallbackInfo &info) {
    if (!stream_) return Napi::Array::New(info.Env());
    if (open_) {
        napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
        Shutdown();
    }
    if (abandoned_) {
        stream_ = nullptr; // leaked on purpose, see Shutdown
        return Napi::Array::New(info.Env());
    }
    Napi::Array results = CollectResults(info.Env());
    rtm_stream_free_state(stream_);
    rtm_rt_free(stream_);
    stream_ = nullptr;
    return results;
}

// Why the stream died ('host' or 'stalled'), or null while it runs.
Napi::Value NativeMixer::Lost(const Napi::CallbackInfo &info) {
    watcher_loss loss = loss_ != WATCHER_RUNNING ? loss_ : watcher_lost(&watcher_);
    if (loss == WATCHER_HOST_STOPPED) return Napi::String::New(info.Env(), "host");
    if (loss == WATCHER_CLOCK_STALLED) return Napi::String::New(info.Env(), "stalled");
    return info.Env().Null();
}

#ifdef RTMIXER_DEV
// Development addon only (binding.gyp target rtmixer_dev).
Napi::Value NativeMixer::SetTestHook(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    const char *allowed = getenv("RTMIXER_ENABLE_TEST_HOOKS");
    rtm_block_hook hook = nullptr;
    std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string("?");
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

// { frame, frames, timeNs }: the latest block's first frame, its length, and
// when its callback began on CLOCK_MONOTONIC (process.hrtime's clock); null
// before the first block.
Napi::Value NativeMixer::Clock(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    int64_t frame;
    uint32_t frames;
    uint64_t ns;
    if (!stream_ || !rtm_clock_read(&stream_->state, &frame, &frames, &ns)) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    o.Set("frame", Napi::Number::New(env, (double)frame));
    o.Set("frames", Napi::Number::New(env, frames));
    o.Set("timeNs", Napi::BigInt::New(env, ns));
    return o;
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
    if (!info[0].IsNumber() || !(info[0].As<Napi::Number>().DoubleValue() >= 0)) {
        Napi::TypeError::New(env, "xruns(since) needs a number >= 0").ThrowAsJavaScriptException();
        return env.Undefined();
    }
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
