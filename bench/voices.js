// 1. Callback cost vs voices, beside a plain C add loop over the same samples.
'use strict';
const { loopbackMixer, sleep } = require('./common');
const { native } = require('../dist/src/native');

module.exports = async function voices() {
  const rows = [];
  const mixer = await loopbackMixer();
  const period = 64;
  for (const n of [1, 8, 64, 256]) {
    const sound = new Float32Array(2 * mixer.sampleRate * 3).fill(0.001);
    const at = mixer.currentFrame + 2400;
    const playing = [];
    for (let v = 0; v < n; v++) playing.push(mixer.play(sound, { at, allowBelated: true }));
    await sleep(300);
    await mixer.fetchStats(); // start measuring with all voices running
    await sleep(1500);
    const stats = await mixer.fetchStats();
    for (const p of playing) mixer.cancel(p);
    await Promise.all(playing.map((p) => p.done));
    const plainNs = native().benchSumVoicesNs(n, period, 2, 20000);
    rows.push({
      voices: n,
      meanUs: stats.callbackDuration.mean * 1e6,
      maxUs: stats.callbackDuration.max * 1e6,
      loadMean: stats.cpuLoad.mean,
      loadMax: stats.cpuLoad.max,
      plainLoopUs: plainNs / 1000,
      ratio: (stats.callbackDuration.mean * 1e9) / plainNs,
      xruns: stats.xruns,
      activeActions: stats.maxActiveActions,
    });
  }
  await mixer.close();
  return rows;
};
