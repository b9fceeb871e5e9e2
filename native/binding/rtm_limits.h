// The sizes and ranges the binding accepts, exported to TypeScript as
// `limits` so both layers check the same numbers (README: "Limits").
#pragma once
#include <cstdint>

#include "rtm_contract.h"

namespace rtm_limits {
// One record() buffer or one RingBuffer's samples. The sizes are computed in
// 64 bits and checked against this before any allocation, so nothing wraps
// where size_t has 32 bits; 2 GiB still fits a 32-bit size_t.
constexpr uint64_t kMaxBufferBytes = uint64_t(1) << 31;
// Frames of a RingBuffer before rounding up to a power of two.
constexpr uint64_t kMaxRingFrames = uint64_t(1) << 26;
// Linear gain of play(), setGain() and playRingbuffer() (+40 dB).
constexpr double kMaxGain = 100;
// Fade, cancel-fade and ramp lengths in frames (the core's own bound).
constexpr uint64_t kMaxShapeFrames = RTM_MAX_SHAPE_FRAMES;
// Loop passes of play({ loop: n }).
constexpr uint64_t kMaxLoops = uint64_t(1) << 31;
// Ids, frames and start times are JavaScript numbers: integers up to 2^53.
constexpr double kMaxSafeInteger = 9007199254740991.0;
} // namespace rtm_limits
