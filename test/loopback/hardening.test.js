'use strict';
// Ordinary calls that used to crash the process or poison the mix: each now
// gets a coded error, and the stream keeps playing other sounds untouched.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Mixer, RingBuffer, nativeMemory } = require('../..');
const { native } = require('../../dist/src/native');
const { openLoopbackMixer, roundTripFrames, soon } = require('../helpers/loopback');

const INVALID = 'ERR_RTMIXER_INVALID_ARGUMENT';

function throwsCoded(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error');
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

/** A ramp on channel 1 of a stereo sound: exact values a loopback recording can be compared with. */
function ramp(frames) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) s[k * 2] = ((k % 200) + 1) / 256;
  return s;
}

/** Plays a ramp and records it back: the stream still mixes exactly. */
async function assertStillMixesExactly(mixer) {
  const frames = 2400;
  const latency = roundTripFrames(mixer);
  const at = soon(mixer, 0.2); // far enough ahead on a loaded machine
  const sound = ramp(frames);
  const play = mixer.play(sound, { at });
  const rec = mixer.record(frames + latency, { at, channels: [1] });
  const [played, recorded] = await Promise.all([play.done, rec.done]);
  assert.equal(played.frames, frames);
  for (let k = 0; k < frames; k++) assert.equal(recorded.samples[k + latency], sound[k * 2], `frame ${k}`);
}

