'use strict';
// Shared sounds through the real loopback: one loaded Sound played by many
// actions at once, with every play option, released while it plays, played
// on a second mixer, and its native memory back to 0 afterwards.
const assert = require('node:assert/strict');
const { Mixer, nativeMemory } = require('../..');
const { openLoopbackMixer, roundTripFrames, column, soon } = require('../helpers/loopback');
const { framesPass } = require('../helpers/wait');

const INVALID = 'ERR_RTMIXER_INVALID_ARGUMENT';

// Values k/65536 (k < 64): 256 of them add up exactly in float32, below full scale.
function stereo(frames) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    s[k * 2] = ((k * 7) % 64) / 65536;
    s[k * 2 + 1] = 0 - ((k * 5) % 64) / 65536; // 0 - x: never -0
  }
  return s;
}

describe('Shared sounds (mixer.load, play(sound))', function () {
  let mixer;
  let loaded;
  beforeEach(async () => {
    mixer = await openLoopbackMixer();
    // Every sound a test loads, released after it even when it failed.
    loaded = [];
    const load = mixer.load.bind(mixer);
    mixer.load = (...args) => { const s = load(...args); loaded.push(s); return s; };
  });
  afterEach(async () => {
    await mixer.close();
    for (const s of loaded) s.release();
  });

  it('sums 256 simultaneous plays of one Sound exactly, without a copy each', async () => {
    const frames = 4800;
    const samples = stereo(frames);
    const sound = mixer.load(samples, { channels: 2 });
    const latency = roundTripFrames(mixer);
    const at = soon(mixer, 0.5);
    const rec = mixer.record(frames + latency + 64, { at });
    const plays = [];
    for (let i = 0; i < 256; i++) plays.push(mixer.play(sound, { at }));
    const held = nativeMemory();
    assert.equal(held.actions, 257);
    // The sound once, plus 256 small action records: no copy of the samples per play.
    assert.ok(held.bytes < sound.byteLength + 257 * 1024, `${held.bytes} bytes held`);
    const results = await Promise.all(plays.map((p) => p.done));
    for (const r of results) assert.deepEqual([r.startFrame, r.frames, r.cancelled], [at, frames, false]);
    const recorded = (await rec.done).samples;
    for (let c = 0; c < 2; c++) {
      const got = column(recorded, 2, c);
      for (let k = 0; k < frames; k++) assert.equal(got[k + latency], samples[k * 2 + c] * 256, `channel ${c + 1} frame ${k}`);
    }
    assert.equal(nativeMemory().bytes, sound.byteLength, 'only the sound is left');
    sound.release();
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });

  it('plays with every option exactly as play(samples) does', async () => {
    // The same mono sound as a Float32Array on output 1 and as a Sound on
    // output 2, with the same options at the same frame: both recorded columns must match.
    const frames = 2000;
    const mono = new Float32Array(frames);
    for (let k = 0; k < frames; k++) mono[k] = ((k * 13) % 97) / 200 - 0.2;
    const sound = mixer.load(mono, { channels: 1 });
    const latency = roundTripFrames(mixer);
    const cases = [
      { gain: 0.5, fadeIn: { frames: 300 }, fadeOut: { frames: 500 }, curve: 'equal-power' },
      { loop: 2, loopStart: 100, loopEnd: 900, fadeIn: { frames: 64 } },
      { gain: 2, loop: 1, fadeOut: { frames: 1000 } },
    ];
    for (const options of cases) {
      const total = frames + (options.loop ?? 0) * ((options.loopEnd ?? frames) - (options.loopStart ?? 0));
      const at = soon(mixer);
      const rec = mixer.record(total + latency + 64, { at });
      const a = mixer.play(mono, { ...options, at, channels: [1] });
      const b = mixer.play(sound, { ...options, at, channels: [2] });
      const [ra, rb] = await Promise.all([a.done, b.done]);
      assert.deepEqual(rb, ra, JSON.stringify(options));
      const recorded = (await rec.done).samples;
      const left = column(recorded, 2, 0);
      const right = column(recorded, 2, 1);
      let energy = 0;
      for (let k = 0; k < left.length; k++) {
        assert.equal(right[k], left[k], `${JSON.stringify(options)} frame ${k}`);
        energy += Math.abs(left[k]);
      }
      assert.ok(energy > 1, 'the sound played');
    }
    // Gapless after a Sound, queues of Sounds, setGain and cancel with a fade.
    const at = soon(mixer);
    const first = mixer.play(sound, { at });
    const second = mixer.play(sound, { after: first });
    const queue = mixer.queue([sound, { samples: sound, gain: 0.5 }], { at: at + 10 * frames });
    const [r1, r2] = await Promise.all([first.done, second.done]);
    assert.equal(r2.startFrame, r1.startFrame + frames);
    const q = await queue.done;
    assert.equal(q[1].startFrame, q[0].startFrame + frames);
    const looping = mixer.play(sound, { loop: true });
    await mixer.setGain(looping, 0.25, { ramp: 0.01 }).done;
    await mixer.cancel(looping, { fadeOut: 0.01 }).done;
    assert.equal((await looping.done).cancelled, true);
    sound.release();
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });

  it('release() while playing: the plays go on to their end, then the memory is freed', async () => {
    const frames = 24000; // 0.5 s
    const samples = stereo(frames);
    const sound = mixer.load(samples, { channels: 2 });
    const latency = roundTripFrames(mixer);
    const at = soon(mixer);
    const rec = mixer.record(frames + latency + 64, { at, channels: [1] });
    const plays = [mixer.play(sound, { at }), mixer.play(sound, { at, gain: 2 })];
    sound.release();
    sound.release(); // harmless
    assert.equal(sound.released, true);
    assert.throws(() => mixer.play(sound), (err) => err.code === INVALID && /released Sound/.test(err.message));
    assert.throws(() => mixer.queue([sound]), (err) => err.code === INVALID);
    assert.equal(nativeMemory().bytes > sound.byteLength, true, 'still held by the two plays');
    const results = await Promise.all(plays.map((p) => p.done));
    for (const r of results) assert.equal(r.frames, frames);
    const recorded = (await rec.done).samples;
    for (let k = 0; k < frames; k++) assert.equal(recorded[k + latency], samples[k * 2] * 3, `frame ${k}`);
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });

  it('plays on another mixer whose outputs fit, and refuses one whose do not', async () => {
    const sound = mixer.load(stereo(480), { channels: 2 });
    const mono = new Mixer({ device: 'system', hostApi: 'JACK', inputChannels: 0, outputChannels: 1 });
    try {
      assert.throws(() => mono.play(sound), (err) => err.code === INVALID && /2 channels but this mixer has 1 outputs/.test(err.message));
      assert.throws(() => mono.load(stereo(4), { channels: 2 }), (err) => err.code === INVALID && /channels must be an integer from 1 to 1/.test(err.message));
      const other = new Mixer({ device: 'system', hostApi: 'JACK', inputChannels: 0, outputChannels: 2 });
      try {
        const r = await other.play(sound, { gain: 0.5 }).done;
        assert.deepEqual([r.frames, r.cancelled], [480, false]);
      } finally {
        await other.close();
      }
      const r = await mono.play(sound, { channels: [1, 1] }).done; // both channels to its one output
      assert.equal(r.frames, 480);
    } finally {
      await mono.close();
    }
    sound.release();
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });

  it('refuses a bad sound in a direct native call, and load() on a closed mixer', async () => {
    const sound = mixer.load(stereo(48), { channels: 2 });
    const engine = mixer.engine; // the addon's object, called directly as a hostile caller would
    const submit = (fields) => () => engine.submit({ type: 1, id: 1e6, channelMap: [0, 1], ...fields });
    assert.throws(submit({ sound: {} }), /sound must be a NativeSound/);
    assert.throws(submit({ sound: sound.native, channelMap: [0] }), /channelMap lists 1 channels but the sound has 2/);
    sound.release();
    assert.throws(submit({ sound: sound.native }), /the sound was released/);
    assert.equal(mixer.actionsInFlight, 0);
    await mixer.close();
    assert.throws(() => mixer.load(stereo(4), { channels: 2 }), (err) => err.code === 'ERR_RTMIXER_CLOSED');
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });

  it('keeps a released sound alive through close() until the callback gave its actions back', async () => {
    const sound = mixer.load(stereo(48000 * 5), { channels: 2 });
    const plays = [mixer.play(sound, { loop: true }), mixer.play(sound)];
    await framesPass(mixer, 4800); // the callback has them
    sound.release();
    assert.ok(nativeMemory().bytes >= sound.byteLength, 'the playing actions hold it');
    await mixer.close();
    for (const p of plays) assert.equal((await p.done).closed, true);
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });
});
