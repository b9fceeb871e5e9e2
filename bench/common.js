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

/**
 * Runs a benchmark module that starts its own JACK server (`require(file)(seconds)`)
 * and prints it with its print(); one that cannot run here (JACK or PortAudio
 * headers missing, every server name taken) says why, and the rest go on.
 */
async function runAndPrint(file, seconds) {
  const bench = require(file);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await bench(seconds);
      bench.print(result);
      return result;
    } catch (err) {
      // Every pooled server name taken (tests running beside): wait for one, up to ~3 min.
      if (/Could not start a JACK dummy server/.test(err.message) && attempt < 12) {
        await sleep(15000);
        continue;
      }
      console.log(`${err.message}\n`);
      return { error: err.message };
    }
  }
}

module.exports = { loopbackMixer, sleep, blockEventLoop, median, runAndPrint };
