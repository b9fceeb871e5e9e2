// 3. Trigger latency (play() at random moments, ASAP), the same for a loaded
// Sound measured from the call's moment on the mixer's clock, and 1000
// scheduled starts on a grid.
'use strict';
const { loopbackMixer, sleep, median } = require('./common');

const nowNs = () => process.hrtime.bigint();

/**
 * Issue 15 §3: from a call's arrival to its first sample at the output, on the
 * mixer's clock. Each trigger comes from a timer at a random moment (as a
 * message would); its arrival on the frame clock is mixer.frameAt(t), t read
 * just before the call: interpolated from when the latest block's callback
 * began, which the callback itself stamps (no polling, so a descheduled
 * benchmark cannot skew it). The latency is the action's startFrame minus that
 * arrival; the loopback recording checks that each first sample came out at
 * startFrame (+ the round trip).
 */
async function soundTriggers(mixer, roundTrip, triggers = 100) {
  const period = mixer.blockSize || 64;
  const rate = mixer.sampleRate;
  const sound = mixer.load(new Float32Array([1 / 128, 0]), { channels: 2 });
  const start = mixer.currentFrame + 24000;
  const rec = mixer.record(rate * 6, { at: start, channels: [1] });
  await sleep(600);
  const calls = [];
  for (let i = 0; i < triggers; i++) {
    await sleep(10 + Math.random() * 30);
    const t = nowNs();
    const action = mixer.play(sound, { gain: i + 1 });
    const callUs = Number(nowNs() - t) / 1e3;
    calls.push({ arrival: mixer.frameAt(t), action, callUs });
  }
  const results = await Promise.all(calls.map((c) => c.action.done));
  const { samples } = await rec.done;
  sound.release();
  const found = new Map();
  samples.forEach((v, k) => { if (v !== 0) found.set(Math.round(v * 128), start + k - roundTrip); });
  let misplaced = 0;
  const latencies = results.map((r, i) => {
    if (found.get(i + 1) !== r.startFrame) misplaced++;
    return r.startFrame - calls[i].arrival;
  });
  const target = period + rate / 1000;
  const round = (x) => Number(x.toFixed(1));
  return {
    periodFrames: period, targetFrames: target, misplaced,
    all: { count: latencies.length, minFrames: round(Math.min(...latencies)), medianFrames: round(median(latencies)), maxFrames: round(Math.max(...latencies)), withinTarget: latencies.filter((x) => x <= target).length },
    playCallUs: { median: Number(median(calls.map((x) => x.callUs)).toFixed(1)), max: Number(Math.max(...calls.map((x) => x.callUs)).toFixed(1)) },
  };
}

module.exports = async function timing() {
  const mixer = await loopbackMixer();
  const latency = Math.round((mixer.inputLatency + mixer.outputLatency) * mixer.sampleRate);

  // Random triggers inside one long recording; amplitude names the trigger.
  const triggers = 40;
  const start = mixer.currentFrame + 24000; // 0.5 s ahead: a loaded machine can take 100 ms to submit
  const rec = mixer.record(mixer.sampleRate * 4, { at: start, channels: [1] });
  await sleep(600); // past the record's start
  const calledAt = [];
  for (let i = 0; i < triggers; i++) {
    await sleep(20 + Math.random() * 50);
    calledAt.push(mixer.currentFrame);
    mixer.play(new Float32Array([(i + 1) / 64, 0]));
  }
  const { samples } = await rec.done;
  const latencies = [];
  samples.forEach((v, k) => {
    if (v !== 0) latencies.push(start + k - calledAt[Math.round(v * 64) - 1]);
  });

  const sound = await soundTriggers(mixer, latency);

  // 1000 starts on a 96-frame grid: each must land on its exact frame.
  const grid = 96;
  const count = 1000;
  const t0 = mixer.currentFrame + 48000; // 1 s ahead: 1000 submissions on a loaded machine
  const gridRec = mixer.record(count * grid + latency + grid, { at: t0, channels: [1] });
  const plays = [];
  for (let k = 0; k < count; k++) plays.push(mixer.play(new Float32Array([0.5, 0]), { at: t0 + k * grid }));
  const results = await Promise.all(plays.map((p) => p.done));
  const recorded = (await gridRec.done).samples;
  let worstError = 0;
  let reportedErrors = 0;
  for (let k = 0; k < count; k++) {
    if (results[k].startFrame !== t0 + k * grid) reportedErrors++;
    const expected = k * grid + latency;
    let found = -1;
    for (let j = Math.max(0, expected - grid / 2); j < expected + grid / 2; j++) if (recorded[j] !== 0) found = j;
    worstError = Math.max(worstError, found < 0 ? Infinity : Math.abs(found - expected));
  }
  await mixer.close();
  return {
    soundTrigger: sound,
    trigger: { count: latencies.length, minFrames: Math.min(...latencies), medianFrames: median(latencies), maxFrames: Math.max(...latencies), all: latencies },
    grid: { starts: count, worstErrorFrames: worstError, reportedErrors },
    roundTripFrames: latency,
  };
};
