'use strict';
// Fades, loops, gain ramps and xrun events, all applied inside the callback,
// checked sample by sample through the JACK loopback.
const assert = require('node:assert/strict');
const { ActionFinishedError } = require('../..');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');
const { waitFor } = require('../helpers/wait');

const LEVEL = 0.5;

function constant(frames) {
  return new Float32Array(frames).fill(LEVEL);
}

async function playAndRecord(mixer, samples, options, extraFrames = 0) {
  const at = soon(mixer);
  const latency = roundTripFrames(mixer);
  const play = mixer.play(samples, { channels: [1], at, ...options });
  const rec = mixer.record(samples.length + extraFrames + latency, { at, channels: [1] });
  const [result, recorded] = await Promise.all([play.done, rec.done]);
  return { result, signal: recorded.samples.subarray(latency), at };
}

function assertClose(actual, expected, what, tolerance = 1e-6) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('Fades, loops and gain changes inside the callback', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('a linear fade-in and fade-out record back as the exact envelope', async () => {
    const F = 480;
    const { signal } = await playAndRecord(mixer, constant(4800), { fadeIn: { frames: F }, fadeOut: { frames: F } });
    for (let k = 0; k < F; k++) assertClose(signal[k], (LEVEL * k) / F, `fade-in frame ${k}`);
    for (let k = F; k < 4800 - F; k++) assert.equal(signal[k], LEVEL);
    for (let r = F; r >= 1; r--) assertClose(signal[4800 - r], (LEVEL * (r - 1)) / F, `fade-out frame ${4800 - r}`);
  });

  it('an equal-power fade follows sin(t·π/2), with durations in seconds', async () => {
    const F = 480; // 10 ms at 48 kHz
    const { signal } = await playAndRecord(mixer, constant(2400), { fadeIn: 0.01, curve: 'equal-power' });
    for (let k = 0; k < F; k++) assertClose(signal[k], LEVEL * Math.sin(((k / F) * Math.PI) / 2), `frame ${k}`);
    assert.equal(signal[F], LEVEL);
  });

  it('cancel with a fade-out ends the sound along the fade, then silence', async () => {
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    const F = 256;
    const sound = mixer.play(constant(48000), { channels: [1], at });
    const cancelAt = at + 1000;
    mixer.cancel(sound, { at: cancelAt, fadeOut: { frames: F } });
    const rec = mixer.record(2000 + latency, { at, channels: [1] });
    const [result, recorded] = await Promise.all([sound.done, rec.done]);
    const signal = recorded.samples.subarray(latency);
    assert.equal(result.cancelled, true);
    assert.equal(result.frames, 1000 + F);
    assert.equal(signal[999], LEVEL);
    for (let k = 0; k < F; k++) assertClose(signal[1000 + k], (LEVEL * (F - 1 - k)) / F, `fade frame ${k}`);
    for (let k = 1000 + F; k < 2000; k++) assert.equal(signal[k], 0);
  });

  it('a 100-frame loop region repeated 50 times records back as the exact periodic signal', async () => {
    const period = new Float32Array(100);
    for (let k = 0; k < 100; k++) period[k] = (k - 50) / 128;
    const { result, signal } = await playAndRecord(mixer, period, { loop: 49 }, 4900 + 100);
    assert.equal(result.frames, 5000);
    for (let k = 0; k < 5000; k++) assert.equal(signal[k], period[k % 100], `frame ${k}`);
    for (let k = 5000; k < 5100; k++) assert.equal(signal[k], 0);
  });

  it('loops a region inside a sound: intro, region n+1 times, outro; seams are sample-continuous', async () => {
    const sound = new Float32Array(300);
    for (let k = 0; k < 300; k++) sound[k] = k / 512;
    const { result, signal } = await playAndRecord(mixer, sound, { loop: 2, loopStart: 100, loopEnd: 200 }, 200);
    const expected = [];
    for (let k = 0; k < 200; k++) expected.push(sound[k]);
    for (let pass = 0; pass < 2; pass++) for (let k = 100; k < 200; k++) expected.push(sound[k]);
    for (let k = 200; k < 300; k++) expected.push(sound[k]);
    assert.equal(result.frames, expected.length);
    expected.forEach((v, k) => assert.equal(signal[k], v, `frame ${k}`));
  });

  it('setGain with a ramp records back as the expected line, starting at the exact frame', async () => {
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    const sound = mixer.play(constant(4800), { channels: [1], at });
    const R = 960;
    const changeAt = at + 1000 + 13;
    const change = mixer.setGain(sound, 0.2, { at: changeAt, ramp: { frames: R } });
    const rec = mixer.record(4800 + latency, { at, channels: [1] });
    const [, changed, recorded] = await Promise.all([sound.done, change.done, rec.done]);
    assert.equal(changed.targetFound, true);
    const signal = recorded.samples.subarray(latency);
    for (let k = 0; k < 1013; k++) assert.equal(signal[k], LEVEL);
    for (let k = 0; k <= R; k++) assertClose(signal[1013 + k], LEVEL * (1 - (0.8 * k) / R), `ramp frame ${k}`, 1e-5);
    for (let k = 1013 + R; k < 4800; k++) assertClose(signal[k], LEVEL * 0.2, `after ramp ${k}`, 1e-7);
  });

  it('changing the gain of a finished sound is a clear error', async () => {
    const sound = mixer.play(new Float32Array([0.1, 0.1]));
    await sound.done;
    assert.throws(() => mixer.setGain(sound, 0.5), (err) => {
      assert.ok(err instanceof ActionFinishedError);
      assert.equal(err.code, 'ERR_RTMIXER_ACTION_FINISHED');
      assert.match(err.message, /Cannot set gain: the action has already finished/);
      return true;
    });
  });

  it('refuses shapes that make no sense', () => {
    const s = constant(100);
    assert.throws(() => mixer.play(s, { channels: [1], loop: true, fadeOut: 0.01 }), /fadeOut needs an end/);
    assert.throws(() => mixer.play(s, { channels: [1], loopStart: 50, loopEnd: 40 }), /loopEnd \(40\) must be after loopStart \(50\)/);
    assert.throws(() => mixer.play(s, { channels: [1], curve: 'cubic' }), /curve must be 'linear' or 'equal-power'/);
    assert.throws(() => mixer.play(s, { channels: [1], fadeIn: -1 }), /fadeIn must be seconds >= 0/);
    // fades and ramps are counted in 32 bits by the core: a day-long one is refused, never wrapped
    assert.throws(() => mixer.play(s, { channels: [1], fadeOut: 86400 }), /fadeOut of 86400 s is 4147200000 frames; the most is 2147483647/);
    assert.throws(() => mixer.setGain(mixer.play(s, { channels: [1] }), 0.5, { ramp: { frames: 2 ** 31 } }), /ramp.frames/);
  });
});

