// JavaScript face of ringbuffer.c: RingBuffer objects own the native ring.
// No process-wide state: objects are recognised by a type tag, so the addon
// works in several worker threads at once.
#pragma once
#include <napi.h>

#include "ringbuffer.h"

class NativeRingBuffer : public Napi::ObjectWrap<NativeRingBuffer> {
  public:
    // Which end of the ring the audio callback owns while an action uses it.
    enum class CallbackEnd { None, Reads, Writes };

    static Napi::Function Define(Napi::Env env);
    explicit NativeRingBuffer(const Napi::CallbackInfo &info);
    ~NativeRingBuffer() override;
    ringbuffer *ring() const { return ring_; }
    // The ring behind a JavaScript value, or nullptr if it is not one of ours.
    static NativeRingBuffer *FromValue(Napi::Value value);
    // While an action is in flight the callback is one end: JavaScript may use
    // only the other, and no second action may take the ring.
    bool Claim(CallbackEnd end);
    void Release() { callback_end_ = CallbackEnd::None; }

  private:
    Napi::Value Write(const Napi::CallbackInfo &info);
    Napi::Value Read(const Napi::CallbackInfo &info);
    Napi::Value ReadAvailable(const Napi::CallbackInfo &info);
    Napi::Value WriteAvailable(const Napi::CallbackInfo &info);
    Napi::Value Capacity(const Napi::CallbackInfo &info);
    Napi::Value Channels(const Napi::CallbackInfo &info);
    Napi::Value End(const Napi::CallbackInfo &info);
    Napi::Value Ended(const Napi::CallbackInfo &info);
    Napi::Value InUse(const Napi::CallbackInfo &info);
    ringbuffer *ring_ = nullptr;
    CallbackEnd callback_end_ = CallbackEnd::None;
};
