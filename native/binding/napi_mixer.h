// JavaScript face of one mixer stream: submits actions, collects results, and
// keeps every in-flight action's memory alive until the callback returns it.
#pragma once
#include <napi.h>

#include <set>
#include <unordered_map>
#include <utility>

#include "mixer_stream.h"
#include "result_watcher.h"

class NativeRingBuffer;
struct SharedSamples;

// { actions, bytes } of native memory held by in-flight actions, all mixers.
Napi::Value NativeMemory(const Napi::CallbackInfo &info);
// Bytes of finished recordings handed to JavaScript without a copy and not yet
// collected (their Float32Arrays' memory is the native buffer).
Napi::Value RecordingBytes(const Napi::CallbackInfo &info);

class NativeMixer : public Napi::ObjectWrap<NativeMixer> {
  public:
    static Napi::Function Define(Napi::Env env);
    explicit NativeMixer(const Napi::CallbackInfo &info);
    ~NativeMixer() override;

  private:
    struct InFlight {
        rtm_action *action;
        Napi::ObjectReference ring; // keeps a ring buffer alive while the callback uses it
        uint64_t end_frame;         // expected end, for the watcher's sleep
        NativeRingBuffer *ring_wrap; // released (both ends back to JavaScript) when the action returns
        SharedSamples *sound;        // the loaded sound it plays (one reference), or nullptr
    };
    Napi::Value Submit(const Napi::CallbackInfo &info);
    Napi::Value Collect(const Napi::CallbackInfo &info);
    Napi::Value Live(const Napi::CallbackInfo &info);
    Napi::Value Close(const Napi::CallbackInfo &info);
    Napi::Value SetTestHook(const Napi::CallbackInfo &info);
    Napi::Value Frame(const Napi::CallbackInfo &info);
    Napi::Value Clock(const Napi::CallbackInfo &info);
    Napi::Value Info(const Napi::CallbackInfo &info);
    Napi::Value Xruns(const Napi::CallbackInfo &info);
    Napi::Value Lost(const Napi::CallbackInfo &info);

    Napi::Array CollectResults(Napi::Env env);
    void Shutdown();
    void AbandonInFlight();
    uint64_t EarliestEnd() const;
    static void OnEnvCleanup(void *self);
    static void NotifyFromWatcher(void *self);

    rtm_stream *stream_ = nullptr;
    result_watcher watcher_{};
    Napi::ThreadSafeFunction tsfn_;
    std::unordered_map<uint64_t, InFlight> in_flight_;
    std::set<std::pair<uint64_t, uint64_t>> ends_; // (expected end frame, id) of in_flight_
    watcher_loss loss_ = WATCHER_RUNNING;           // why the stream died, once it did
    bool abandoned_ = false;                        // the stream was left open: never free it
    bool open_ = false;
    bool referenced_ = false;
    napi_env env_ = nullptr;
};
