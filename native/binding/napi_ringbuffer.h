// JavaScript face of ringbuffer.c: RingBuffer objects own the native ring.
#pragma once
#include <napi.h>

#include "ringbuffer.h"

class NativeRingBuffer : public Napi::ObjectWrap<NativeRingBuffer> {
  public:
    static Napi::Function Define(Napi::Env env);
    explicit NativeRingBuffer(const Napi::CallbackInfo &info);
    ~NativeRingBuffer() override;
    ringbuffer *ring() const { return ring_; }
    static NativeRingBuffer *Unwrap(Napi::Value value);

  private:
    Napi::Value Write(const Napi::CallbackInfo &info);
    Napi::Value Read(const Napi::CallbackInfo &info);
    Napi::Value ReadAvailable(const Napi::CallbackInfo &info);
    Napi::Value WriteAvailable(const Napi::CallbackInfo &info);
    Napi::Value Capacity(const Napi::CallbackInfo &info);
    Napi::Value Channels(const Napi::CallbackInfo &info);
    Napi::Value End(const Napi::CallbackInfo &info);
    Napi::Value Ended(const Napi::CallbackInfo &info);
    ringbuffer *ring_ = nullptr;
    static Napi::FunctionReference *constructor_;
};
