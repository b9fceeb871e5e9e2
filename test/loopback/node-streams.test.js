'use strict';
// Node streams over ring buffers: backpressure, underflow and overflow counts,
// bit-exact delivery through the JACK loopback while the event loop stalls.
const assert = require('node:assert/strict');
const { Readable, Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { openLoopbackMixer, roundTripFrames } = require('../helpers/loopback');
const { waitFor } = require('../helpers/wait');

const RATE = 48000;

/** Deterministic, never zero, not periodic over 5 s. */
function sample(i) {
  return ((i * 7919) % 10007) / 10007 - 0.5;
}

function blockEventLoop(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* busy */ }
}

describe('Node streams', function () {
  this.timeout(30000);
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('streams 5 s through createWriteStream bit-exact, with 0 underflow, while the event loop stalls 50 ms every 0.5 s', async () => {
    const total = RATE * 5;
    const chunk = 960; // 20 ms chunks of mono, as Buffers
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= total) return this.push(null);
        const f = new Float32Array(chunk);
        for (let k = 0; k < chunk; k++) f[k] = sample(produced + k);
        produced += chunk;
        this.push(Buffer.from(f.buffer));
      },
    });
    const recording = mixer.record(RATE * 6, { channels: [1] });
    const sink = mixer.createWriteStream({ channels: [1], ringFrames: 8192 }); // 170 ms
    const stalls = setInterval(() => blockEventLoop(50), 500);
    await pipeline(source, sink);
    clearInterval(stalls);
    assert.equal(sink.result.underflowFrames, 0);
    assert.equal(sink.result.frames, total);
    const recorded = (await recording.done).samples;
    const first = recorded.findIndex((v) => v !== 0);
    assert.ok(first > 0);
    for (let k = 0; k < total; k++) {
      if (recorded[first + k] !== Math.fround(sample(k))) assert.fail(`frame ${k} differs: ${recorded[first + k]} vs ${sample(k)}`);
    }
    assert.equal(recorded[first + total], 0, 'nothing after the last frame');
  });

  it('a starved writer produces exactly the underflow frames the recording shows as silence', async () => {
    const recording = mixer.record(RATE, { channels: [1] });
    const sink = mixer.createWriteStream({ channels: [1], ringFrames: 4096, prefillFrames: 1000 });
    const part = Float32Array.from({ length: 2000 }, (_, k) => 0.25 + k / 8192);
    sink.write(part);
    await new Promise((resolve) => setTimeout(resolve, 120)); // starve
    sink.end(part);
    await new Promise((resolve, reject) => sink.on('finish', resolve).on('error', reject));
    const recorded = (await recording.done).samples;
    const first = recorded.findIndex((v) => v !== 0);
    let gapEnd = first + 2000;
    while (recorded[gapEnd] === 0) gapEnd++;
    const silence = gapEnd - (first + 2000);
    assert.ok(silence > 0);
    assert.equal(sink.result.underflowFrames, silence);
    assert.equal(recorded[gapEnd], part[0]);
  });

  it('a slow reader gets overflow reported, and every delivered frame in order with gaps only where frames were dropped', async () => {
    const frames = RATE * 2;
    const signal = Float32Array.from({ length: frames }, (_, k) => (k + 1) / 2 ** 20); // exact in float32
    const source = mixer.createReadStream({ channels: [1], ringFrames: 2048 });
    const overflowEvents = [];
    source.on('overflow', (e) => overflowEvents.push(e.frames));
    mixer.play(signal, { channels: [1] });
    const delivered = [];
    let sawLast = false;
    const slowUntil = Date.now() + 800; // slow for 0.8 s, then it catches up and drains everything
    const slow = new Writable({
      highWaterMark: 1,
      write(buf, _enc, cb) {
        const f = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
        delivered.push(...f);
        if (f.includes(signal[frames - 1])) sawLast = true;
        setTimeout(cb, Date.now() < slowUntil ? 60 : 0);
      },
    });
    source.pipe(slow);
    await waitFor('the reader to catch up with the last frame', () => sawLast, { timeoutMs: 20000 });
    source.destroy();
    const values = delivered.filter((v) => v !== 0).map((v) => Math.round(v * 2 ** 20));
    assert.ok(values.length > 1000);
    let gaps = 0;
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i] > values[i - 1], `frame ${values[i]} after ${values[i - 1]}: out of order`);
      gaps += values[i] - values[i - 1] - 1;
    }
    assert.ok(source.overflowFrames > 0);
    assert.ok(overflowEvents.length > 0);
    // The frames missing from the sequence are exactly the frames reported dropped.
    assert.ok(gaps > 0);
    assert.equal(gaps, source.overflowFrames);
    assert.equal(overflowEvents[overflowEvents.length - 1], source.overflowFrames);
  });

  it('write streams: `after` plays a second stream right after the first, the ring holds at most ringFrames, `done` settles however a stream ends', async () => {
    const a = mixer.createWriteStream({ channels: [1], ringFrames: 4800 });
    const b = mixer.createWriteStream({ channels: [1], ringFrames: 4800, after: a });
    const partA = Float32Array.from({ length: 9600 }, (_, k) => sample(k));
    const partB = Float32Array.from({ length: 9600 }, (_, k) => -sample(k));
    const recording = mixer.record(RATE, { channels: [1] });
    const inRing = new Promise((resolve) => a.write(partA.subarray(0, 4800), resolve));
    a.write(partA.subarray(4800));
    assert.ok(!(await inRing), "the write callback runs without an error");
    assert.ok(a.ring.readAvailable <= 4800, `at most ringFrames in the ring (${a.ring.readAvailable})`);
    b.end(partB);
    a.end();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.frames, 9600);
    assert.equal(rb.frames, 9600);
    assert.ok(rb.startFrame >= ra.startFrame + ra.frames, 'b starts after a ends');
    assert.ok(rb.startFrame - (ra.startFrame + ra.frames) <= 2 * 1024, `b follows within a few blocks (${rb.startFrame - (ra.startFrame + ra.frames)})`);
    const recorded = (await recording.done).samples;
    const at = recorded.indexOf(Math.fround(partB[0]));
    assert.deepEqual(recorded.subarray(at, at + 9600), partB);
    // Destroyed before it ever started: done reports it, cancelled, never played.
    const unused = mixer.createWriteStream({ channels: [1] });
    unused.destroy();
    assert.deepEqual(await unused.done, { startFrame: -1, frames: 0, late: 0, cancelled: true, closed: false, underflowFrames: 0, overflowFrames: 0 });
  });

  it('read streams: `at` and frameAt() place every delivered frame on the mixer clock; stop() ends with the frames recorded so far', async () => {
    const at = mixer.currentFrame + Math.round(0.3 * RATE);
    const signal = Float32Array.from({ length: 4800 }, (_, k) => (k + 1) / 2 ** 20);
    mixer.play(signal, { channels: [1], at: at + 1000 });
    const source = mixer.createReadStream({ channels: [1], at });
    const chunks = [];
    source.on('data', (buf) => chunks.push({ from: source.frameAt(chunks.reduce((n, c) => n + c.samples.length, 0)), samples: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)) }));
    while (mixer.currentFrame < at + 8000) await new Promise((resolve) => setTimeout(resolve, 20));
    source.stop();
    await new Promise((resolve) => source.on('end', resolve));
    assert.equal(chunks[0].from, at);
    const all = Float32Array.from(chunks.flatMap((c) => Array.from(c.samples)));
    assert.ok(all.length >= 8000 && all.length < 8000 + RATE, `${all.length} frames, then stopped`);
    const first = all.findIndex((v) => v !== 0);
    assert.equal(first, 1000 + roundTripFrames(mixer), 'the sound is where the clock says (one period of loopback)');
    assert.equal(source.overflowFrames, 0);
  });

  it('refuses chunks of the wrong type or shape with a clear error', async () => {
    for (const bad of ['a string', new Int16Array(4), new Float32Array(3)]) {
      const sink = mixer.createWriteStream();
      const error = await new Promise((resolve) => {
        sink.on('error', resolve);
        sink.write(bad);
      });
      assert.equal(error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
      assert.match(error.message, /Buffers of float32 PCM or Float32Arrays|whole number of 2-channel frames/);
    }
  });

  it('closing the mixer ends its streams with an error event, not a hang', async () => {
    const sink = mixer.createWriteStream();
    sink.write(new Float32Array(2 * 100));
    const source = mixer.createReadStream();
    source.resume();
    const errors = Promise.all([sink, source].map((s) => new Promise((resolve) => s.on('error', resolve))));
    await mixer.close();
    const [a, b] = await errors;
    assert.equal(a.code, 'ERR_RTMIXER_CLOSED');
    assert.equal(b.code, 'ERR_RTMIXER_CLOSED');
  });
});
