// Reads the descriptor JavaScript hands to NativeMixer.submit() into an
// rtm_action, checking every fact the audio callback relies on: the binding
// never trusts the TypeScript layer, so a direct call with any value cannot
// make the callback read or write outside its buffers.
#pragma once
#include <napi.h>

#include <string>

#include "mixer_core.h"

class NativeRingBuffer;
struct SharedSamples;

struct StreamChannels {
    unsigned input;
    unsigned output;
};

// What the descriptor names besides plain fields; Submit allocates from it.
struct DescriptorExtras {
    Napi::Float32Array samples;        // PLAY_BUFFER: copied into the action
    SharedSamples *sound = nullptr;    // PLAY_BUFFER of a loaded sound: read in place, no copy
    uint64_t buffer_floats = 0;        // PLAY/RECORD_BUFFER: floats to allocate
    NativeRingBuffer *ring = nullptr;  // PLAY/RECORD_RINGBUFFER
    Napi::Object ring_object;
};

struct DescriptorError {
    const char *code = nullptr; // nullptr: a plain Error (TypeScript wraps it)
    std::string message;        // empty: the descriptor is good
};

// Fills `a` (zeroed by the caller). A getter that throws leaves its exception
// pending and returns a non-empty error: the caller must not throw another.
DescriptorError ReadDescriptor(Napi::Env env, Napi::Value value, StreamChannels stream, rtm_action *a,
                               DescriptorExtras *extras);
