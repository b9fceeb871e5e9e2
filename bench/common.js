// Shared by the benchmarks: a loopback mixer on the private JACK server, and small statistics.
'use strict';
const { Mixer } = require('..');
const { wireLoopback } = require('../tools/jack-server');

async function loopbackMixer(options = {}) {
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK', ...options });
  wireLoopback();
  await sleep(50);
  return mixer;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function blockEventLoop(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* busy */ }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

module.exports = { loopbackMixer, sleep, blockEventLoop, median };
