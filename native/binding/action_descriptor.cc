#include "action_descriptor.h"

#include <cmath>
#include <string>

#include "coded_error.h"
#include "rtm_limits.h"
#include "napi_ringbuffer.h"
#include "napi_sound.h"

namespace {

using rtm_limits::kMaxSafeInteger;

// Field access that stops at the first problem, whatever the object is
// (a Proxy, a getter that throws, a hole in an array).
class Reader {
  public:
    Reader(Napi::Env env, Napi::Object obj) : env_(env), obj_(obj) {}
    DescriptorError error;
    bool ok() const { return error.message.empty(); }

    Napi::Value Get(const char *key) {
        if (!ok()) return Napi::Value();
        Napi::Value v = obj_.Get(key);
        if (env_.IsExceptionPending() || v.IsEmpty()) Fail(std::string("reading ") + key + " threw");
        return v;
    }
    // An integer in [min, max]; `fallback` when undefined (NaN: required).
    double Integer(const char *key, double min, double max, double fallback) {
        Napi::Value v = Get(key);
        if (!ok()) return fallback;
        if (v.IsUndefined() && !std::isnan(fallback)) return fallback;
        double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
        if (!(d >= min && d <= max) || std::floor(d) != d)
            Fail(std::string(key) + " must be an integer from " + Num(min) + " to " + Num(max));
        return ok() ? d : fallback;
    }
    double Finite(const char *key, double min, double max, double fallback) {
        Napi::Value v = Get(key);
        if (!ok() || v.IsUndefined()) return fallback;
        double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
        if (!(d >= min && d <= max)) Fail(std::string(key) + " must be a number from " + Num(min) + " to " + Num(max));
        return ok() ? d : fallback;
    }
    bool Boolean(const char *key, bool fallback) {
        Napi::Value v = Get(key);
        if (!ok() || v.IsUndefined()) return fallback;
        if (!v.IsBoolean()) Fail(std::string(key) + " must be a boolean");
        return ok() ? v.As<Napi::Boolean>().Value() : fallback;
    }
    void Fail(const std::string &message, const char *code = nullptr) {
        if (!ok()) return;
        error.message = message;
        error.code = code;
    }
    Napi::Env env() const { return env_; }

  private:
    static std::string Num(double d) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.17g", d);
        return buf;
    }
    Napi::Env env_;
    Napi::Object obj_;
};

bool IsMedia(int type) { return type >= RTM_PLAY_BUFFER && type <= RTM_RECORD_RINGBUFFER; }
bool Plays(int type) { return type == RTM_PLAY_BUFFER || type == RTM_PLAY_RINGBUFFER; }

// channelMap: 1 to 64 stream channels, each below the stream's channel count.
void ReadChannelMap(Reader &r, unsigned available, rtm_action *a) {
    Napi::Value v = r.Get("channelMap");
    if (!r.ok()) return;
    if (!v.IsArray()) return r.Fail("channelMap must be an array");
    Napi::Array map = v.As<Napi::Array>();
    uint32_t n = map.Length();
    if (n < 1 || n > RTM_MAX_CHANNELS) return r.Fail("channelMap must list 1 to 64 channels");
    for (uint32_t i = 0; i < n; i++) {
        Napi::Value c = map.Get(i);
        if (r.env().IsExceptionPending() || c.IsEmpty()) return r.Fail("reading channelMap threw");
        double d = c.IsNumber() ? c.As<Napi::Number>().DoubleValue() : NAN;
        if (!(d >= 0 && d < available) || std::floor(d) != d)
            return r.Fail("channelMap[" + std::to_string(i) + "] must be a stream channel index from 0 to " +
                          std::to_string((int)available - 1) + " (the stream has " + std::to_string(available) +
                          " channels in this direction)");
        a->channel_map[i] = (uint8_t)d;
    }
    a->channels = n;
}

// A loaded sound (`sound`) is read where it lies: its channel count must be
// the channelMap's, and it must not have been released.
void ReadSound(Reader &r, Napi::Value v, rtm_action *a, DescriptorExtras *x) {
    NativeSound *sound = NativeSound::FromValue(v);
    if (!sound) return r.Fail("sound must be a NativeSound");
    if (!sound->shared()) return r.Fail("the sound was released: load it again to play it");
    if (sound->shared()->channels != a->channels)
        return r.Fail("channelMap lists " + std::to_string(a->channels) + " channels but the sound has " +
                      std::to_string(sound->shared()->channels));
    x->sound = sound->shared();
    a->total_frames = x->sound->frames;
}

