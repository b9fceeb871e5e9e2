'use strict';
// The payload decoder both play nodes use (src/audio-decoder.ts, src/pcm.ts):
// whole payloads and streams of chunks, with frames split anywhere, WAV
// headers across chunks, and every refusal leaving the stream as it was.
const assert = require('node:assert/strict');
const vm = require('node:vm');
const { WaveFile } = require('wavefile');
const { decodeSamples, decodesAtOnce, SampleDecoder } = require('../../dist/src/index.js');

const opts = (extra = {}) => ({ name: 'msg.payload', format: 'int16', channels: 2, sampleRate: 48000, ...extra });

function int16Bytes(values) {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeInt16LE(v, 2 * i));
  return b;
}

function wav(channels, rate, depth, samples) {
  const w = new WaveFile();
  w.fromScratch(channels, rate, depth, samples);
  return Buffer.from(w.toBuffer());
}

describe('decodeSamples (one whole payload)', () => {
  it('decodes raw int16, int24, int32 and float32 Buffers at any byte offset', () => {
    const pool = Buffer.alloc(1 + 8);
    int16Bytes([-32768, 16384, 0, 32767]).copy(pool, 1);
    const odd = pool.subarray(1); // a Buffer at an odd byte offset
    assert.deepEqual(Array.from(decodeSamples(odd, opts()).samples), [-1, 0.5, 0, 32767 / 32768]);
    const i24 = Buffer.from([0x00, 0x00, 0x80, 0x00, 0x00, 0x40]); // -8388608, 4194304
    assert.deepEqual(Array.from(decodeSamples(i24, opts({ format: 'int24', channels: 1 })).samples), [-1, 0.5]);
    const i32 = Buffer.alloc(8);
    i32.writeInt32LE(-2147483648, 0);
    i32.writeInt32LE(1073741824, 4);
    assert.deepEqual(Array.from(decodeSamples(i32, opts({ format: 'int32', channels: 1 })).samples), [-1, 0.5]);
    const f32 = Buffer.from(new Float32Array([0.25, -0.75]).buffer);
    assert.deepEqual(Array.from(decodeSamples(f32, opts({ format: 'float32' })).samples), [0.25, -0.75]);
  });

  it('passes a Float32Array through without a copy, also one from another realm (a function node)', () => {
    const own = new Float32Array([0.1, 0.2]);
    assert.equal(decodeSamples(own, opts()).samples, own);
    const foreign = vm.runInNewContext('new Float32Array([0.5, -0.5, 0.25, 1])');
    const decoded = decodeSamples(foreign, opts());
    assert.ok(decoded.samples instanceof Float32Array);
    assert.equal(decoded.samples.buffer, foreign.buffer, 'a view of the same memory');
    assert.deepEqual(Array.from(decoded.samples), [0.5, -0.5, 0.25, 1]);
  });

  it('decodes a WAV file with its own channel count, and resamples or refuses another rate', async () => {
    const mono = decodeSamples(wav(1, 48000, '16', [16384, -16384]), opts());
    assert.deepEqual({ channels: mono.channels, samples: Array.from(mono.samples) }, { channels: 1, samples: [0.5, -0.5] });
    const cd = wav(1, 44100, '16', new Int16Array(441).fill(100));
    assert.equal((await decodeSamples(cd, opts())).resampledFrom, 44100);
    await assert.rejects(decodeSamples(cd, opts({ resample: false })), /44100 Hz but the mixer runs at 48000 Hz/);
  });

  it('refuses what is not audio, partial frames, empty Buffers, NaN and compressed files with clear messages', () => {
    const refused = (payload, pattern, extra) =>
      assert.throws(() => decodeSamples(payload, opts(extra)), (err) => err.code === 'ERR_RTMIXER_INVALID_ARGUMENT' && pattern.test(err.message));
    refused('hello', /msg\.payload must be a Float32Array of samples, a Buffer of raw int16 PCM, or the bytes of a WAV file; got "hello"/);
    refused(Buffer.from([1, 2, 3]), /3 bytes, which is not a whole number of 2-channel int16 frames \(4 bytes each\)/);
    refused(Buffer.alloc(0), /empty Buffer/);
    refused(new Float32Array(3), /Float32Array of 3 samples, not a whole number of 2-channel frames/);
    refused(new Float32Array([0, Infinity]), /msg\.payload contains a non-finite sample \(Infinity\) at index 1/);
    refused(Buffer.from(new Float32Array([NaN, 0]).buffer), /non-finite sample \(NaN\) at index 0/, { format: 'float32' });
    refused(Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(4)]), /looks like a FLAC file/);
  });
});

