'use strict';
// SoundBank's bookkeeping without an audio server: a recording stand-in for
// the Mixer (what play/cancel/load were asked, and voices the test ends by
// hand). What the sounds sound like is tested through JACK in
// test/nodes/sampler.test.js.
const assert = require('node:assert/strict');
const { SoundBank } = require('../../dist/src/index.js');

/** A Mixer as far as the bank uses it; `end(voice)` plays a voice to its end. */
function fakeMixer({ outputChannels = 2, queueSize = 64 } = {}) {
  const mixer = {
    sampleRate: 48000,
    outputChannels,
    queueSize,
    closed: false,
    played: [],
    cancelled: [],
    loaded: [],
    get actionsInFlight() {
      return mixer.played.filter((v) => !v.finished).length;
    },
    load(samples, { channels }) {
      const sound = { samples: samples.slice(), channels, frames: samples.length / channels, released: false, release() { sound.released = true; } };
      mixer.loaded.push(sound);
      return sound;
    },
    play(audio, options) {
      let settle;
      const voice = { audio, options, finished: false, done: new Promise((resolve) => (settle = resolve)) };
      voice.end = (cancelled = false) => {
        voice.finished = true;
        settle({ startFrame: 0, frames: 1, late: 0, cancelled, closed: false });
      };
      mixer.played.push(voice);
      return voice;
    },
    cancel(voice, options) {
      mixer.cancelled.push({ voice, options });
      queueMicrotask(() => voice.end(true));
      return {};
    },
  };
  return mixer;
}

