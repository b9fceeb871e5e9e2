'use strict';
// Device loss without JACK: a stand-in PortAudio (test/native/fake_portaudio.c)
// whose audio thread stops calling back without telling anyone (only the
// frame-clock watchdog can notice), stops as a host that noticed (finished
// callback, inactive), or whose abort never returns (what PortAudio 19.6's
// JACK host does for 10 minutes). Each child process must exit by itself:
// no timer keeps it alive, so a referenced thread-safe function would hang it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildFakePortAudio, runWithFake } = require('../helpers/fake-portaudio');

// Plays, records and fetches stats, then reports what the loss did as JSON.
const lossScript = `
const fs = require('node:fs');
const { Mixer } = require('.');
const mixer = new Mixer({ device: 'fake' });
const actions = [mixer.play(new Float32Array(48000 * 2 * 30)), mixer.record(48000 * 30)];
// Asked just after the host stopped: it waits in a dead stream until the loss settles it.
const stats = new Promise((resolve) => setTimeout(() => {
  try { mixer.fetchStats().then(() => resolve('resolved'), (e) => resolve(e.code)); } catch (e) { resolve('threw ' + e.code); }
}, 420));
const report = { lostListeners: 0 };
mixer.on('error', (err) => {
  report.detectedAt = performance.timeOrigin + performance.now();
  report.code = err.code;
  report.reason = err.reason;
  report.closedWhenEmitted = mixer.closed;
  try { mixer.play(new Float32Array(2)); } catch (e) { report.later = e.code; }
  const start = performance.now();
  mixer.close().then(() => (report.closeMs = performance.now() - start));
});
mixer.on('close', () => (report.closeEvents = (report.closeEvents || 0) + 1));
Promise.all(actions.map((a) => a.done)).then(async (results) => {
  report.closed = results.map((r) => r.closed);
  report.stats = await stats;
  report.stoppedAt = Number(fs.readFileSync(process.env.FAKE_PA_REPORT, 'utf8'));
  process.on('exit', () => process.stdout.write(JSON.stringify(report)));
});
`;

describe('Device loss with a stand-in PortAudio (offline)', function () {
  this.timeout(60000);
  let library;
  let dir;
  before(() => {
    library = buildFakePortAudio();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-loss-'));
  });

  for (const stop of ['silent', 'finish']) {
    it(`notices a host that stops calling back (${stop}), closes the mixer, settles everything, and Node exits by itself`, async () => {
      const stopFile = path.join(dir, `stop-${stop}`);
      const run = await runWithFake(library, lossScript, { FAKE_PA_STOP_AFTER_MS: '400', FAKE_PA_STOP: stop, FAKE_PA_REPORT: stopFile });
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      const latency = report.detectedAt - report.stoppedAt;
      console.log(`      ${stop}: detected ${latency.toFixed(0)} ms after the host stopped`);
      assert.equal(report.code, 'ERR_RTMIXER_STREAM_LOST');
      assert.equal(report.reason, stop === 'silent' ? 'stalled' : 'host');
      assert.ok(latency >= 0 && latency < 1000, `detected ${latency} ms after the stop`);
      assert.equal(report.closedWhenEmitted, true);
      assert.equal(report.later, 'ERR_RTMIXER_CLOSED');
      assert.deepEqual(report.closed, [true, true]);
      assert.equal(report.stats, 'ERR_RTMIXER_CLOSED');
      assert.equal(report.closeEvents, 1);
      assert.ok(report.closeMs < 50, `close() after the loss took ${report.closeMs} ms`);
    });
  }

  it('abandons a stream whose abort never returns: close() comes back within about a second, says so in one log line, and Node exits', async () => {
    const script = `
      const { Mixer } = require('.');
      const mixer = new Mixer({ device: 'fake' });
      const playing = mixer.play(new Float32Array(48000 * 2 * 30));
      setTimeout(() => {
        const start = performance.now();
        mixer.close().then(async () => {
          const closeMs = performance.now() - start;
          const result = await playing.done;
          process.stdout.write(JSON.stringify({ closeMs, closed: result.closed }));
        });
      }, 300);
    `;
    const run = await runWithFake(library, script, { FAKE_PA_ABORT: 'block' });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    console.log(`      close() with a blocking abort: ${report.closeMs.toFixed(0)} ms`);
    assert.ok(report.closeMs >= 900 && report.closeMs < 2000, `close() took ${report.closeMs} ms`);
    assert.equal(report.closed, true);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('rtmixer: abandoned'));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /stays allocated on purpose/);
  });

  it('a loss whose stream will not stop either: the error comes promptly, the stream is abandoned, and Node exits', async () => {
    const stopFile = path.join(dir, 'stop-blocking');
    const run = await runWithFake(library, lossScript, { FAKE_PA_STOP_AFTER_MS: '400', FAKE_PA_ABORT: 'block', FAKE_PA_REPORT: stopFile });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const latency = report.detectedAt - report.stoppedAt;
    console.log(`      silent stop + blocking abort: error ${latency.toFixed(0)} ms after the stop`);
    assert.ok(latency < 1000, `detected ${latency} ms after the stop`);
    assert.deepEqual(report.closed, [true, true]);
    assert.match(run.stderr, /rtmixer: abandoned the audio stream/);
  });
});
