#include "napi_ringbuffer.h"

Napi::FunctionReference *NativeRingBuffer::constructor_ = nullptr;

Napi::Function NativeRingBuffer::Define(Napi::Env env) {
    Napi::Function f = DefineClass(
        env, "NativeRingBuffer",
        {InstanceMethod("write", &NativeRingBuffer::Write),
         InstanceMethod("read", &NativeRingBuffer::Read),
         InstanceMethod("end", &NativeRingBuffer::End),
         InstanceAccessor("readAvailable", &NativeRingBuffer::ReadAvailable, nullptr),
         InstanceAccessor("writeAvailable", &NativeRingBuffer::WriteAvailable, nullptr),
         InstanceAccessor("capacity", &NativeRingBuffer::Capacity, nullptr),
         InstanceAccessor("channels", &NativeRingBuffer::Channels, nullptr),
         InstanceAccessor("ended", &NativeRingBuffer::Ended, nullptr)});
    constructor_ = new Napi::FunctionReference(Napi::Persistent(f));
    return f;
}

NativeRingBuffer *NativeRingBuffer::Unwrap(Napi::Value value) {
    if (!value.IsObject() || !constructor_) return nullptr;
    Napi::Object obj = value.As<Napi::Object>();
    if (!obj.InstanceOf(constructor_->Value())) return nullptr;
    return Napi::ObjectWrap<NativeRingBuffer>::Unwrap(obj);
}

// Arguments are validated by the TypeScript layer; these checks only keep a
// bad direct call from crashing the process.
NativeRingBuffer::NativeRingBuffer(const Napi::CallbackInfo &info)
    : Napi::ObjectWrap<NativeRingBuffer>(info) {
    uint32_t frames = info[0].As<Napi::Number>().Uint32Value();
    uint32_t channels = info[1].As<Napi::Number>().Uint32Value();
    if (frames == 0 || channels == 0) {
        Napi::RangeError::New(info.Env(), "frames and channels must be positive").ThrowAsJavaScriptException();
        return;
    }
    ring_ = ringbuffer_create(frames, channels);
    if (!ring_) Napi::Error::New(info.Env(), "out of memory for the ring buffer").ThrowAsJavaScriptException();
}

NativeRingBuffer::~NativeRingBuffer() { ringbuffer_destroy(ring_); }

Napi::Value NativeRingBuffer::Write(const Napi::CallbackInfo &info) {
    Napi::Float32Array samples = info[0].As<Napi::Float32Array>();
    size_t frames = samples.ElementLength() / ring_->channels;
    return Napi::Number::New(info.Env(), (double)ringbuffer_write(ring_, samples.Data(), frames));
}

Napi::Value NativeRingBuffer::Read(const Napi::CallbackInfo &info) {
    size_t frames = ringbuffer_read_available(ring_);
    if (info.Length() > 0 && info[0].IsNumber()) {
        size_t wanted = info[0].As<Napi::Number>().Uint32Value();
        if (wanted < frames) frames = wanted;
    }
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), frames * ring_->channels);
    ringbuffer_read(ring_, out.Data(), frames);
    return out;
}

Napi::Value NativeRingBuffer::ReadAvailable(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), (double)ringbuffer_read_available(ring_));
}
Napi::Value NativeRingBuffer::WriteAvailable(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), (double)ringbuffer_write_available(ring_));
}
Napi::Value NativeRingBuffer::Capacity(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), (double)ring_->capacity);
}
Napi::Value NativeRingBuffer::Channels(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), ring_->channels);
}
Napi::Value NativeRingBuffer::End(const Napi::CallbackInfo &info) {
    atomic_store_explicit(&ring_->ended, 1, memory_order_release);
    return info.Env().Undefined();
}
Napi::Value NativeRingBuffer::Ended(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), atomic_load(&ring_->ended) != 0);
}
