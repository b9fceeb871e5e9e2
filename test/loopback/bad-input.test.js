'use strict';
const assert = require('node:assert/strict');
const { Mixer, InvalidArgumentError } = require('../..');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');

function throwsClearly(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('Bad input gets a clear error and disturbs nothing', function () {
  let mixer;
  afterEach(() => mixer && mixer.close());

  it('refuses bad play/record arguments while a sound keeps playing untouched', async () => {
    mixer = await openLoopbackMixer();
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    const length = 24000; // 0.5 s of a known ramp on channel 1
    const ramp = new Float32Array(length * 2);
    for (let k = 0; k < length; k++) ramp[k * 2] = (k % 256) / 256;
    const sound = mixer.play(ramp, { at });
    const rec = mixer.record(length + latency, { at, channels: [1] });

    const bad = 'ERR_RTMIXER_INVALID_ARGUMENT';
    throwsClearly(() => mixer.play([0.1, 0.2]), bad, /samples must be a Float32Array.*got an Array/);
    throwsClearly(() => mixer.play(Buffer.alloc(8)), bad, /Float32Array.*Buffer|Uint8Array/);
    throwsClearly(() => mixer.play(new Float64Array(4)), bad, /Float32Array.*Float64Array/);
    throwsClearly(() => mixer.play(new Float32Array(3)), bad, /not a whole number of 2-channel frames/);
    throwsClearly(() => mixer.play(new Float32Array(0)), bad, /empty/);
    throwsClearly(() => mixer.play(new Float32Array(2), { channels: [3] }), bad, /channel number from 1 to 2/);
    throwsClearly(() => mixer.play(new Float32Array(2), { channels: [0] }), bad, /from 1 to 2.*got 0/);
    throwsClearly(() => mixer.play(new Float32Array(2), { gain: NaN }), bad, /gain must be a linear gain from 0 to 100, got NaN/);
    throwsClearly(() => mixer.play(new Float32Array(2), { gain: Infinity }), bad, /gain must be a linear gain from 0 to 100/);
    throwsClearly(() => mixer.play(new Float32Array([0, NaN])), bad, /non-finite sample \(NaN\) at index 1/);
    throwsClearly(() => mixer.play(new Float32Array([Infinity, 0])), bad, /non-finite sample/);
    throwsClearly(() => mixer.play(new Float32Array(2), { at: -5 }), bad, /at must be an integer >= 0/);
    throwsClearly(() => mixer.play(new Float32Array(2), { at: 1.5 }), bad, /at must be an integer/);
    throwsClearly(() => mixer.play(new Float32Array(2), { allowBelated: 'yes' }), bad, /allowBelated must be true or false/);
    throwsClearly(() => mixer.record(0), bad, /frames must be an integer from 1/);
    throwsClearly(() => mixer.record(100, { channels: [5] }), bad, /channel number from 1 to 2/);
    throwsClearly(() => mixer.cancel({ id: 1 }), bad, /cancel\(\) needs an Action/);

    const [played, recorded] = await Promise.all([sound.done, rec.done]);
    assert.equal(played.frames, length);
    for (let k = 0; k < length; k++) assert.equal(recorded.samples[k + latency], ramp[k * 2], `frame ${k}`);
  });

  it('names the device it could not find, and lists the ones there are', () => {
    throwsClearly(() => new Mixer({ device: 'no-such-card-xyz' }), 'ERR_RTMIXER_DEVICE_NOT_FOUND', /No output device matches "no-such-card-xyz".*Available: .*system/);
    throwsClearly(() => new Mixer({ device: 999 }), 'ERR_RTMIXER_DEVICE_NOT_FOUND', /no device with index 999/);
    throwsClearly(() => new Mixer({ hostApi: 'NoSuchApi' }), 'ERR_RTMIXER_DEVICE_NOT_FOUND', /No host API matches "NoSuchApi"/);
  });

  it('explains bad stream options', () => {
    const base = { device: 'system', hostApi: 'JACK' };
    throwsClearly(() => new Mixer({ ...base, outputChannels: 9 }), 'ERR_RTMIXER_INVALID_ARGUMENT', /outputChannels is 9, but device "system" has only 2/);
    throwsClearly(() => new Mixer({ ...base, inputChannels: 0, outputChannels: 0 }), 'ERR_RTMIXER_INVALID_ARGUMENT', /at least one direction/);
    throwsClearly(() => new Mixer({ ...base, latency: 'fast' }), 'ERR_RTMIXER_INVALID_ARGUMENT', /latency must be 'low', 'high' or seconds/);
    throwsClearly(() => new Mixer({ ...base, sampleRate: 'cd' }), 'ERR_RTMIXER_INVALID_ARGUMENT', /sampleRate must be a number of Hz/);
    throwsClearly(() => new Mixer({ ...base, volume: 3 }), 'ERR_RTMIXER_INVALID_ARGUMENT', /Unknown Mixer option "volume"/);
  });

  it('says which sample rate the device refused and which it runs at', () => {
    // JACK runs at the server's rate only.
    throwsClearly(() => new Mixer({ device: 'system', hostApi: 'JACK', sampleRate: 44100 }), 'ERR_RTMIXER_STREAM_OPEN', /44100 Hz.*default rate is 48000 Hz/);
  });

  it('refuses actions on a closed mixer', async () => {
    mixer = await openLoopbackMixer();
    await mixer.close();
    throwsClearly(() => mixer.play(new Float32Array(2)), 'ERR_RTMIXER_CLOSED', /Cannot play: the mixer is closed/);
    throwsClearly(() => mixer.record(10), 'ERR_RTMIXER_CLOSED', /Cannot record/);
    await assert.rejects(mixer.fetchStats(), (err) => err.code === 'ERR_RTMIXER_CLOSED');
  });

  it('refuses a full action queue without losing what is queued', async () => {
    mixer = await openLoopbackMixer({ queueSize: 8 });
    const at = soon(mixer);
    const actions = [];
    for (let i = 0; i < 8; i++) actions.push(mixer.play(new Float32Array([0.1, 0.1]), { at: at + i }));
    throwsClearly(() => mixer.play(new Float32Array(2)), 'ERR_RTMIXER_QUEUE_FULL', /queue is full: 8 actions are in flight/);
    const results = await Promise.all(actions.map((a) => a.done));
    results.forEach((r, i) => assert.equal(r.startFrame, at + i));
    // room again
    await mixer.play(new Float32Array([0.1, 0.1])).done;
  });

  it('all errors are instances of the exported classes', () => {
    assert.throws(() => new Mixer({ blockSize: -1 }), InvalidArgumentError);
  });
});
