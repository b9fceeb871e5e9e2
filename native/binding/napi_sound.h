// Shared sounds: samples copied and checked once into immutable native memory
// that any number of play actions read at once, on any mixer. The memory is
// reference counted on the JavaScript thread only (the audio callback never
// touches a count): the Sound object holds one reference until release() or
// its finalizer, each in-flight action one until the callback has handed it
// back through the result queue.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

struct SharedSamples {
    float *samples = nullptr; // interleaved, `channels` wide; never written after load
    uint64_t frames = 0;
    unsigned channels = 0;
    size_t bytes = 0;
    uint32_t refs = 0;
    bool counted = true; // in nativeMemory(); false once an abandoned stream keeps it for ever

    void Ref() { refs++; }
    // Frees the samples with the last reference.
    void Unref();
    // An abandoned stream may read it for ever: keep it, out of the live count.
    void Abandon();
};

// Bytes and count of shared sounds alive (released or not), over all threads.
int64_t SharedSoundBytes();

class NativeSound : public Napi::ObjectWrap<NativeSound> {
  public:
    static Napi::Function Define(Napi::Env env);
    // new NativeSound(samples: Float32Array, channels: number)
    explicit NativeSound(const Napi::CallbackInfo &info);
    ~NativeSound() override; // the finalizer: drops the object's reference if release() was not called
    // The sound behind a JavaScript value, or nullptr if it is not one of ours.
    static NativeSound *FromValue(Napi::Value value);
    // nullptr once released.
    SharedSamples *shared() const { return shared_; }

  private:
    Napi::Value Release(const Napi::CallbackInfo &info);
    Napi::Value Frames(const Napi::CallbackInfo &info);
    Napi::Value Channels(const Napi::CallbackInfo &info);
    Napi::Value ByteLength(const Napi::CallbackInfo &info);
    Napi::Value Released(const Napi::CallbackInfo &info);
    SharedSamples *shared_ = nullptr;
    uint64_t frames_ = 0;
    unsigned channels_ = 0;
    size_t bytes_ = 0;
};
