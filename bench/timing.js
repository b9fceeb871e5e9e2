// 3. Trigger latency (play() at random moments, ASAP) and 1000 scheduled starts on a grid.
'use strict';
const { loopbackMixer, sleep, median } = require('./common');

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
    trigger: { count: latencies.length, minFrames: Math.min(...latencies), medianFrames: median(latencies), maxFrames: Math.max(...latencies), all: latencies },
    grid: { starts: count, worstErrorFrames: worstError, reportedErrors },
    roundTripFrames: latency,
  };
};
