// Runs in a child process (test/loopback/device-loss.test.js): a JACK server
// of its own is SIGKILLed under an open Mixer, then restarted. In a child
// because a process that lost a JACK server keeps libjack bound to that
// server's name (its dead clients are never closed): the test process must
// stay on the suite's server. Prints one JSON report.
'use strict';
const fs = require('node:fs');
const { Mixer, rescanDevices } = require('../..');
const { freeServerName, startJackServer } = require('../../tools/jack-server');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function once(emitter, event, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function restart(server) {
  for (let i = 0; i < 500 && fs.existsSync(`/proc/${server.pid}`); i++) await sleep(10);
  return startJackServer({ name: server.name });
}

async function main() {
  const report = {};
  let server = startJackServer({ name: freeServerName() });
  try {
    await rescanDevices();
    // 1. Killed under a running mixer.
    const mixer = new Mixer({ hostApi: 'JACK', device: 'system' });
    const long = mixer.play(new Float32Array(48000 * 2 * 30).fill(0.01));
    const scheduled = mixer.play(new Float32Array(480 * 2), { at: mixer.currentFrame + 48000 * 20 });
    const recording = mixer.record(48000 * 20);
    while (mixer.currentFrame < 4800) await sleep(10);
    const lost = once(mixer, 'error', 5000);
    const killedAt = performance.now();
    process.kill(server.pid, 'SIGKILL');
    const stats = mixer.fetchStats().then(() => 'resolved', (e) => e.code);
    const err = await lost;
    report.detectionMs = performance.now() - killedAt;
    report.code = err.code;
    report.reason = err.reason;
    report.message = err.message;
    report.closed = mixer.closed;
    report.lostErrorKept = mixer.lostError === err;
    report.results = (await Promise.all([long, scheduled, recording].map((a) => a.done))).map((r) => r.closed);
    report.stats = await stats;
    try {
      mixer.play(new Float32Array(2));
    } catch (e) {
      report.later = { code: e.code, message: e.message };
    }
    let t = performance.now();
    await mixer.close();
    report.closeAfterLossMs = performance.now() - t;

    // 2. Back: a new Mixer in this process opens and plays.
    server = await restart(server);
    await rescanDevices();
    const again = new Mixer({ hostApi: 'JACK', device: 'system' });
    const played = await again.play(new Float32Array(480 * 2).fill(0.01)).done;
    report.reopened = { closed: played.closed, frames: played.frames };

    // 3. A close() that races the kill, before the loss is noticed.
    const playing = again.play(new Float32Array(48000 * 2 * 10));
    while (again.currentFrame < 4800) await sleep(10);
    process.kill(server.pid, 'SIGKILL');
    await sleep(5);
    t = performance.now();
    await again.close();
    report.raceCloseMs = performance.now() - t;
    report.raceClosed = (await playing.done).closed;
  } finally {
    server.stop();
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
