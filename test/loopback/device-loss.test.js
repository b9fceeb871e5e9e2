'use strict';
// A JACK server SIGKILLed under an open Mixer: the loss is noticed within a
// fraction of a second, the mixer closes itself (every action settles closed,
// later calls throw ERR_RTMIXER_CLOSED), close() is prompt, and once the
// server is back a new Mixer in the same process opens and plays. Uses a JACK
// server of its own (never the suite's), then returns the PortAudio session
// to the suite's server.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Mixer, rescanDevices } = require('../..');
const { freeServerName, startJackServer } = require('../../tools/jack-server');

function once(emitter, event, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Starts the server again under its name once the killed one has gone (JACK refuses a name whose process still exists). */
async function restart(server) {
  for (let i = 0; i < 500 && fs.existsSync(`/proc/${server.pid}`); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return startJackServer({ name: server.name });
}

describe('Device loss: a JACK server killed under an open Mixer', function () {
  this.timeout(60000);
  let suiteServer = null; // read once the suite's root hook has started its server
  let server;

  before(async () => {
    suiteServer = process.env.JACK_DEFAULT_SERVER;
    server = startJackServer({ name: freeServerName() }); // sets JACK_DEFAULT_SERVER
    await rescanDevices(); // PortAudio's session now talks to our server
  });

  after(async () => {
    if (server) server.stop();
    if (suiteServer === undefined) delete process.env.JACK_DEFAULT_SERVER;
    else if (suiteServer !== null) process.env.JACK_DEFAULT_SERVER = suiteServer;
    await rescanDevices(); // back to the suite's server (the session to ours is retired)
  });

  it('emits ERR_RTMIXER_STREAM_LOST quickly, settles everything closed, closes promptly, and reopens after a restart', async () => {
    const mixer = new Mixer({ hostApi: 'JACK', device: 'system' });
    const long = mixer.play(new Float32Array(48000 * 2 * 30).fill(0.01));
    const scheduled = mixer.play(new Float32Array(480 * 2), { at: mixer.currentFrame + 48000 * 20 });
    const recording = mixer.record(48000 * 20);
    // Let the stream run a little, so the kill lands mid-stream.
    while (mixer.currentFrame < 4800) await new Promise((resolve) => setTimeout(resolve, 10));

    const lost = once(mixer, 'error', 5000);
    const killedAt = performance.now();
    process.kill(server.pid, 'SIGKILL');
    const stats = mixer.fetchStats(); // submitted into the dying stream
    const err = await lost;
    const detectionMs = performance.now() - killedAt;
    console.log(`      detected ${detectionMs.toFixed(0)} ms after SIGKILL (${err.reason})`);
    assert.equal(err.code, 'ERR_RTMIXER_STREAM_LOST');
    assert.match(err.message, /^device lost: the audio stream on "system"/);
    assert.ok(detectionMs < 1000, `detected after ${detectionMs} ms`);
    assert.equal(mixer.closed, true);
    assert.equal(mixer.lostError, err);

    for (const action of [long, scheduled, recording]) {
      const result = await action.done;
      assert.equal(result.closed, true);
    }
    await assert.rejects(stats, { code: 'ERR_RTMIXER_CLOSED' });
    assert.throws(() => mixer.play(new Float32Array(2)), { code: 'ERR_RTMIXER_CLOSED', message: /device lost/ });
    const closeStart = performance.now();
    await mixer.close();
    assert.ok(performance.now() - closeStart < 100, 'close() after the loss is prompt');

    // The server comes back: a new Mixer in this process opens and plays.
    server = await restart(server);
    await rescanDevices();
    const again = new Mixer({ hostApi: 'JACK', device: 'system' });
    try {
      const played = await again.play(new Float32Array(480 * 2).fill(0.01)).done;
      assert.equal(played.closed, false);
      assert.equal(played.frames, 480);
    } finally {
      await again.close();
    }
  });

  it('a close() that races the kill, before the loss is noticed, is still prompt', async () => {
    await rescanDevices();
    const mixer = new Mixer({ hostApi: 'JACK', device: 'system' });
    const playing = mixer.play(new Float32Array(48000 * 2 * 10));
    while (mixer.currentFrame < 4800) await new Promise((resolve) => setTimeout(resolve, 10));
    process.kill(server.pid, 'SIGKILL');
    // JACK tells the client within milliseconds; close at once, well inside the watcher's tick or right after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const closeStart = performance.now();
    await mixer.close();
    const closeMs = performance.now() - closeStart;
    console.log(`      close() ${closeMs.toFixed(0)} ms right after SIGKILL`);
    assert.ok(closeMs < 1500, `close() took ${closeMs} ms`);
    assert.equal((await playing.done).closed, true);
    server = await restart(server);
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
