// 2. Stall immunity: a periodic signal played while the event loop is blocked
// 30 ms every 500 ms and garbage is churned; glitches = breaks of periodicity
// in the loopback recording. Beside it, the same signal fed block by block from
// JavaScript through a ring buffer of similar latency.
'use strict';
const { loopbackMixer, sleep, blockEventLoop } = require('./common');
const { RingBuffer } = require('..');

const PERIOD = 480; // 100 Hz at 48 kHz: the signal repeats every 480 frames

function signal(frames) {
  const s = new Float32Array(frames);
  for (let k = 0; k < frames; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % PERIOD)) / PERIOD);
  return s;
}

/** Runs of frames that break periodicity, inside [from, to). */
function glitches(recorded, from, to) {
  let count = 0;
  let inGlitch = false;
  for (let k = from + PERIOD; k < to; k++) {
    const broken = Math.abs(recorded[k] - recorded[k - PERIOD]) > 1e-6;
    if (broken && !inGlitch) count++;
    inGlitch = broken;
  }
  return count;
}

async function disturb(seconds) {
  const until = Date.now() + seconds * 1000;
  let junk = [];
  while (Date.now() < until) {
    blockEventLoop(30);
    for (let i = 0; i < 2000; i++) junk.push({ i, s: 'x'.repeat(50) });
    if (junk.length > 50000) junk = [];
    await sleep(470);
  }
}

module.exports = async function stalls(seconds = 10) {
  const mixer = await loopbackMixer();
  const frames = mixer.sampleRate * seconds;
  const latency = Math.round((mixer.inputLatency + mixer.outputLatency) * mixer.sampleRate);
  const result = {};

  // The mixer: the whole sound handed to the callback once.
  let at = mixer.currentFrame + 48000; // 1 s ahead: on a loaded machine a submission can take over 100 ms
  let rec = mixer.record(frames + latency, { at, channels: [1] });
  mixer.play(signal(frames), { at, channels: [1] });
  await disturb(seconds + 0.2);
  let recorded = (await rec.done).samples;
  result.callback = { glitches: glitches(recorded, latency, latency + frames) };

  // JS-fed: 256-frame ring (5.3 ms), refilled every millisecond from a timer.
  const ring = new RingBuffer(256, 1);
  const source = signal(frames);
  let written = 0;
  const feed = () => {
    const n = Math.min(ring.writeAvailable, frames - written);
    if (n > 0) written += ring.write(source.subarray(written, written + n));
  };
  feed();
  at = mixer.currentFrame + 48000;
  rec = mixer.record(frames + latency + 4800, { at, channels: [1] });
  const player = mixer.playRingbuffer(ring, { at, channels: [1] });
  const timer = setInterval(() => {
    feed();
    if (written === frames && !ring.ended) ring.end();
  }, 1);
  await disturb(seconds + 0.2);
  const played = await player.done;
  clearInterval(timer);
  recorded = (await rec.done).samples;
  result.jsFed = { glitches: glitches(recorded, latency, latency + played.frames + played.underflowFrames), underflowFrames: played.underflowFrames };
  await mixer.close();
  return result;
};