const code = (c, pattern = /./) => (err) => err.code === c && pattern.test(err.message);
const stereo = (frames, v = 0.1) => ({ samples: new Float32Array(frames * 2).fill(v), channels: 2 });
const mono = (frames, v = 0.1) => ({ samples: new Float32Array(frames).fill(v), channels: 1 });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SoundBank', () => {
  it('holds named sounds: add, has, names, remove; a bad name or sound is a coded error', () => {
    const bank = new SoundBank(fakeMixer());
    bank.add('kick', stereo(10));
    bank.add('snare', mono(10));
    assert.deepEqual(bank.names, ['kick', 'snare']);
    assert.ok(bank.has('kick'));
    assert.equal(bank.remove('kick'), true);
    assert.equal(bank.remove('kick'), false);
    assert.deepEqual(bank.names, ['snare']);
    const invalid = code('ERR_RTMIXER_INVALID_ARGUMENT');
    assert.throws(() => bank.add('', mono(1)), invalid);
    assert.throws(() => bank.add('x', { samples: [0.1], channels: 1 }), invalid);
    assert.throws(() => bank.add('x', mono(1), { polyphony: 0 }), invalid);
    assert.throws(() => bank.add('x', mono(1), { steal: 'newest' }), code('ERR_RTMIXER_INVALID_ARGUMENT', /"oldest" or "refuse"/));
  });

  it('triggers by name with play options; routes a mono sound to every output through one widened copy', () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer);
    bank.add('tone', mono(100));
    assert.deepEqual(mixer.loaded.map((s) => s.channels), [1, 2], 'a mono sound is loaded with a copy for both outputs');
    const a = bank.trigger('tone', { gain: 0.5, at: 1000 });
    const b = bank.trigger('tone', { outputs: [2] });
    bank.trigger('tone');
    assert.deepEqual(mixer.played[0].options, { gain: 0.5, at: 1000, channels: [1, 2] });
    assert.deepEqual(mixer.played[1].options, { channels: [2] });
    assert.equal(mixer.played[0].audio, mixer.played[2].audio, 'the widened copy is made once');
    assert.notEqual(mixer.played[0].audio, mixer.played[1].audio);
    assert.equal(a, mixer.played[0]);
    assert.equal(b, mixer.played[1]);
    assert.equal(bank.voices('tone'), 3);
    bank.add('wide', stereo(10));
    assert.throws(() => bank.trigger('wide', { outputs: [1] }), code('ERR_RTMIXER_INVALID_ARGUMENT', /2 channels but outputs lists 1 output/));
    const quad = new SoundBank(fakeMixer({ outputChannels: 4 }));
    quad.add('tone', mono(10));
    quad.trigger('tone', { outputs: [3] });
    assert.throws(() => quad.trigger('tone', { outputs: [1, 2] }), code('ERR_RTMIXER_INVALID_ARGUMENT', /mono: it plays on one output or on all 4/));
  });

  it("at the polyphony limit 'oldest' cancels the oldest voice of that sound with a 5 ms fade at the new start", async () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer, { polyphony: 2 });
    bank.add('a', mono(10));
    bank.add('b', mono(10));
    const [a1, a2] = [bank.trigger('a'), bank.trigger('a')];
    bank.trigger('b');
    const a3 = bank.trigger('a', { at: 5000 });
    assert.equal(mixer.cancelled.length, 1);
    assert.equal(mixer.cancelled[0].voice, a1);
    assert.deepEqual(mixer.cancelled[0].options, { at: 5000, fadeOut: 0.005 });
    assert.equal(bank.voices('a'), 2, 'the stolen voice no longer counts');
    await settle();
    a2.end();
    await settle();
    bank.trigger('a');
    assert.equal(mixer.cancelled.length, 1, 'a voice that ended made room');
    bank.trigger('a');
    assert.equal(mixer.cancelled[1].voice, a3);
    assert.equal(bank.voices(), 3);
  });

  it("'refuse' throws ERR_RTMIXER_VOICE_LIMIT and plays nothing; a per-sound setting overrides the bank's", () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer, { polyphony: 1, steal: 'refuse' });
    bank.add('one', mono(10));
    bank.add('three', mono(10), { polyphony: 3 });
    bank.trigger('one');
    assert.throws(() => bank.trigger('one'), code('ERR_RTMIXER_VOICE_LIMIT', /"one" already plays 1 voice/));
    for (let i = 0; i < 3; i++) bank.trigger('three');
    assert.throws(() => bank.trigger('three'), code('ERR_RTMIXER_VOICE_LIMIT'));
    assert.equal(mixer.played.length, 4);
    assert.equal(mixer.cancelled.length, 0);
  });

  it('stealing needs room for two actions: a nearly full queue refuses with ERR_RTMIXER_QUEUE_FULL before stealing', () => {
    const mixer = fakeMixer({ queueSize: 2 });
    const bank = new SoundBank(mixer, { polyphony: 1 });
    bank.add('x', mono(10));
    bank.trigger('x');
    assert.throws(() => bank.trigger('x'), code('ERR_RTMIXER_QUEUE_FULL'));
    assert.equal(mixer.cancelled.length, 0);
  });

  it('an unknown name is ERR_RTMIXER_UNKNOWN_SOUND listing the known ones, or saying it is still loading', async () => {
    const bank = new SoundBank(fakeMixer());
    bank.add('bell', mono(10));
    assert.throws(() => bank.trigger('bel'), code('ERR_RTMIXER_UNKNOWN_SOUND', /no sound named "bel"\. Known sounds: "bell"/));
    let decoded;
    const loading = bank.load('gong', new Promise((resolve) => (decoded = resolve)));
    assert.ok(bank.loading('gong'));
    assert.throws(() => bank.trigger('gong'), code('ERR_RTMIXER_UNKNOWN_SOUND', /"gong" is still loading/));
    decoded(mono(10));
    assert.equal(await loading, true);
    assert.ok(!bank.loading());
    bank.trigger('gong');
    await assert.rejects(bank.stop('nothing'), code('ERR_RTMIXER_UNKNOWN_SOUND'));
  });

  it('the newest load of a name wins, whatever order the decodes finish in; decoded samples are added at once', async () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer);
    let slow;
    const first = bank.load('x', new Promise((resolve) => (slow = resolve)));
    const second = bank.load('x', Promise.resolve(mono(5, 0.5)));
    assert.equal(await second, true);
    slow(mono(5, 0.25));
    assert.equal(await first, false, 'the older decode is dropped');
    bank.trigger('x', { outputs: [1] });
    assert.equal(mixer.played[0].audio.samples?.[0] ?? mixer.played[0].audio[0], 0.5);
    const now = bank.load('y', mono(1));
    assert.ok(bank.has('y'), 'added before the promise settles');
    assert.equal(await now, true);
  });

  it('stop(name) cancels only that sound, newest first; stop() every voice; both resolve once the voices have ended', async () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer);
    bank.add('a', mono(10));
    bank.add('b', mono(10));
    const [a1, a2, b1] = [bank.trigger('a'), bank.trigger('a'), bank.trigger('b')];
    await bank.stop('a', { fadeOut: 0.1 });
    assert.deepEqual(mixer.cancelled.map((c) => c.voice), [a2, a1]);
    assert.deepEqual(mixer.cancelled[0].options, { fadeOut: 0.1 });
    assert.ok(a1.finished && a2.finished && !b1.finished);
    assert.equal(bank.voices(), 1);
    await bank.stop();
    assert.ok(b1.finished);
    assert.equal(bank.voices(), 0);
  });

  it('a replaced or removed sound, and every sound at dispose(), is released only once its voices have ended', async () => {
    const mixer = fakeMixer();
    const bank = new SoundBank(mixer);
    bank.add('pad', mono(10, 0.1));
    const old = bank.trigger('pad');
    bank.add('pad', mono(10, 0.2));
    bank.trigger('pad');
    assert.equal(bank.voices('pad'), 2, "the old sound's voice still counts under its name");
    await settle();
    const released = () => mixer.loaded.filter((s) => s.released).length;
    assert.equal(released(), 0, 'the old sound plays on');
    old.end();
    await settle();
    assert.equal(released(), 2, 'the old sound and its widened copy are freed once its voice ended');
    bank.add('gone', mono(10));
    bank.remove('gone');
    await settle();
    assert.equal(released(), 4, 'a removed mono sound and its wide copy');
    const disposing = bank.dispose();
    await settle();
    assert.equal(released(), 4, 'dispose waits for the playing voice');
    await bank.stop();
    await disposing;
    assert.equal(released(), mixer.loaded.length);
    assert.throws(() => bank.add('late', mono(1)), code('ERR_RTMIXER_INVALID_ARGUMENT', /disposed/));
    assert.throws(() => bank.trigger('pad'), code('ERR_RTMIXER_UNKNOWN_SOUND'));
    assert.equal(await bank.load('late', Promise.resolve(mono(1))).catch((e) => e.code), 'ERR_RTMIXER_INVALID_ARGUMENT');
  });
});