void ReadPlayBuffer(Reader &r, rtm_action *a, DescriptorExtras *x) {
    Napi::Value sound = r.Get("sound");
    if (!r.ok()) return;
    if (!sound.IsUndefined()) {
        ReadSound(r, sound, a, x);
        if (!r.ok()) return;
    } else {
        Napi::Value s = r.Get("samples");
        if (!r.ok()) return;
        if (!s.IsTypedArray() || s.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
            return r.Fail("samples must be a Float32Array");
        x->samples = s.As<Napi::Float32Array>();
        size_t length = x->samples.ElementLength();
        if (length == 0 || length % a->channels != 0)
            return r.Fail("samples must hold a whole, non-zero number of channelMap-wide frames");
        a->total_frames = length / a->channels;
        x->buffer_floats = length;
    }
    const double frames = (double)a->total_frames;
    a->fade_in = (uint32_t)r.Integer("fadeIn", 0, (double)rtm_limits::kMaxShapeFrames, 0);
    a->fade_out = (uint32_t)r.Integer("fadeOut", 0, (double)rtm_limits::kMaxShapeFrames, 0);
    a->curve = r.Integer("curve", 0, 1, 0) == 1 ? RTM_CURVE_EQUAL_POWER : RTM_CURVE_LINEAR;
    a->loops = (int64_t)r.Integer("loops", -1, (double)rtm_limits::kMaxLoops, 0);
    a->loop_start = (uint64_t)r.Integer("loopStart", 0, frames - 1, 0);
    // loopEnd 0 means the end of the sound.
    double loop_end = r.Integer("loopEnd", 0, frames, 0);
    if (r.ok() && loop_end != 0 && loop_end <= (double)a->loop_start)
        return r.Fail("loopEnd must be after loopStart");
    a->loop_end = (uint64_t)loop_end;
    a->after_id = (uint64_t)r.Integer("afterId", 0, kMaxSafeInteger, 0);
    if (r.ok() && a->after_id == a->id) r.Fail("afterId must name another action");
}

void ReadRecordBuffer(Reader &r, rtm_action *a, DescriptorExtras *x) {
    double frames = r.Integer("frames", 1, kMaxSafeInteger, NAN);
    if (!r.ok()) return;
    // 64-bit arithmetic: frames <= 2^53 and channels <= 64 cannot overflow.
    uint64_t floats = (uint64_t)frames * a->channels;
    uint64_t bytes = (floats + 1) * sizeof(float);
    if (bytes > rtm_limits::kMaxBufferBytes)
        return r.Fail("A recording of " + std::to_string((uint64_t)frames) + " frames x " + std::to_string(a->channels) +
                          " channels needs " + std::to_string(bytes >> 20) +
                          " MiB; one record() buffer holds at most 2 GiB of samples: record in pieces, or stream "
                          "with recordRingbuffer() or createReadStream()",
                      RTM_ERR_TOO_LARGE);
    a->total_frames = (uint64_t)frames;
    x->buffer_floats = floats;
}

void ReadRing(Reader &r, rtm_action *a, DescriptorExtras *x) {
    Napi::Value v = r.Get("ring");
    if (!r.ok()) return;
    x->ring = NativeRingBuffer::FromValue(v);
    if (!x->ring) return r.Fail("ring must be a NativeRingBuffer");
    if (x->ring->ring()->channels != a->channels)
        return r.Fail("channelMap lists " + std::to_string(a->channels) + " channels but the ring buffer has " +
                      std::to_string(x->ring->ring()->channels));
    x->ring_object = v.As<Napi::Object>();
    a->ring = x->ring->ring();
    if (a->type == RTM_PLAY_RINGBUFFER) a->end_when_drained = r.Boolean("endWhenDrained", false);
}

} // namespace

DescriptorError ReadDescriptor(Napi::Env env, Napi::Value value, StreamChannels stream, rtm_action *a,
                               DescriptorExtras *x) {
    if (value.IsEmpty() || !value.IsObject()) return {nullptr, "submit() needs an action descriptor object"};
    Reader r(env, value.As<Napi::Object>());
    const int type = (int)r.Integer("type", RTM_PLAY_BUFFER, RTM_SET_GAIN, NAN);
    a->type = (rtm_action_type)type;
    a->id = (uint64_t)r.Integer("id", 1, kMaxSafeInteger, NAN);
    Napi::Value at = r.Get("at");
    if (r.ok() && !at.IsUndefined() && !at.IsNull()) a->start_frame = (int64_t)r.Integer("at", 0, kMaxSafeInteger, 0);
    else a->start_frame = RTM_ASAP;
    a->allow_belated = r.Boolean("allowBelated", false);
    a->gain = (float)(Plays(type) || type == RTM_SET_GAIN ? r.Finite("gain", 0, rtm_limits::kMaxGain, 1) : 1);
    if (!r.ok()) return r.error;

    if (IsMedia(type)) {
        ReadChannelMap(r, Plays(type) ? stream.output : stream.input, a);
        if (!r.ok()) return r.error;
    }
    switch (type) {
    case RTM_PLAY_BUFFER: ReadPlayBuffer(r, a, x); break;
    case RTM_RECORD_BUFFER: ReadRecordBuffer(r, a, x); break;
    case RTM_PLAY_RINGBUFFER:
    case RTM_RECORD_RINGBUFFER: ReadRing(r, a, x); break;
    case RTM_CANCEL:
        a->target_id = (uint64_t)r.Integer("targetId", 1, kMaxSafeInteger, NAN);
        a->fade_out = (uint32_t)r.Integer("fadeOut", 0, (double)rtm_limits::kMaxShapeFrames, 0);
        a->curve = r.Integer("curve", 0, 1, 0) == 1 ? RTM_CURVE_EQUAL_POWER : RTM_CURVE_LINEAR;
        break;
    case RTM_SET_GAIN:
        a->target_id = (uint64_t)r.Integer("targetId", 1, kMaxSafeInteger, NAN);
        a->ramp = (uint32_t)r.Integer("ramp", 0, (double)rtm_limits::kMaxShapeFrames, 0);
        break;
    default: break; // RTM_FETCH_STATS: no fields
    }
    return r.error;
}
