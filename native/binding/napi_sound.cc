#include "napi_sound.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "coded_error.h"
#include "prefault.h"
#include "rtm_contract.h"
#include "rtm_limits.h"

namespace {

// Marks objects made by this class in any environment (main thread or worker).
constexpr napi_type_tag kSoundTag = {0x7274'6d69'7865'7200ull, 0x736f'756e'6400'0001ull};

std::atomic<int64_t> g_sound_bytes{0};

// Index of the first NaN or ±Infinity, or -1. The first pass is branch-free
// (vectorisable): the largest exponent field tells whether any sample has the
// all-ones exponent of a non-finite float; only then is the index searched.
int64_t FirstNonFinite(const float *s, size_t n) {
    uint32_t widest = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &s[i], sizeof bits);
        bits &= 0x7f800000u;
        widest = bits > widest ? bits : widest;
    }
    if (widest != 0x7f800000u) return -1;
    for (size_t i = 0; i < n; i++)
        if (!std::isfinite(s[i])) return (int64_t)i;
    return -1;
}

// Memory for the samples (freed with free()). On Linux a large sound is
// aligned to and advised into 2 MiB pages where transparent huge pages are
// on "madvise": loading 12 s of stereo then maps 3 pages instead of 1125, and
// the callback's reads of many voices miss the TLB less.
float *AllocateSamples(size_t bytes) {
#ifdef __linux__
    constexpr size_t kHuge = size_t(2) << 20;
    if (bytes >= kHuge) {
        void *p = nullptr;
        if (posix_memalign(&p, kHuge, bytes) != 0) return nullptr;
        madvise(p, bytes, MADV_HUGEPAGE);
        return static_cast<float *>(p);
    }
#endif
    return static_cast<float *>(malloc(bytes));
}

} // namespace

void SharedSamples::Unref() {
    if (--refs > 0) return;
    if (counted) g_sound_bytes -= (int64_t)bytes;
    free(samples);
    delete this;
}

void SharedSamples::Abandon() {
    if (!counted) return;
    counted = false;
    g_sound_bytes -= (int64_t)bytes;
    // Never freed: the abandoned actions' references are never dropped.
}

int64_t SharedSoundBytes() { return g_sound_bytes.load(); }

Napi::Function NativeSound::Define(Napi::Env env) {
    return DefineClass(env, "NativeSound",
                       {InstanceMethod("release", &NativeSound::Release),
                        InstanceAccessor("frames", &NativeSound::Frames, nullptr),
                        InstanceAccessor("channels", &NativeSound::Channels, nullptr),
                        InstanceAccessor("byteLength", &NativeSound::ByteLength, nullptr),
                        InstanceAccessor("released", &NativeSound::Released, nullptr)});
}

// The TypeScript layer checks first (with its own messages); these checks make
// a direct call safe and are the same.
NativeSound::NativeSound(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NativeSound>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        Napi::TypeError::New(env, "new NativeSound(samples, channels) needs a Float32Array").ThrowAsJavaScriptException();
        return;
    }
    double channels = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : NAN;
    if (!(channels >= 1 && channels <= RTM_MAX_CHANNELS) || std::floor(channels) != channels) {
        Napi::RangeError::New(env, "a sound has 1 to 64 channels").ThrowAsJavaScriptException();
        return;
    }
    Napi::Float32Array in = info[0].As<Napi::Float32Array>();
    const size_t length = in.ElementLength();
    if (length == 0 || length % (size_t)channels != 0) {
        Napi::RangeError::New(env, "a sound needs a whole, non-zero number of frames").ThrowAsJavaScriptException();
        return;
    }
    const uint64_t bytes = (uint64_t)length * sizeof(float);
    if (bytes > rtm_limits::kMaxBufferBytes) {
        ThrowCoded(env, RTM_ERR_TOO_LARGE,
                   "A sound of " + std::to_string(bytes >> 20) + " MiB is too large: one sound holds at most 2 GiB of samples");
        return;
    }
    const int64_t bad = FirstNonFinite(in.Data(), length);
    if (bad >= 0) {
        const float v = in.Data()[bad];
        const char *name = std::isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"; // as JavaScript prints them
        Napi::RangeError::New(env, std::string("samples contains a non-finite sample (") + name + ") at index " +
                                       std::to_string(bad) + ": every sample must be a finite number")
            .ThrowAsJavaScriptException();
        return;
    }
    auto *shared = new (std::nothrow) SharedSamples();
    float *copy = AllocateSamples((size_t)bytes);
    if (!shared || !copy) {
        delete shared;
        free(copy);
        ThrowCoded(env, RTM_ERR_NO_MEMORY, "Out of memory for a sound of " + std::to_string(bytes >> 20) + " MiB");
        return;
    }
    // Copied (which also touches every page here, not in the callback): the
    // callback must never read memory JavaScript can change, free or detach.
    // Populating the pages in one call first is several times faster than a
    // fault per page where first touches are slow (virtual machines).
    rtm_prefault(copy, (size_t)bytes);
    memcpy(copy, in.Data(), (size_t)bytes);
    shared->samples = copy;
    shared->channels = (unsigned)channels;
    shared->frames = length / (size_t)channels;
    shared->bytes = (size_t)bytes;
    shared->refs = 1; // this object's
    g_sound_bytes += (int64_t)bytes;
    shared_ = shared;
    frames_ = shared->frames;
    channels_ = shared->channels;
    bytes_ = shared->bytes;
    info.This().As<Napi::Object>().TypeTag(&kSoundTag);
}

NativeSound::~NativeSound() {
    if (shared_) shared_->Unref();
}

NativeSound *NativeSound::FromValue(Napi::Value value) {
    if (value.IsEmpty() || !value.IsObject()) return nullptr;
    Napi::Object obj = value.As<Napi::Object>();
    if (!obj.CheckTypeTag(&kSoundTag)) return nullptr;
    return Napi::ObjectWrap<NativeSound>::Unwrap(obj);
}

// Idempotent: the memory goes with the last action that plays it.
Napi::Value NativeSound::Release(const Napi::CallbackInfo &info) {
    if (shared_) {
        SharedSamples *s = shared_;
        shared_ = nullptr;
        s->Unref();
    }
    return info.Env().Undefined();
}

Napi::Value NativeSound::Frames(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), (double)frames_); }
Napi::Value NativeSound::Channels(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), channels_); }
Napi::Value NativeSound::ByteLength(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), (double)bytes_); }
Napi::Value NativeSound::Released(const Napi::CallbackInfo &info) { return Napi::Boolean::New(info.Env(), shared_ == nullptr); }
