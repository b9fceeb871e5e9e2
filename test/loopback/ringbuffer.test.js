'use strict';
// The RingBuffer primitive and the two ring-buffer actions, through the loopback.
const assert = require('node:assert/strict');
const { RingBuffer } = require('../..');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');
const { waitFor } = require('../helpers/wait');

describe('RingBuffer', function () {
  it('rounds its capacity up to a power of two and moves whole frames', () => {
    const rb = new RingBuffer(1000, 2);
    assert.equal(rb.capacity, 1024);
    assert.equal(rb.channels, 2);
    assert.equal(rb.write(Float32Array.from({ length: 2 * 1500 }, (_, i) => i)), 1024, 'only what fits');
    assert.equal(rb.readAvailable, 1024);
    assert.equal(rb.writeAvailable, 0);
    const first = rb.read(10);
    assert.deepEqual(Array.from(first.subarray(0, 4)), [0, 1, 2, 3]);
    assert.equal(rb.write(Float32Array.from({ length: 20 }, () => 7)), 10, 'wraps around');
    const rest = rb.read();
    assert.equal(rest.length, 2 * 1024);
    assert.equal(rest[rest.length - 1], 7);
  });

  it('refuses the wrong type, a partial frame, or writing after end()', () => {
    const rb = new RingBuffer(64, 2);
    assert.throws(() => rb.write(new Int16Array(4)), /Float32Array.*Int16Array/);
    assert.throws(() => rb.write(new Float32Array(3)), /not a whole number of 2-channel frames/);
    assert.throws(() => new RingBuffer(0, 2), /frames must be an integer from 1/);
    rb.end();
    assert.throws(() => rb.write(new Float32Array(2)), /end\(\) was already called/);
  });
});

describe('Ring-buffer actions', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('plays what is written bit-exact, counts the starved frames, and ends once drained', async () => {
    const latency = roundTripFrames(mixer);
    const rb = new RingBuffer(4096, 1);
    const part = Float32Array.from({ length: 2000 }, (_, k) => (k % 100) / 128 + 0.01);
    rb.write(part);
    const at = soon(mixer);
    const play = mixer.playRingbuffer(rb, { at, channels: [1] });
    const rec = mixer.record(24000, { at, channels: [1] }); // 0.5 s: the whole story
    // Starve it for a while, then write the rest and end.
    await waitFor('2000 frames of starving', () => mixer.currentFrame >= at + 4000);
    assert.ok(play.counters.underflowFrames > 0, 'live underflow counter moves');
    rb.write(part);
    rb.end();
    const result = await play.done;
    const recorded = (await rec.done).samples.subarray(latency);
    assert.equal(result.frames, 4000);
    // Silence played between the two parts is exactly the underflow count.
    const gapStart = 2000;
    let gapEnd = gapStart;
    while (recorded[gapEnd] === 0) gapEnd++;
    assert.equal(gapEnd - gapStart, result.underflowFrames);
    for (let k = 0; k < 2000; k++) {
      assert.equal(recorded[k], part[k]);
      assert.equal(recorded[gapEnd + k], part[k]);
    }
    assert.equal(recorded[gapEnd + 2000], 0, 'ended after the last frame');
  });

  it('records into a ring, counting exactly the frames it had no room for', async () => {
    const rb = new RingBuffer(1024, 2);
    const rec = mixer.recordRingbuffer(rb);
    await waitFor('2048 frames of overflow', () => rec.counters.overflowFrames >= 2048);
    mixer.cancel(rec);
    const result = await rec.done;
    assert.equal(result.frames, 1024, 'the ring filled once');
    assert.equal(result.overflowFrames + result.frames, result.overflowFrames + 1024);
    assert.ok(result.overflowFrames >= 2048);
    assert.equal(rb.readAvailable, 1024);
  });
});
