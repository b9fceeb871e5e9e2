// 1. Callback cost vs voices, beside a plain C add loop over the same samples:
// as many separate buffers as voices, the length of the played sound, read
// 64 frames a block at an advancing position, with a gain (each play() copies
// its sound, so each voice reads its own memory). Also: that loop over 64
// frames that stay in cache beside rtm_process() on 64-frame looping sounds
// (the same in-cache samples), rtm_process() driven offline with the same
// voices, and the level meter alone (it runs in every block: every figure
// here includes it).
'use strict';
const { loopbackMixer, sleep } = require('./common');
const { native } = require('../dist/src/native');

module.exports = async function voices() {
  const rows = [];
  const mixer = await loopbackMixer();
  const period = 64;
  const soundFrames = mixer.sampleRate * 3;
  for (const n of [1, 8, 64, 256]) {
    const sound = new Float32Array(2 * soundFrames).fill(0.001);
    const at = mixer.currentFrame + 2400;
    const playing = [];
    for (let v = 0; v < n; v++) playing.push(mixer.play(sound, { at, allowBelated: true, loop: true })); // all N run through the window
    await sleep(300);
    await mixer.fetchStats(); // start measuring with all voices running
    await sleep(1500);
    const stats = await mixer.fetchStats();
    for (const p of playing) mixer.cancel(p);
    await Promise.all(playing.map((p) => p.done));
    const plainNs = native().benchSumVoicesNs(n, period, 2, 20000, soundFrames);
    const cachedNs = native().benchSumVoicesNs(n, period, 2, 20000, period);
    const offlineNs = native().benchProcessVoicesNs(n, period, 20000, soundFrames);
    // the same with 64-frame sounds looping: every voice's samples stay in cache, as the in-cache loop's
    const offlineCachedNs = native().benchProcessVoicesNs(n, period, 20000, period);
    rows.push({
      voices: n,
      meanUs: stats.callbackDuration.mean * 1e6,
      maxUs: stats.callbackDuration.max * 1e6,
      loadMean: stats.cpuLoad.mean,
      loadMax: stats.cpuLoad.max,
      plainLoopUs: plainNs / 1000,
      ratio: (stats.callbackDuration.mean * 1e9) / plainNs,
      offlineUs: offlineNs / 1000,
      offlineRatio: offlineNs / plainNs,
      cachedLoopUs: cachedNs / 1000,
      offlineCachedUs: offlineCachedNs / 1000,
      offlineCachedRatio: offlineCachedNs / cachedNs,
      xruns: stats.xruns,
      activeActions: stats.maxActiveActions,
    });
  }
  await mixer.close();
  const meterNs = native().benchLevelsNs(period, 2, 200000);
  return { rows, meterUs: meterNs / 1000 };
};