describe('decodeSamples: at once or on the decode threads', () => {
  it('answers at once for raw audio and a small WAV at the mixer rate; a promise for another rate or a big file', async () => {
    const small = wav(2, 48000, '16', new Int16Array(2 * 4800).fill(1000));
    assert.equal(decodesAtOnce(small, 48000), true);
    assert.ok(!(decodeSamples(small, opts()) instanceof Promise));
    assert.equal(decodesAtOnce(new Float32Array(4), 48000), true);
    const other = wav(2, 44100, '16', new Int16Array(2 * 441).fill(1000));
    assert.equal(decodesAtOnce(other, 48000), false);
    const big = wav(2, 48000, '16', new Int16Array(2 * 48000 * 6).fill(1000)); // 2.3 MB
    assert.equal(decodesAtOnce(big, 48000), false);
    const pending = decodeSamples(big, opts());
    assert.ok(pending instanceof Promise);
    const decoded = await pending;
    assert.deepEqual([decoded.channels, decoded.samples.length], [2, 2 * 48000 * 6]);
    assert.equal(decoded.samples[0], 1000 / 32768);
  });

  it('refuses a hostile WAV header (a cue chunk claiming 10^9 points) at once, with a code', () => {
    const b = Buffer.alloc(64);
    b.write('RIFF', 0); b.writeUInt32LE(56, 4); b.write('WAVE', 8);
    b.write('fmt ', 12); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(2, 22);
    b.writeUInt32LE(48000, 24); b.writeUInt32LE(192000, 28); b.writeUInt16LE(4, 32); b.writeUInt16LE(16, 34);
    b.write('cue ', 36); b.writeUInt32LE(0xfffffff0, 40); b.writeUInt32LE(1e9, 44);
    const started = process.hrtime.bigint();
    assert.throws(() => decodeSamples(b, opts()), (err) => err.code === 'ERR_RTMIXER_MALFORMED_FILE');
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 100);
  });
});

describe('SampleDecoder (a stream of chunks)', () => {
  it('carries a frame split across chunks, in one byte at a time', () => {
    const bytes = int16Bytes([100, -100, 200, -200, 300, -300]);
    const decoder = new SampleDecoder(opts());
    const out = [];
    for (const b of bytes) out.push(...decoder.push(Buffer.from([b])).samples);
    assert.deepEqual(out, [100, -100, 200, -200, 300, -300].map((v) => v / 32768));
    assert.equal(decoder.pendingBytes, 0);
    assert.equal(decoder.channels, 2);
  });

  it('reads a WAV header split over chunks, takes its format, and ignores what follows the data chunk', () => {
    const file = wav(1, 48000, '24', [-8388608, 4194304, 0]);
    const withTrailer = Buffer.concat([file, Buffer.from('LIST\x04\x00\x00\x00abcd')]);
    const decoder = new SampleDecoder(opts()); // int16 stereo setting: the header overrides it
    const parts = [withTrailer.subarray(0, 20), withTrailer.subarray(20, 45), withTrailer.subarray(45)];
    const out = parts.flatMap((p) => Array.from(decoder.push(p).samples));
    assert.deepEqual(out, [-1, 0.5, 0]);
    assert.equal(decoder.channels, 1);
  });

  it('a refused chunk leaves the stream as it was', () => {
    const decoder = new SampleDecoder(opts({ format: 'float32', channels: 1 }));
    assert.deepEqual(Array.from(decoder.push(Buffer.from(new Float32Array([1, 1, 1]).buffer)).samples), [1, 1, 1]);
    const f = Buffer.from(new Float32Array([0.5, 0.25, 0.125]).buffer);
    assert.deepEqual(Array.from(decoder.push(f.subarray(0, 6)).samples), [0.5]); // 2 bytes carried
    const withNaN = Buffer.concat([f.subarray(6, 8), Buffer.from(new Float32Array([NaN]).buffer)]);
    assert.throws(() => decoder.push(withNaN), /non-finite sample \(NaN\) at index 1/);
    assert.equal(decoder.pendingBytes, 2);
    assert.throws(() => decoder.push(new Float32Array(1)), /came after a Buffer that ended inside a frame/);
    assert.deepEqual(Array.from(decoder.push(f.subarray(6)).samples), [0.25, 0.125]);
  });

  it('refuses a WAV stream at another rate, and a channel count that changes mid-stream', () => {
    const w44 = wav(2, 44100, '16', new Int16Array(4410 * 2));
    assert.throws(() => new SampleDecoder(opts({ resample: false })).push(w44.subarray(0, 1000)), /WAV stream is 44100 Hz but the mixer runs at 48000 Hz\. Turn on "resample"/);
    const split = new SampleDecoder(opts());
    split.push(w44.subarray(0, 30));
    assert.throws(() => split.push(w44.subarray(30, 1000)), /44100 Hz .* its header was split over chunks, so it cannot be resampled as it streams/);
    const decoder = new SampleDecoder(opts({ format: 'float32' }));
    decoder.push(new Float32Array(4));
    assert.throws(() => decoder.push(wav(1, 48000, '16', [1, 2])), /has 1 channel but this stream has 2/);
  });
});
