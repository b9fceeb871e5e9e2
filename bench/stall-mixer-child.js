// The mixer's side of the stall comparison (bench/stall-compare.js), in its own
// process: opens a one-output mixer on the JACK server in JACK_DEFAULT_SERVER,
// plays a looping 1 kHz sine (exactly periodic: 48 frames at 48 kHz), says
// "ready", and on the parent's { stall: seconds } blocks its event loop 200 ms
// every 400 ms while churning garbage (big typed arrays that the allocator
// maps and unmaps, and short-lived objects for V8's collector). It answers
// with the stall windows on CLOCK_MONOTONIC (ns, as process.hrtime), so the
// parent can tell breaks inside a stall from breaks outside one, and with the
// callback's own mean and longest duration meanwhile (a page fault that waits
// for the kernel's memory-map lock shows there).
'use strict';
const { Mixer } = require('..');

const MiB = 1 << 20;

function sine(mixer) {
  const period = mixer.sampleRate / 1000;
  const s = new Float32Array(period * 100);
  for (let k = 0; k < s.length; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % period)) / period);
  return s;
}

/** Busy for `ms` while allocating: one typed array of 64–320 MiB written page by page, and small objects. */
function stallWithGarbage(ms, keep) {
  const until = Date.now() + ms;
  const big = new Uint8Array((64 + Math.floor(Math.random() * 256)) * MiB);
  for (let i = 0; i < big.length && Date.now() < until; i += 4096) big[i] = 1;
  keep.push(big);
  if (keep.length > 2) keep.shift(); // the oldest becomes garbage: freed (unmapped) by a later GC
  let objects = [];
  while (Date.now() < until) {
    for (let i = 0; i < 1000; i++) objects.push({ i, s: `x${i}` });
    if (objects.length > 200000) objects = [];
  }
}

async function stall(seconds) {
  const windows = [];
  const keep = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    stallWithGarbage(200, keep);
    windows.push([String(t0), String(process.hrtime.bigint())]);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  keep.length = 0;
  return windows;
}

// BENCH_STALL_RECORD=1 (a diagnosis, not part of `npm run bench`): the mixer also
// records one input channel meanwhile, so its callback writes fresh pages.
const recording = process.env.BENCH_STALL_RECORD === '1';
const mixer = new Mixer({ device: 'system', hostApi: 'JACK', inputChannels: recording ? 1 : 0, outputChannels: 1 });
mixer.play(sine(mixer), { loop: true });
process.on('message', async (msg) => {
  if (msg.stall !== undefined) {
    await mixer.fetchStats(); // starts the stats afresh
    const take = recording ? mixer.record(Math.round((msg.stall + 1) * mixer.sampleRate)) : null;
    const windows = await stall(msg.stall);
    if (take) await take.done;
    const { callbackDuration } = await mixer.fetchStats();
    process.send({ windows, callback: { meanUs: callbackDuration.mean * 1e6, maxUs: callbackDuration.max * 1e6 } });
  }
  if (msg.stats) process.send({ stats: await mixer.fetchStats() });
  if (msg.close) {
    await mixer.close();
    process.disconnect();
  }
});
process.send({ ready: true });