async function until(condition, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Hardening: ordinary calls never crash the process', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('refuses sparse channel arrays (holes) in play, record and both ring actions', async () => {
    const holes = [];
    holes[1] = 2; // what a Node-RED function node makes with msg.outputs = []; msg.outputs[1] = 2
    for (const channels of [new Array(2), holes]) {
      const hole = /channels\[0\] must be a channel number from 1 to 2.*got nothing \(a hole in a sparse array\)/;
      throwsCoded(() => mixer.play(new Float32Array(4), { channels }), INVALID, hole);
      throwsCoded(() => mixer.record(10, { channels }), INVALID, hole);
      throwsCoded(() => mixer.playRingbuffer(new RingBuffer(64, 2), { channels }), INVALID, hole);
      throwsCoded(() => mixer.recordRingbuffer(new RingBuffer(64, 2), { channels }), INVALID, hole);
    }
    assert.equal(nativeMemory().actions, 0, 'nothing was submitted');
    await assertStillMixesExactly(mixer);
  });

  it('bounds every gain (0 to 100) so no Infinity reaches the mix', async () => {
    const gain = /gain must be a linear gain from 0 to 100/;
    const two = new Float32Array(2);
    for (const bad of [3.5e38, 1e15, 100.5, -1, NaN, Infinity, '1']) {
      throwsCoded(() => mixer.play(two, { gain: bad }), INVALID, gain);
      throwsCoded(() => mixer.playRingbuffer(new RingBuffer(64, 2), { gain: bad }), INVALID, gain);
      throwsCoded(() => mixer.createWriteStream({ gain: bad }), INVALID, gain);
    }
    const sound = mixer.play(new Float32Array(2 * 48000), { gain: 100 });
    throwsCoded(() => mixer.setGain(sound, 1e15), INVALID, gain);
    throwsCoded(() => mixer.setGain(sound, -0.5), INVALID, gain);
    mixer.setGain(sound, 0);
    mixer.cancel(sound);
    assert.equal((await sound.done).cancelled, true);
  });

  it('refuses NaN or Infinity written into a ring, and writes nothing of it', async () => {
    const rb = new RingBuffer(64, 2);
    throwsCoded(() => rb.write(new Float32Array([0.1, 0.2, 0.3, NaN])), INVALID, /non-finite sample \(NaN\) at index 3/);
    throwsCoded(() => rb.write(new Float32Array([-Infinity, 0])), INVALID, /non-finite sample \(-Infinity\) at index 0/);
    assert.equal(rb.readAvailable, 0, 'nothing written');

    const stream = mixer.createWriteStream({ channels: [1] });
    const failed = new Promise((resolve) => stream.once('error', resolve));
    stream.write(new Float32Array([0.25, 0.5, Infinity, 0.75]));
    const err = await failed;
    assert.equal(err.code, INVALID);
    assert.match(err.message, /chunk contains a non-finite sample \(Infinity\) at index 2/);
    assert.equal(stream.ring.readAvailable, 0, 'no part of the chunk was written');
    assert.equal(stream.action, undefined, 'nothing started playing');
  });

  it("refuses an action of another mixer (ids collide) and leaves that mixer's own sound alone", async () => {
    const other = new Mixer({ device: 'system', hostApi: 'JACK' });
    try {
      const mine = mixer.play(new Float32Array(2 * 4800).fill(0.1));
      const theirs = other.play(new Float32Array(2 * 4800).fill(0.1));
      assert.equal(mine.id, theirs.id, 'the same id on both mixers');
      const foreign = /got an Action of another Mixer/;
      throwsCoded(() => other.cancel(mine), INVALID, foreign);
      throwsCoded(() => other.setGain(mine, 0.5), INVALID, foreign);
      throwsCoded(() => other.play(new Float32Array(2), { after: mine }), INVALID, foreign);
      const [a, b] = await Promise.all([mine.done, theirs.done]);
      assert.equal(a.cancelled, false);
      assert.equal(b.cancelled, false, "the other mixer's sound was not cancelled");
      assert.equal(b.frames, 4800);
    } finally {
      await other.close();
    }
  });

  it('refuses sizes it cannot hold with ERR_RTMIXER_TOO_LARGE before allocating anything', async () => {
    const before = nativeMemory();
    // 2^31 frames x 2 channels: 16 GiB (on 32-bit ARM this used to wrap to a few bytes).
    throwsCoded(() => mixer.record(2 ** 31), 'ERR_RTMIXER_TOO_LARGE', /2147483648 frames x 2 channels needs 16384 MiB.*at most 2 GiB/);
    throwsCoded(() => new RingBuffer(2 ** 26, 64), 'ERR_RTMIXER_TOO_LARGE', /67108864 frames x 64 channels.*at most 2 GiB/);
    assert.deepEqual(nativeMemory(), before, 'nothing allocated');
    // At the limit in frames but small in bytes: fine.
    assert.equal(new RingBuffer(2 ** 20, 1).capacity, 2 ** 20);
    await assertStillMixesExactly(mixer);
  });

  it('answers an allocation the system refuses with ERR_RTMIXER_NO_MEMORY, never a crash', function () {
    this.timeout(30000);
    // A child process whose address space is capped at 1.75 GiB (Node and a JACK client take about 1 GiB): 1 GiB buffers cannot be had.
    const script = `
      const { Mixer, RingBuffer } = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
      const out = {};
      const code = (fn) => { try { fn(); return 'accepted'; } catch (e) { return e.code + ': ' + e.message; } };
      out.ring = code(() => new RingBuffer(2 ** 23, 32));
      const mixer = new Mixer({ device: 'system', hostApi: 'JACK' });
      out.record = code(() => mixer.record(2 ** 27));
      mixer.play(new Float32Array(2 * 480)).done.then((r) => {
        out.playedAfter = r.frames;
        return mixer.close();
      }).then(() => console.log(JSON.stringify(out)));
    `;
    const r = spawnSync('sh', ['-c', `ulimit -v ${1792 * 1024} && exec "${process.execPath}" -e "$0"`, script], {
      encoding: 'utf8',
      timeout: 25000,
    });
    assert.equal(r.status, 0, `child exited with ${r.status} ${r.signal}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.match(out.ring, /^ERR_RTMIXER_NO_MEMORY: Out of memory for a ring buffer of 1024 MiB/);
    assert.match(out.record, /^ERR_RTMIXER_NO_MEMORY: Out of memory for a 1024 MiB recording buffer/);
    assert.equal(out.playedAfter, 480, 'the mixer plays on');
  });

  it('keeps a ring to one producer and one consumer while an action uses it', async () => {
    const busy = 'ERR_RTMIXER_RING_BUSY';
    const played = new RingBuffer(1024, 2);
    played.write(new Float32Array(2 * 1024).fill(0.1));
    const play = mixer.playRingbuffer(played, { endWhenDrained: false });
    assert.equal(played.inUse, 'play');
    throwsCoded(() => played.read(), busy, /Cannot read: the audio callback plays from it \(playRingbuffer\) and is its only reader/);
    throwsCoded(() => mixer.playRingbuffer(played), busy, /already used by another action/);
    throwsCoded(() => mixer.recordRingbuffer(played), busy, /already used by another action/);

    const recorded = new RingBuffer(1024, 2);
    const rec = mixer.recordRingbuffer(recorded);
    assert.equal(recorded.inUse, 'record');
    throwsCoded(() => recorded.write(new Float32Array(2)), busy, /Cannot write: the audio callback records into it \(recordRingbuffer\) and is its only writer/);
    await until(() => recorded.readAvailable > 0, 'recorded frames');
    assert.ok(recorded.read().length > 0, 'JavaScript reads the end it owns');

    mixer.cancel(play);
    mixer.cancel(rec);
    await Promise.all([play.done, rec.done]);
    assert.equal(played.inUse, '', 'both ends are JavaScript\'s again');
    assert.equal(recorded.inUse, '');
    played.read();
    recorded.write(new Float32Array(2));
    assert.ok(recorded.readAvailable <= recorded.capacity);
  });

  it('validates every descriptor in the native layer: a direct call cannot reach the callback with bad data', async () => {
    const engine = mixer.engine; // the exported native class, as a direct caller would use it
    const f32 = (n) => new Float32Array(n);
    const stereoRing = new RingBuffer(64, 2);
    let id = 1000;
    const play = (fields) => ({ type: 1, id: ++id, channelMap: [0, 1], samples: f32(4), ...fields });
    const hostile = [
      [undefined, /descriptor object/],
      ['play', /descriptor object/],
      [{ type: 99, id: ++id }, /type must be an integer from 1 to 7/],
      [{ type: 1.5, id: ++id }, /type must be an integer/],
      [{ type: 6 }, /id must be an integer from 1/],
      [{ type: 6, id: -3 }, /id must be an integer from 1/],
      [play({ channelMap: [0, 2] }), /channelMap\[1\] must be a stream channel index from 0 to 1/],
      [play({ channelMap: new Array(2) }), /channelMap\[0\] must be a stream channel index/],
      [play({ channelMap: [] }), /channelMap must list 1 to 64 channels/],
      [play({ channelMap: new Array(65).fill(0), samples: f32(65) }), /channelMap must list 1 to 64 channels/],
      [play({ channelMap: '01' }), /channelMap must be an array/],
      [play({ samples: new Float64Array(4) }), /samples must be a Float32Array/],
      [play({ samples: [0, 0, 0, 0] }), /samples must be a Float32Array/],
      [play({ samples: f32(3) }), /whole, non-zero number of channelMap-wide frames/],
      [play({ samples: f32(0) }), /whole, non-zero number/],
      [play({ loopStart: 2 }), /loopStart must be an integer from 0 to 1/],
      [play({ loopEnd: 3 }), /loopEnd must be an integer from 0 to 2/],
      [play({ loopStart: 1, loopEnd: 1 }), /loopEnd must be after loopStart/],
      [play({ loops: -2 }), /loops must be an integer from -1/],
      [play({ fadeIn: 2 ** 40 }), /fadeIn must be an integer from 0 to 2147483647/],
      [play({ fadeOut: -1 }), /fadeOut must be an integer/],
      [play({ gain: Infinity }), /gain must be a number from 0 to 100/],
      [play({ gain: NaN }), /gain must be a number from 0 to 100/],
      [play({ gain: 3.5e38 }), /gain must be a number from 0 to 100/],
      [play({ at: -1 }), /at must be an integer from 0/],
      [play({ at: NaN }), /at must be an integer/],
      [play({ allowBelated: 'yes' }), /allowBelated must be a boolean/],
      [play({ afterId: 0.5 }), /afterId must be an integer/],
      [{ type: 2, id: ++id, channelMap: [0], frames: 0 }, /frames must be an integer from 1/],
      [{ type: 2, id: ++id, channelMap: [0] }, /frames must be an integer from 1/],
      [{ type: 2, id: ++id, channelMap: [0], frames: 1.5 }, /frames must be an integer/],
      [{ type: 2, id: ++id, channelMap: [2], frames: 10 }, /channelMap\[0\] must be a stream channel index from 0 to 1/],
      [{ type: 3, id: ++id, channelMap: [0, 1], ring: {} }, /ring must be a NativeRingBuffer/],
      [{ type: 3, id: ++id, channelMap: [0, 1], ring: Object.create(Object.getPrototypeOf(stereoRing.native)) }, /ring must be a NativeRingBuffer/],
      [{ type: 3, id: ++id, channelMap: [0], ring: stereoRing.native }, /channelMap lists 1 channels but the ring buffer has 2/],
      [{ type: 4, id: ++id, channelMap: [0, 5], ring: stereoRing.native }, /channelMap\[1\] must be a stream channel index/],
      [{ type: 5, id: ++id, targetId: -1 }, /targetId must be an integer from 1/],
      [{ type: 5, id: ++id, targetId: 1, fadeOut: 2 ** 33 }, /fadeOut must be an integer from 0 to 2147483647/],
      [{ type: 7, id: ++id, targetId: 1, ramp: 2 ** 33 }, /ramp must be an integer from 0 to 2147483647/],
      [{ type: 7, id: ++id, targetId: 1, gain: -1 }, /gain must be a number from 0 to 100/],
      [{ get type() { throw new Error('a hostile getter'); } }, /a hostile getter/],
      [play({ channelMap: new Proxy([0, 1], {}) }), /channelMap must be an array/],
      [play({ channelMap: Object.defineProperty([0, 0], 1, { get() { throw new Error('a hostile element'); } }) }), /a hostile element/],
    ];
    const before = nativeMemory();
    for (const [i, [descriptor, message]] of hostile.entries()) {
      assert.throws(() => engine.submit(descriptor), (err) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, message, `hostile descriptor #${i}: ${err.message}`);
        return true;
      });
    }
    // Too large is coded, so the library can say so.
    assert.throws(() => engine.submit({ type: 2, id: ++id, channelMap: [0, 1], frames: 2 ** 40 }), (err) => err.code === 'ERR_RTMIXER_TOO_LARGE');
    assert.deepEqual(nativeMemory(), before, 'nothing refused was kept');

    // The other entry points of the native class, called with wrong types: an Error, never an abort.
    assert.throws(() => engine.xruns('x'), /xruns\(since\) needs a number >= 0/);
    assert.throws(() => engine.xruns(-1), /needs a number >= 0/);
    assert.throws(() => new (native().NativeMixer)(5, 6), /needs an object and a function/);

    // One id in flight at a time.
    const longId = ++id;
    engine.submit({ type: 1, id: longId, channelMap: [0, 1], samples: f32(2 * 48000), loops: -1 });
    assert.throws(() => engine.submit({ type: 6, id: longId }), /id \d+ is already in flight/);
    engine.submit({ type: 5, id: ++id, targetId: longId });
    await until(() => nativeMemory().actions === 0, 'the cancelled loop to come back');
    await assertStillMixesExactly(mixer);
  });

  it('bounds fade and ramp lengths so they fit the core and say why', async () => {
    const sound = new Float32Array(2 * 4800);
    throwsCoded(() => mixer.play(sound, { fadeIn: 1e9 }), INVALID, /fadeIn of 1000000000 s is 48000000000000 frames; the most is 2147483647 \(12\.4 h\)/);
    throwsCoded(() => mixer.play(sound, { fadeOut: { frames: 2 ** 32 } }), INVALID, /fadeOut\.frames must be an integer from 0 to 2147483647/);
    const voice = mixer.play(sound, { loop: true });
    throwsCoded(() => mixer.setGain(voice, 0.5, { ramp: 1e12 }), INVALID, /ramp of 1000000000000 s is .* frames; the most is 2147483647/);
    throwsCoded(() => mixer.cancel(voice, { fadeOut: 1e300 }), INVALID, /fadeOut of 1e\+300 s is .* frames; the most is 2147483647/);
    throwsCoded(() => mixer.play(sound, { loop: 2 ** 32 }), INVALID, /loop must be an integer from 0 to 2147483648/);
    mixer.setGain(voice, 0.5, { ramp: 3600 }); // an hour: long, but allowed
    mixer.cancel(voice, { fadeOut: 0.01 });
    assert.equal((await voice.done).cancelled, true);
  });

  it('refuses unknown options, naming the key and the allowed ones', async () => {
    const two = new Float32Array(2);
    const rb = new RingBuffer(64, 2);
    throwsCoded(() => mixer.play(two, { fadeout: 1 }), INVALID,
      /Unknown option "fadeout" for play\(\) \(did you mean "fadeOut"\?\)\. Allowed: at, allowBelated, after, channels, gain, fadeIn, fadeOut, curve, loop, loopStart, loopEnd$/);
    throwsCoded(() => mixer.record(10, { channel: [1] }), INVALID, /Unknown option "channel" for record\(\)\. Allowed: at, allowBelated, channels$/);
    throwsCoded(() => mixer.playRingbuffer(rb, { fadeIn: 1 }), INVALID, /Unknown option "fadeIn" for playRingbuffer\(\)\. Allowed: at, allowBelated, channels, gain, endWhenDrained$/);
    throwsCoded(() => mixer.recordRingbuffer(rb, { gain: 2 }), INVALID, /Unknown option "gain" for recordRingbuffer\(\)/);
    throwsCoded(() => mixer.queue([{ samples: two, Gain: 2 }]), INVALID, /Unknown option "Gain" for play\(\) \(did you mean "gain"\?\)/);
    throwsCoded(() => mixer.queue([two], { delay: 5 }), INVALID, /Unknown option "delay" for queue\(\)\. Allowed: at, allowBelated$/);
    throwsCoded(() => mixer.createWriteStream({ ring: 4096 }), INVALID, /Unknown option "ring" for createWriteStream\(\)\. Allowed: channels, ringFrames, prefillFrames, gain, after$/);
    throwsCoded(() => mixer.createReadStream({ poll: 5 }), INVALID, /Unknown option "poll" for createReadStream\(\)\. Allowed: at, allowBelated, channels, ringFrames, pollMs$/);
    throwsCoded(() => mixer.play(two, 'loud'), INVALID, /The options of play\(\) must be an object, got "loud"/);
    throwsCoded(() => mixer.play(two, null), INVALID, /must be an object, got null/);
    const voice = mixer.play(new Float32Array(2 * 4800));
    throwsCoded(() => mixer.setGain(voice, 0.5, { rampp: 1 }), INVALID, /Unknown option "rampp" for setGain\(\)\. Allowed: at, ramp$/);
    throwsCoded(() => mixer.cancel(voice, { fade: 1 }), INVALID, /Unknown option "fade" for cancel\(\)\. Allowed: at, fadeOut, curve$/);
    // Known keys with undefined values are fine (option objects built field by field).
    mixer.cancel(voice, { at: undefined, fadeOut: undefined });
    await voice.done;
  });

  it('hands a finished recording to JavaScript without copying it, and frees it with its array', async () => {
    const addon = native();
    const frames = 48000;
    global.gc();
    await until(() => addon.recordingBytes() === 0 || (global.gc(), false), 'earlier recordings to be collected');
    let take = await mixer.record(frames).done;
    assert.equal(take.samples.length, frames * 2);
    assert.equal(addon.recordingBytes(), frames * 2 * 4, 'the native buffer is the array\'s memory');
    assert.equal(nativeMemory().bytes, 0, 'and no longer counted as held by an action');
    take = null;
    await until(() => (global.gc(), addon.recordingBytes() === 0), 'the finalizer to free the recording');
  });
});
