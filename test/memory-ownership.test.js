'use strict';
// The samples a playing action reads must stay valid whatever JavaScript does
// with its own copy: dropping every reference and collecting garbage, or
// transferring the ArrayBuffer away (which detaches it). Run with --expose-gc
// (see .mocharc.json) so the collection is real.
const assert = require('node:assert/strict');
const { openLoopbackMixer, roundTripFrames, soon } = require('./helpers/loopback');

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
      for (let i = 0; i < 500; i++) done.push(mixer.play(short).done);
      await Promise.all(done);
    };
    await round();
    global.gc();
    const before = process.memoryUsage().rss;
    for (let r = 0; r < 8; r++) await round();
    global.gc();
    const grown = process.memoryUsage().rss - before;
    // 4000 plays of 512 bytes each would be 2 MB if none were freed, plus the action structs.
    assert.ok(grown < 8 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(1)} MiB`);
    assert.equal(mixer.actionsInFlight, 0);
  });
});
