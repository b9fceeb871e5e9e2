'use strict';
// A JACK server SIGKILLed under an open Mixer: the loss is noticed within a
// fraction of a second, the mixer closes itself (every action settles closed,
// later calls throw ERR_RTMIXER_CLOSED), close() is prompt, and once the
// server is back a new Mixer in the same process opens and plays. Runs in a
// child process with a JACK server of its own (never the suite's): see
// test/helpers/device-loss-child.js. Then: one PortAudio session, in-process.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Mixer, rescanDevices } = require('../..');

describe('Device loss: a JACK server killed under an open Mixer (in a child process)', function () {
  this.timeout(90000);

  it('emits ERR_RTMIXER_STREAM_LOST quickly, settles everything closed, closes promptly, reopens after a restart, and a close() racing a kill is prompt', async () => {
    const child = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'device-loss-child.js')], {
      encoding: 'utf8',
      timeout: 80000,
    });
    assert.equal(child.status, 0, `${child.stdout}\n${child.stderr}`);
    const report = JSON.parse(child.stdout);
    console.log(`      detected ${report.detectionMs.toFixed(0)} ms after SIGKILL (${report.reason}); close() ${report.closeAfterLossMs.toFixed(1)} ms after the loss, ${report.raceCloseMs.toFixed(0)} ms when it raced the kill`);
    assert.equal(report.code, 'ERR_RTMIXER_STREAM_LOST');
    assert.match(report.message, /^device lost: the audio stream on "system"/);
    assert.ok(report.detectionMs < 1000, `detected after ${report.detectionMs} ms`);
    assert.equal(report.closed, true);
    assert.equal(report.lostErrorKept, true);
    assert.deepEqual(report.results, [true, true, true]);
    assert.equal(report.stats, 'ERR_RTMIXER_CLOSED');
    assert.equal(report.later.code, 'ERR_RTMIXER_CLOSED');
    assert.match(report.later.message, /device lost/);
    assert.ok(report.closeAfterLossMs < 100, 'close() after the loss is prompt');
    assert.deepEqual(report.reopened, { closed: false, frames: 480 });
    assert.ok(report.raceCloseMs < 1500, `close() racing the kill took ${report.raceCloseMs} ms`);
    assert.equal(report.raceClosed, true);
    assert.match(child.stderr, /rtmixer: abandoned the audio stream without closing it \(the JACK server went away/);
  });
});

describe('One PortAudio session for the process', function () {
  this.timeout(30000);
  const { native } = require('../../dist/src/native');

  it('opens and closes mixers without re-initialising PortAudio (no JACK client churn), and rescans only when asked', async () => {
    await rescanDevices();
    const before = native().deviceListing().generation;
    for (let i = 0; i < 5; i++) await new Mixer({ hostApi: 'JACK', device: 'system' }).close();
    assert.equal(native().deviceListing().generation, before, 'no re-initialisation for an open');
    const mixer = new Mixer({ hostApi: 'JACK', device: 'system' });
    try {
      await rescanDevices(); // a stream holds the session: nothing to rescan
      assert.equal(native().deviceListing().generation, before);
    } finally {
      await mixer.close();
    }
    const { devices } = await rescanDevices();
    assert.equal(native().deviceListing().generation, before + 1);
    assert.ok(devices.some((d) => d.name === 'system'));
  });
});
