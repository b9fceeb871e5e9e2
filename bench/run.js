#!/usr/bin/env node
// `npm run bench`: prints each figure with how it was measured and writes
// bench/results.json (BENCHMARKS.md and bench/chart.svg are made from it).
// BENCH_QUICK=1 shortens the long runs (stalls 3 s, periods 5 s each, the stall
// comparison and the record 10 s, CPU 3 s each).
'use strict';
process.env.RTMIXER_DEV_ADDON = process.env.RTMIXER_DEV_ADDON ?? '1'; // bench kernels (binding.gyp target rtmixer_dev)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startJackServer } = require('../tools/jack-server');
const { runAndPrint } = require('./common');

const quick = process.env.BENCH_QUICK === '1';
const fmt = (n, d = 2) => (typeof n === 'number' ? n.toFixed(d) : String(n));

async function main() {
  const server = startJackServer();
  const results = { machine: { cpus: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, date: new Date().toISOString() } };
  try {
    console.log('JACK dummy driver, 48 kHz, 64-frame period (1.33 ms), loopback out->in.\n');
    results.voices = await require('./voices')();
    console.log('1. Callback cost vs voices (stereo play actions; mean/max over 1.5 s of blocks; plain loop = C sum of the same samples: one buffer per voice, 64 frames a block; offline = rtm_process() alone on the same voices, thread CPU time)');
    console.table(results.voices.rows.map((r) => ({ voices: r.voices, 'mean µs': fmt(r.meanUs), 'max µs': fmt(r.maxUs), 'load mean': fmt(r.loadMean, 4), 'load max': fmt(r.loadMax, 4), 'plain loop µs': fmt(r.plainLoopUs), 'callback / plain': fmt(r.ratio), 'offline µs': fmt(r.offlineUs), 'offline / plain': fmt(r.offlineRatio), 'in cache: plain µs': fmt(r.cachedLoopUs), 'in cache: offline µs': fmt(r.offlineCachedUs), 'in cache: offline / plain': fmt(r.offlineCachedRatio), xruns: r.xruns })));
    console.log(`   level meters (output and input, stereo, 64 frames): ${fmt(results.voices.meterUs * 1000, 0)} ns per block each, included above\n`);

    results.stalls = await require('./stalls')(quick ? 3 : 10);
    console.log('2. Stall immunity (event loop blocked 30 ms every 500 ms + garbage churn; glitches = breaks of periodicity in the loopback)');
    console.table({ 'mixer callback (whole sound handed over)': results.stalls.callback, 'JS-fed ring buffer (256 frames, 1 ms timer)': results.stalls.jsFed });

    results.timing = await require('./timing')();
    const t = results.timing;
    console.log('3. Trigger latency: play() at random moments (ASAP) → first recorded sample, frames on the mixer clock');
    console.table({ frames: { count: t.trigger.count, min: t.trigger.minFrames, median: t.trigger.medianFrames, max: t.trigger.maxFrames, 'round trip': t.roundTripFrames } });
    const st = t.soundTrigger;
    console.log(`   play(sound) of a loaded Sound: from the call's moment (mixer.frameAt) to its first output frame, target one period + 1 ms = ${st.targetFrames} frames`);
    console.table({ 'all calls': st.all });
    console.log(`   play(sound) call: median ${st.playCallUs.median} µs, max ${st.playCallUs.max} µs; ${st.misplaced} first samples not at their reported startFrame in the loopback`);
    console.log(`   1000 scheduled starts on a 96-frame grid: worst start error ${t.grid.worstErrorFrames} frames (loopback), ${t.grid.reportedErrors} reported off-frame\n`);

    results.worstBlock = await require('./worst-block')();
    const w = results.worstBlock;
    console.log(`6. Worst block, ${w.items} queue items then cancel-all (64-frame period ${fmt(w.periodUs, 0)} µs, target < ${fmt(w.periodUs / 4, 0)} µs):`);
    console.table({
      'offline rtm_process, CPU time, median of 20': { 'queue block µs': fmt(w.offline.medianQueueBlockUs), 'cancel block µs': fmt(w.offline.medianCancelBlockUs), 'block with all waiting µs': '' },
      'offline rtm_process, CPU time, worst of 20': { 'queue block µs': fmt(w.offline.queueBlockUs), 'cancel block µs': fmt(w.offline.cancelBlockUs), 'block with all waiting µs': fmt(w.offline.waitingBlockUs) },
      'live callback on JACK (stats max)': { 'queue block µs': fmt(w.live.queueMaxUs), 'cancel block µs': fmt(w.live.cancelMaxUs), 'block with all waiting µs': '' },
    });
    console.log(`   under a quarter period: ${w.underQuarter}\n`);

    results.memory = await require('./memory')(quick ? 20000 : 100000);
    const m = results.memory;
    console.log(`4. Memory: ${m.plays} short plays in ${fmt(m.seconds, 1)} s: RSS ${fmt(m.rssBeforeMiB, 1)} → ${fmt(m.rssAfterMiB, 1)} MiB; native ${JSON.stringify(m.nativeBefore)} → ${JSON.stringify(m.nativeAfter)}\n`);
  } finally {
    server.stop();
  }
  results.periods = await require('./periods')(quick ? 5 : 60);
  console.log(`5. Smallest period with 64 voices and no xrun (${results.periods.rows[0].seconds} s each): ${results.periods.smallestClean}`);
  console.table(results.periods.rows);
  results.decode = await runAndPrint('./decode', quick); // 6. decoding sound files off the event loop
  results.stallCompare = await runAndPrint('./stall-compare', quick ? 10 : 60); // 7. stalled Node beside plain JACK/PortAudio clients
  results.recordFaults = await runAndPrint('./record-faults', quick ? 10 : 60); // 8. audio-thread page faults during a record
  results.cpu = await runAndPrint('./cpu', quick ? 3 : 10); // 9. one sound's CPU beside node-web-audio-api
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 2));
  require('./chart')(results, path.join(__dirname, 'chart.svg'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
