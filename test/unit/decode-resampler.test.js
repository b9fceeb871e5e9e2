'use strict';
// The resampler's quality, measured with tones and a sweep: passband ripple,
// stopband attenuation (what folds back when the rate drops), exact lengths,
// and the same output whether the input comes whole or in pieces.
const assert = require('node:assert/strict');
const { Resampler, decodeAudio } = require('../..');

/** A Hann-tapered tone (no edge click, so only the filter is measured). */
function tone(freq, rate, frames, amplitude = 0.5) {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate) * 0.5 * (1 - Math.cos((2 * Math.PI * i) / (frames - 1)));
  return out;
}

function resample(input, from, to, channels = 1) {
  const r = new Resampler(channels, from, to);
  const body = r.process(input);
  const tail = r.flush();
  const out = new Float32Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}

function rms(x, from = 0, to = x.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

const db = (ratio) => 20 * Math.log10(ratio);

describe('Resampler: windowed-sinc quality', function () {
  this.timeout(20000);

  it('passband (to 0.45 of the lower rate) flat within 0.01 dB, 44.1 -> 48 kHz and 48 -> 44.1 kHz', () => {
    let worst = 0;
    for (const [from, to] of [[44100, 48000], [48000, 44100]]) {
      const edge = 0.45 * Math.min(from, to);
      for (let f = 20; f <= edge; f = f < 1000 ? f * 2 : f + 1530) {
        const input = tone(f, from, 8192);
        const output = resample(input, from, to);
        const gain = rms(output) / rms(input);
        worst = Math.max(worst, Math.abs(db(gain)));
      }
    }
    console.log(`      passband ripple: ±${worst.toFixed(4)} dB`);
    assert.ok(worst < 0.01, `ripple ${worst} dB`);
  });

  it('stopband (above the lower Nyquist) attenuated by at least 95 dB: 48 -> 44.1 kHz and 96 -> 8 kHz', () => {
    let least = Infinity;
    for (const [from, to] of [[48000, 44100], [96000, 8000]]) {
      for (let f = 0.5 * to + 50; f < 0.5 * from; f += (0.5 * from - 0.5 * to) / 7) {
        const input = tone(f, from, 16384);
        const output = resample(input, from, to);
        least = Math.min(least, -db(rms(output) / rms(input)));
      }
    }
    console.log(`      stopband attenuation: ≥ ${least.toFixed(1)} dB`);
    assert.ok(least >= 95, `attenuation ${least} dB`);
  });

  it('a 20 Hz - 19 kHz sweep at 44.1 kHz lands on the same sweep at 48 kHz within -100 dB', () => {
    const seconds = 1;
    const sweep = (rate) => {
      const n = Math.round(rate * seconds);
      const out = new Float32Array(n);
      const k = Math.log(19000 / 20);
      for (let i = 0; i < n; i++) {
        const t = i / rate;
        const phase = (2 * Math.PI * 20 * seconds * (Math.exp((t / seconds) * k) - 1)) / k;
        out[i] = 0.5 * Math.sin(phase) * Math.min(1, t / 0.05, (seconds - t) / 0.05); // fades by time, the same at both rates
      }
      return out;
    };
    const output = resample(sweep(44100), 44100, 48000);
    const ideal = sweep(48000);
    assert.equal(output.length, ideal.length);
    const error = new Float32Array(ideal.length).map((_, i) => output[i] - ideal[i]);
    const errorDb = db(rms(error, 2000, ideal.length - 2000) / rms(ideal, 2000, ideal.length - 2000));
    console.log(`      sweep error: ${errorDb.toFixed(1)} dB`);
    assert.ok(errorDb < -100, `${errorDb} dB`);
  });

  it('gives the same frames whole or in pieces, the length the rates ask for, and unity DC', () => {
    const input = tone(1000, 22050, 22050 * 2).map((v, i) => (i % 2 ? -v : v)); // 2 channels
    const whole = resample(input, 22050, 48000, 2);
    assert.equal(whole.length, 2 * Math.ceil((22050 * 48000) / 22050));
    const r = new Resampler(2, 22050, 48000);
    const pieces = [];
    for (let at = 0, size = 2; at < input.length; at += size, size = (size * 3) % 2000 + 2) pieces.push(r.process(input.subarray(at, at + size)));
    pieces.push(r.flush());
    const joined = Float32Array.from(pieces.flatMap((p) => Array.from(p)));
    assert.deepEqual(joined, whole);
    const dc = resample(new Float32Array(4000).fill(0.25), 44100, 44101);
    assert.ok(Math.abs(dc[2000] - 0.25) < 1e-6, `DC ${dc[2000]}`);
  });

  it('runs on the decode thread through decodeAudio({ sampleRate })', async () => {
    const frames = 4410;
    const body = Buffer.alloc(frames * 2);
    for (let i = 0; i < frames; i++) body.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 441 * i) / 44100)), 2 * i);
    const head = Buffer.alloc(44);
    head.write('RIFF', 0); head.writeUInt32LE(36 + body.length, 4); head.write('WAVEfmt ', 8); head.writeUInt32LE(16, 16);
    head.writeUInt16LE(1, 20); head.writeUInt16LE(1, 22); head.writeUInt32LE(44100, 24); head.writeUInt32LE(88200, 28);
    head.writeUInt16LE(2, 32); head.writeUInt16LE(16, 34); head.write('data', 36); head.writeUInt32LE(body.length, 40);
    const decoded = await decodeAudio(Buffer.concat([head, body]), { sampleRate: 48000 });
    assert.deepEqual([decoded.sampleRate, decoded.sourceRate, decoded.samples.length], [48000, 44100, 4800]);
    assert.ok(Math.abs(rms(decoded.samples, 100, 4700) - (8000 / 32768) / Math.SQRT2) < 1e-3);
  });
});
