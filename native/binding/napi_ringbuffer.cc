#include "napi_ringbuffer.h"

#include <cmath>
#include <string>

#include "coded_error.h"
#include "rtm_limits.h"

namespace {

// Marks objects made by this class in any environment (main thread or worker).
constexpr napi_type_tag kRingTag = {0x7274'6d69'7865'7200ull, 0x7269'6e67'6275'6601ull};

bool IntegerIn(Napi::Value v, double min, double max, double *out) {
    if (!v.IsNumber()) return false;
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= min && d <= max) || std::floor(d) != d) return false;
    *out = d;
    return true;
}

const char *EndName(NativeRingBuffer::CallbackEnd end) {
    return end == NativeRingBuffer::CallbackEnd::Reads ? "plays from it (playRingbuffer)"
                                                       : "records into it (recordRingbuffer)";
}

} // namespace

Napi::Function NativeRingBuffer::Define(Napi::Env env) {
    return DefineClass(env, "NativeRingBuffer",
                       {InstanceMethod("write", &NativeRingBuffer::Write),
                        InstanceMethod("read", &NativeRingBuffer::Read),
                        InstanceMethod("end", &NativeRingBuffer::End),
                        InstanceAccessor("readAvailable", &NativeRingBuffer::ReadAvailable, nullptr),
                        InstanceAccessor("writeAvailable", &NativeRingBuffer::WriteAvailable, nullptr),
                        InstanceAccessor("capacity", &NativeRingBuffer::Capacity, nullptr),
                        InstanceAccessor("channels", &NativeRingBuffer::Channels, nullptr),
                        InstanceAccessor("ended", &NativeRingBuffer::Ended, nullptr),
                        InstanceAccessor("inUse", &NativeRingBuffer::InUse, nullptr)});
}

NativeRingBuffer *NativeRingBuffer::FromValue(Napi::Value value) {
    if (value.IsEmpty() || !value.IsObject()) return nullptr;
    Napi::Object obj = value.As<Napi::Object>();
    if (!obj.CheckTypeTag(&kRingTag)) return nullptr;
    NativeRingBuffer *rb = Napi::ObjectWrap<NativeRingBuffer>::Unwrap(obj);
    return rb && rb->ring_ ? rb : nullptr;
}

bool NativeRingBuffer::Claim(CallbackEnd end) {
    if (callback_end_ != CallbackEnd::None) return false;
    callback_end_ = end;
    return true;
}

// The TypeScript layer validates first; these checks make a direct call safe.
NativeRingBuffer::NativeRingBuffer(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NativeRingBuffer>(info) {
    Napi::Env env = info.Env();
    double frames = 0, channels = 0;
    if (!IntegerIn(info[0], 1, (double)rtm_limits::kMaxRingFrames, &frames) || !IntegerIn(info[1], 1, 64, &channels)) {
        Napi::RangeError::New(env, "a ring buffer needs 1 to 2^26 frames and 1 to 64 channels").ThrowAsJavaScriptException();
        return;
    }
    uint64_t capacity = 1;
    while (capacity < (uint64_t)frames) capacity <<= 1;
    uint64_t bytes = capacity * (uint64_t)channels * sizeof(float);
    if (bytes > rtm_limits::kMaxBufferBytes) {
        ThrowCoded(env, RTM_ERR_TOO_LARGE,
                   "A ring buffer of " + std::to_string(capacity) + " frames x " + std::to_string((unsigned)channels) +
                       " channels needs " + std::to_string(bytes >> 20) + " MiB; a ring buffer holds at most 2 GiB of samples");
        return;
    }
    ring_ = ringbuffer_create((size_t)frames, (unsigned)channels);
    if (!ring_) {
        ThrowCoded(env, RTM_ERR_NO_MEMORY,
                   "Out of memory for a ring buffer of " + std::to_string(bytes >> 20) + " MiB");
        return;
    }
    info.This().As<Napi::Object>().TypeTag(&kRingTag);
}

NativeRingBuffer::~NativeRingBuffer() { ringbuffer_destroy(ring_); }

Napi::Value NativeRingBuffer::Write(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (callback_end_ == CallbackEnd::Writes) {
        ThrowCoded(env, RTM_ERR_RING_BUSY,
                   std::string("Cannot write: the audio callback ") + EndName(callback_end_) + " and is its only writer");
        return env.Undefined();
    }
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        Napi::TypeError::New(env, "write() needs a Float32Array").ThrowAsJavaScriptException();
        return env.Undefined();
    }
    Napi::Float32Array samples = info[0].As<Napi::Float32Array>();
    size_t frames = samples.ElementLength() / ring_->channels;
    return Napi::Number::New(env, (double)ringbuffer_write(ring_, samples.Data(), frames));
}

Napi::Value NativeRingBuffer::Read(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (callback_end_ == CallbackEnd::Reads) {
        ThrowCoded(env, RTM_ERR_RING_BUSY,
                   std::string("Cannot read: the audio callback ") + EndName(callback_end_) + " and is its only reader");
        return env.Undefined();
    }
    size_t frames = ringbuffer_read_available(ring_);
    if (info.Length() > 0 && info[0].IsNumber()) {
        double wanted = info[0].As<Napi::Number>().DoubleValue();
        if (wanted >= 0 && wanted < (double)frames) frames = (size_t)wanted;
    }
    Napi::Float32Array out = Napi::Float32Array::New(env, frames * ring_->channels);
    if (env.IsExceptionPending() || out.IsEmpty()) {
        ReplacePendingWithNoMemory(env, "the samples read from a ring buffer");
        return env.Undefined();
    }
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
// '' when free, else 'play' or 'record': which action holds the ring.
Napi::Value NativeRingBuffer::InUse(const Napi::CallbackInfo &info) {
    const char *what = callback_end_ == CallbackEnd::Reads ? "play" : callback_end_ == CallbackEnd::Writes ? "record" : "";
    return Napi::String::New(info.Env(), what);
}
