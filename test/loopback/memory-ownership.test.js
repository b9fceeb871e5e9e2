'use strict';
// The samples a playing action reads must stay valid whatever JavaScript does
// with its own copy: dropping every reference and collecting garbage, or
// transferring the ArrayBuffer away (which detaches it). Run with --expose-gc
// (see .mocharc.json) so the collection is real.
const assert = require('node:assert/strict');
const { nativeMemory } = require('../..');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');

function signal(frames) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) s[k * 2] = ((k * 31) % 1000) / 1000;
  return s;
}

describe('Memory a playing action reads', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('survives dropping every reference, forced GC and a transferred, detached ArrayBuffer', async () => {
    assert.equal(typeof global.gc, 'function', 'mocha must run with --expose-gc');
    const frames = 9600;
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    let samples = signal(frames);
    const play = mixer.play(samples, { at });
    const rec = mixer.record(frames + latency, { at, channels: [1] });
    // Detach the buffer by transferring it, then scribble over and drop the new owner.
    const moved = structuredClone(samples.buffer, { transfer: [samples.buffer] });
    assert.equal(samples.buffer.byteLength, 0, 'detached');
    new Float32Array(moved).fill(99);
    samples = null;
    for (let i = 0; i < 5; i++) {
      global.gc();
      // churn: allocate a lot so the freed memory would be reused
      const junk = [];
      for (let j = 0; j < 200; j++) junk.push(new Float32Array(frames * 2).fill(-7));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await play.done;
    const { samples: recorded } = await rec.done;
    const expected = signal(frames);
    for (let k = 0; k < frames; k++) assert.equal(recorded[k + latency], expected[k * 2], `frame ${k}`);
  });

  it('thousands of plays leave no native memory behind', async () => {
    const short = new Float32Array(2 * 64).fill(0.01);
    const round = async () => {
      const done = [];
      for (let i = 0; i < 500; i++) done.push(mixer.play(short).done, mixer.record(32).done);
      await Promise.all(done);
    };
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
    await round();
    global.gc();
    const before = process.memoryUsage().rss;
    let peak = 0;
    for (let r = 0; r < 10; r++) {
      const pending = round();
      peak = Math.max(peak, nativeMemory().actions);
      await pending;
    }
    global.gc();
    assert.equal(peak, 1000, 'each round holds its 1000 actions natively while they run');
    // Exact: every action's native memory was released once the callback handed it back.
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
    assert.equal(mixer.actionsInFlight, 0);
    // And the process as a whole (V8 heap and allocator noise included) stays put.
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 64 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(1)} MiB`);
  });
});
