// 6. The callback's worst block: 1024 queue items handed over at once, then a
// cancel for every one ("stop all"), against a 64-frame period (1.33 ms at
// 48 kHz). Every per-action lookup in the core is O(1), so the block that takes
// them costs microseconds, not the 7–110 ms the old list walks took.
// Measured twice: rtm_process() alone, offline, in thread CPU time (the
// development addon's benchWorstBlock; on a shared machine wall time would
// mostly measure other processes), and the live callback on JACK (its stats'
// max duration, wall time, preemption included).
'use strict';
const { loopbackMixer, median, sleep } = require('./common');
const { native } = require('../dist/src/native');

const ITEMS = 1024;
const PERIOD = 64;

function offline(runs) {
  const all = Array.from({ length: runs }, () => native().benchWorstBlock(ITEMS, PERIOD));
  const us = (k, pick) => pick(all.map((r) => r[k] / 1000));
  const worst = (v) => Math.max(...v);
  return {
    queueBlockUs: us('queueBlockNs', worst),
    cancelBlockUs: us('cancelBlockNs', worst),
    waitingBlockUs: us('waitingBlockNs', worst),
    medianQueueBlockUs: us('queueBlockNs', median),
    medianCancelBlockUs: us('cancelBlockNs', median),
  };
}

async function live() {
  // room for the items and their cancels in flight at once
  const mixer = await loopbackMixer({ queueSize: 2 * ITEMS });
  const sound = new Float32Array(2 * 4800).fill(0.001); // 0.1 s each: 1024 of them queue 102 s
  try {
    await mixer.fetchStats();
    const queue = mixer.queue(Array.from({ length: ITEMS }, () => sound));
    await sleep(100);
    const queued = await mixer.fetchStats();
    queue.cancel();
    await queue.done;
    const cancelled = await mixer.fetchStats();
    return { queueMaxUs: queued.callbackDuration.max * 1e6, cancelMaxUs: cancelled.callbackDuration.max * 1e6, xruns: queued.xruns + cancelled.xruns };
  } finally {
    await mixer.close();
  }
}

module.exports = async function worstBlock() {
  const periodUs = (PERIOD / 48000) * 1e6;
  const off = offline(20);
  const on = await live();
  const worst = Math.max(off.queueBlockUs, off.cancelBlockUs, on.queueMaxUs, on.cancelMaxUs);
  return { items: ITEMS, periodUs, offline: off, live: on, worstUs: worst, underQuarter: worst < periodUs / 4 };
};

if (require.main === module) {
  process.env.RTMIXER_DEV_ADDON = process.env.RTMIXER_DEV_ADDON ?? '1';
  const { startJackServer } = require('../tools/jack-server');
  const server = startJackServer();
  module.exports()
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .finally(() => server.stop());
}