describe('Xrun reporting', function () {
  let mixer;
  beforeEach(async () => {
    process.env.RTMIXER_ENABLE_TEST_HOOKS = '1';
    mixer = await openLoopbackMixer();
  });
  afterEach(async () => {
    await mixer.close();
    delete process.env.RTMIXER_ENABLE_TEST_HOOKS;
  });

  it('a stalled callback shows up in stats and as an xrun event with its frame and kind', async () => {
    await mixer.fetchStats();
    const events = [];
    mixer.on('xrun', (e) => events.push(e));
    const before = mixer.currentFrame;
    mixer._setTestHook('stall'); // a 20 ms stall every 256 blocks
    await waitFor('an xrun event', () => events.length > 0);
    mixer._setTestHook('');
    const stats = await mixer.fetchStats();
    assert.ok(stats.xruns > 0, JSON.stringify(stats));
    assert.ok(stats.outputUnderflows > 0);
    assert.ok(stats.callbackDuration.max >= 0.019, `longest callback ${stats.callbackDuration.max}s`);
    assert.ok(events.length > 0, 'xrun events were emitted');
    for (const e of events) {
      assert.ok(e.frame >= before && e.frame <= mixer.currentFrame, `frame ${e.frame}`);
      assert.ok(e.kinds.includes('outputUnderflow'), e.kinds.join());
      assert.equal(e.frame % 64, 0, 'the first frame of a block');
    }
    assert.equal(new Set(events.map((e) => e.frame)).size, events.length, 'at most one event per block');
  });
});
