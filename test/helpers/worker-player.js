'use strict';
// Runs inside a worker thread (worker-threads.test.js): opens its own Mixer on
// the test's JACK server, plays a buffer and a ring at once, reports what
// played, closes, and exits.
const { parentPort, workerData } = require('node:worker_threads');
const { Mixer, RingBuffer } = require('../..');

async function main() {
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK' });
  try {
    const frames = workerData.frames;
    const ring = new RingBuffer(frames, 1);
    ring.write(new Float32Array(frames).fill(0.01));
    ring.end();
    const [buffer, streamed] = await Promise.all([
      mixer.play(new Float32Array(frames * 2).fill(0.01)).done,
      mixer.playRingbuffer(ring, { channels: [1] }).done,
    ]);
    parentPort.postMessage({ buffer: buffer.frames, ring: streamed.frames, closed: buffer.closed || streamed.closed });
  } finally {
    await mixer.close();
  }
}

main().catch((err) => parentPort.postMessage({ error: `${err.code}: ${err.message}` }));
