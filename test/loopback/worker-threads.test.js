'use strict';
// The addon in several worker threads at once: no process-wide JavaScript
// references (rings are recognised by a type tag), thread-safe counters and
// PortAudio loading. Each thread plays through its own Mixer (its own stream
// on the JACK server) while the main thread plays on.
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { RingBuffer, nativeMemory } = require('../..');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');

const PLAYER = path.join(__dirname, '..', 'helpers', 'worker-player.js');

/** Runs a worker to its exit; resolves with the messages it posted. */
function runWorker(file, options) {
  return new Promise((resolve, reject) => {
    const messages = [];
    const worker = new Worker(file, options);
    worker.on('message', (m) => messages.push(m));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve(messages) : reject(new Error(`worker exited with ${code}`))));
  });
}

/** A ring played to its end on `mixer`, recorded back: its samples arrive exactly. */
async function assertRingPlaysExactly(mixer, ring) {
  const frames = ring.capacity;
  const latency = roundTripFrames(mixer);
  const signal = Float32Array.from({ length: frames }, (_, k) => ((k % 100) + 1) / 128);
  assert.equal(ring.write(signal), frames);
  ring.end();
  const at = soon(mixer, 0.2);
  const play = mixer.playRingbuffer(ring, { at, channels: [1] });
  const rec = mixer.record(frames + latency, { at, channels: [1] });
  const [played, recorded] = await Promise.all([play.done, rec.done]);
  assert.equal(played.frames, frames);
  for (let k = 0; k < frames; k++) assert.equal(recorded.samples[k + latency], signal[k], `frame ${k}`);
}

describe('Worker threads', function () {
  this.timeout(60000);
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('plays from two workers and the main thread at once, each through its own Mixer', async () => {
    const frames = 9600; // 0.2 s
    const mainRing = new RingBuffer(4096, 1);
    const mainSound = mixer.play(new Float32Array(2 * 48000).fill(0.01)); // plays through all of it
    const workers = [1, 2].map(() => runWorker(PLAYER, { workerData: { frames } }));
    const results = (await Promise.all(workers)).map((messages) => messages[0]);
    for (const r of results) assert.deepEqual(r, { buffer: frames, ring: frames, closed: false });
    mixer.cancel(mainSound);
    assert.equal((await mainSound.done).closed, false);
    // The main thread's ring, made before the workers loaded the addon, still works.
    await assertRingPlaysExactly(mixer, mainRing);
    assert.equal(nativeMemory().actions, 0, 'every action of every thread came back');
  });

  it("leaves the main thread's rings working after a worker that used the addon exits", async () => {
    const before = new RingBuffer(1024, 1);
    await runWorker(
      `const { RingBuffer } = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
       const ring = new RingBuffer(64, 1);
       ring.write(new Float32Array(64));`,
      { eval: true },
    );
    await assertRingPlaysExactly(mixer, before);
    await assertRingPlaysExactly(mixer, new RingBuffer(1024, 1));
  });
});
