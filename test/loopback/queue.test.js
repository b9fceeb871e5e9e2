'use strict';
// Gapless queues: the seam between items is decided in the callback, so a
// blocked event loop at the seam changes nothing.
const assert = require('node:assert/strict');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');
const { waitFor } = require('../helpers/wait');

function ramp(frames, from, step) {
  const s = new Float32Array(frames);
  for (let k = 0; k < frames; k++) s[k] = from + k * step;
  return s;
}

/** Blocks the event loop until the stream clock passes `frame` (30 s at most). */
function blockEventLoopUntil(mixer, frame) {
  const deadline = Date.now() + 30000;
  while (mixer.currentFrame <= frame && Date.now() < deadline) { /* busy */ }
}

describe('Gapless queues', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('3 distinct ramps record back with no gap and no overlap while the event loop is blocked across both seams', async () => {
    const latency = roundTripFrames(mixer);
    const items = [ramp(1200, 0.001, 1 / 4096), ramp(700, -0.5, 1 / 8192), ramp(1500, 0.25, -1 / 16384)];
    const at = soon(mixer);
    const queue = mixer.queue(items.map((samples) => ({ samples, channels: [1] })), { at });
    const total = 1200 + 700 + 1500;
    const rec = mixer.record(total + 200 + latency, { at, channels: [1] });
    // Both seams (at + 1200, at + 1900) pass while the event loop is blocked.
    blockEventLoopUntil(mixer, at + 1900 + 256);
    const [results, recorded] = await Promise.all([queue.done, rec.done]);
    assert.deepEqual(results.map((r) => r.startFrame), [at, at + 1200, at + 1900]);
    assert.deepEqual(results.map((r) => r.late), [0, 0, 0]);
    const signal = recorded.samples.subarray(latency);
    const expected = Float32Array.from([...items[0], ...items[1], ...items[2]]);
    for (let k = 0; k < total; k++) assert.equal(signal[k], expected[k], `frame ${k}`);
    for (let k = total; k < total + 200; k++) assert.equal(signal[k], 0, `after the queue, frame ${k}`);
  });

  it('items appended while the queue plays join without a gap', async () => {
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    // 500 ms: time enough to append while it plays, even on a loaded machine.
    const length = 24000;
    const first = ramp(length, 0.1, 0);
    const queue = mixer.queue([{ samples: first, channels: [1] }], { at });
    const rec = mixer.record(length + 480 + latency, { at, channels: [1] });
    await waitFor('the first item to play', () => mixer.currentFrame > at);
    const second = queue.append({ samples: ramp(480, 0.3, 0), channels: [1] });
    const [r2, recorded] = await Promise.all([second.done, rec.done]);
    assert.equal(r2.startFrame, at + length);
    const signal = recorded.samples.subarray(latency);
    assert.equal(signal[length - 1], Math.fround(0.1));
    assert.equal(signal[length], Math.fround(0.3));
  });

  it('an item appended after the queue ended starts at once and says how late it is', async () => {
    const queue = mixer.queue([new Float32Array(2 * 64)]);
    const [done] = await queue.done;
    const endedAt = done.startFrame + done.frames;
    // Appended within one block of the end it would still be gapless: wait longer.
    await waitFor('two blocks past the end', () => mixer.currentFrame >= endedAt + 128);
    const late = await queue.append(new Float32Array(2 * 64)).done;
    assert.ok(late.late > 0, JSON.stringify(late));
    assert.equal(late.startFrame, endedAt + late.late);
  });

  it('cancel() stops the playing item and drops the waiting ones', async () => {
    // The first item lasts 5 s: the cancel reaches it while it plays, even on a loaded machine.
    const queue = mixer.queue([new Float32Array(2 * 5 * 48000), new Float32Array(2 * 480), new Float32Array(2 * 480)]);
    // The clock is read once queue() has returned: copying 5 s of audio takes
    // tens of ms under load, and a clock read before it could already be 1024
    // frames on when the first item was submitted (the cancel then lands in the
    // same block as the play, which never starts: frames 0).
    const from = mixer.currentFrame;
    await waitFor('the first item to play', () => mixer.currentFrame >= from + 1024);
    queue.cancel();
    const results = await queue.done;
    assert.ok(results.every((r) => r.cancelled));
    assert.ok(results[0].frames > 0 && results[0].frames < 5 * 48000, JSON.stringify(results[0]));
    assert.equal(results[1].frames, 0);
    assert.equal(results[2].frames, 0);
  });

  it('refuses items it cannot queue', () => {
    assert.throws(() => mixer.queue('x'), /queue\(\) needs an array/);
    assert.throws(() => mixer.queue([{ samples: new Float32Array(2), at: 5 }]), /cannot have its own at or after/);
    assert.throws(() => mixer.queue([42]), /must be a Float32Array or \{ samples/);
  });
});
