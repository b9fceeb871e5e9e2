// How long the event loop was kept from running by this process's own work,
// apart from the time the kernel kept its thread waiting for a CPU.
//
// perf_hooks' event-loop delay counts both. On a 2-core machine with two busy
// loops beside the test, an idle event loop (no work at all) already shows
// 22-145 ms delays (measured: 33 ms in 30 s on a quiet host, kernel 6.18): the
// thread was ready, the CPU was not. A 1 ms timer reads the main thread's
// run-queue wait (/proc/thread-self/schedstat, field 2) at every tick, and a
// tick's lateness minus the wait in it is what the process itself held the
// loop for. On a machine with CPU to spare the wait is ~0 and both agree.
'use strict';
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const SCHEDSTAT = '/proc/thread-self/schedstat';

function runQueueWaitNs() {
  return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]);
}

/** Runs `work` while watching the loop: { result, seconds, maxMs, ownMaxMs, waitedMs }. */
async function watchEventLoop(work) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const schedstat = fs.existsSync(SCHEDSTAT);
  let ownMaxMs = 0;
  let waitedMs = 0;
  let lastAt = performance.now();
  let lastWait = schedstat ? runQueueWaitNs() : 0;
  const tick = setInterval(() => {
    const at = performance.now();
    const wait = schedstat ? runQueueWaitNs() : 0;
    const waited = (wait - lastWait) / 1e6;
    waitedMs += waited;
    ownMaxMs = Math.max(ownMaxMs, at - lastAt - 1 - waited);
    lastAt = at;
    lastWait = wait;
  }, 1);
  histogram.enable();
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, maxMs: histogram.max / 1e6, ownMaxMs, waitedMs, schedstat };
  } finally {
    histogram.disable();
    clearInterval(tick);
  }
}

module.exports = { watchEventLoop };
