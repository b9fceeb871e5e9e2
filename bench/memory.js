// 4. RSS and native allocations before and after 100 000 short plays.
'use strict';
const { loopbackMixer } = require('./common');
const { nativeMemory } = require('..');

module.exports = async function memory(plays = 100000) {
  const mixer = await loopbackMixer();
  const short = new Float32Array(2 * 64).fill(0.001);
  global.gc?.();
  const before = { rss: process.memoryUsage().rss, native: nativeMemory() };
  const started = Date.now();
  for (let done = 0; done < plays; done += 500) {
    const batch = [];
    for (let i = 0; i < 500; i++) batch.push(mixer.play(short).done);
    await Promise.all(batch);
  }
  const seconds = (Date.now() - started) / 1000;
  global.gc?.();
  const after = { rss: process.memoryUsage().rss, native: nativeMemory() };
  await mixer.close();
  return { plays, seconds, rssBeforeMiB: before.rss / 1048576, rssAfterMiB: after.rss / 1048576, nativeBefore: before.native, nativeAfter: after.native };
};
