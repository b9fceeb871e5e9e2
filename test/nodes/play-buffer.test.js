'use strict';
// rtmixer-play-buffer through the real Node-RED runtime and the JACK loopback:
// what the node plays is recorded by the config node's Mixer one period later.
const assert = require('node:assert/strict');
const { WaveFile } = require('wavefile');
const { flowFrame, helper, loadFlow, mixerConfig, mixerOf, nextMessage, sleep, playBufferNode, useNodeRed } = require('../helpers/node-red');
const { waitFor } = require('../helpers/wait');
const { column, soon } = require('../helpers/loopback');
const { PERIOD } = require('../../tools/jack-server');
const { nativeMemory } = require('../..');

const { tab, at0, out, catcher, caught } = flowFrame;

const play = playBufferNode; // this file's play-buffer node

/** Resolves with the next `n` messages `nodeId` receives. */
function messages(nodeId, n, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const node = helper.getNode(nodeId);
    const got = [];
    const timer = setTimeout(() => reject(new Error(`${nodeId} received ${got.length} of ${n} messages in ${timeoutMs} ms`)), timeoutMs);
    const listener = (msg) => {
      got.push(msg);
      if (got.length === n) {
        clearTimeout(timer);
        node.removeListener('input', listener);
        resolve(got);
      }
    };
    node.on('input', listener);
  });
}

/** Every status a node sets from now on. */
function statuses(nodeId) {
  const node = helper.getNode(nodeId);
  const seen = [];
  const original = node.status.bind(node);
  node.status = (s) => {
    seen.push(s);
    original(s);
  };
  return seen;
}

/** 16-bit WAV file bytes of interleaved int16 samples. */
function wav16(ints, channels, sampleRate) {
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, '16', ints);
  return Buffer.from(wav.toBuffer());
}

/** A constant mono sound. */
const constant = (frames, value) => new Float32Array(frames).fill(value);

describe('rtmixer-play-buffer node', function () {
  this.timeout(30000);
  useNodeRed();

  it('plays a Float32Array at msg.at sample-exactly, reports it when it has ended, then Complete fires', async () => {
    const complete = { id: 'completer', type: 'complete', ...at0, scope: ['play'], uncaught: false, wires: [['completed']] };
    await loadFlow([tab, mixerConfig(), play(), out, complete, { id: 'completed', type: 'helper', ...at0 }]);
    const seen = statuses('play');
    const mixer = mixerOf();
    const frames = 1000;
    const samples = new Float32Array(frames * 2);
    for (let k = 0; k < frames; k++) {
      samples[2 * k] = ((k % 64) - 32) / 256;
      samples[2 * k + 1] = -((k % 32) + 1) / 128;
    }
    const at = soon(mixer, 0.3) + 13;
    const rec = mixer.record(frames + PERIOD + 100, { at });
    const reply = nextMessage('out');
    const completion = nextMessage('completed');
    helper.getNode('play').receive({ payload: samples, at, topic: 'tone' });

    const msg = await reply;
    assert.deepEqual(msg.payload, { startFrame: at, frames, late: 0, cancelled: false, closed: false });
    assert.equal(msg.topic, 'tone', 'the input message is sent on');
    const completed = await completion;
    assert.equal(completed.topic, 'tone');
    assert.ok(mixer.currentFrame >= at + frames, 'Complete fired after the sound ended');

    const recorded = (await rec.done).samples;
    const left = column(recorded, 2, 0);
    const right = column(recorded, 2, 1);
    for (let k = 0; k < PERIOD; k++) assert.equal(left[k], 0, `silence before, frame ${k}`);
    for (let k = 0; k < frames; k++) {
      assert.equal(left[PERIOD + k], samples[2 * k], `left frame ${k}`);
      assert.equal(right[PERIOD + k], samples[2 * k + 1], `right frame ${k}`);
    }
    for (let k = PERIOD + frames; k < left.length; k++) assert.equal(left[k], 0, `silence after, frame ${k}`);

    assert.deepEqual(seen[0], { fill: 'green', shape: 'dot', text: 'playing 1' });
    assert.deepEqual(seen[seen.length - 1], { fill: 'grey', shape: 'ring', text: 'idle' });
  });

  it('plays raw int16 and int32 Buffers and 16-bit WAV files at the right values; resamples a 44.1 kHz WAV', async () => {
    await loadFlow([
      tab, mixerConfig(), out, catcher, caught,
      play({ id: 'p16', format: 'int16' }),
      play({ id: 'p32', format: 'int32' }),
      play({ id: 'pwav' }),
      play({ id: 'pfixed', resample: false }),
    ]);
    const mixer = mixerOf();
    const frames = 500;
    const i16 = new Int16Array(frames * 2);
    const i32 = new Int32Array(frames * 2);
    const w16 = new Int16Array(frames * 2);
    for (let k = 0; k < frames; k++) {
      i16[2 * k] = ((k * 37) % 2000) - 1000;
      i16[2 * k + 1] = -((k * 11) % 3000) - 1;
      i32[2 * k] = ((k * 7919 * 65536) % 2 ** 31) - 2 ** 30;
      i32[2 * k + 1] = k * 4000000 - 2 ** 31;
      w16[2 * k] = k * 60 - 32768;
      w16[2 * k + 1] = 32767 - k * 50;
    }
    const int16Bytes = Buffer.from(i16.buffer);
    const int32Bytes = Buffer.from(i32.buffer);
    const wavBytes = wav16(w16, 2, 48000);
    const copies = [Buffer.from(int16Bytes), Buffer.from(int32Bytes), Buffer.from(wavBytes)];

    const at = soon(mixer, 0.35);
    const rec = mixer.record(3 * 1000 + PERIOD, { at });
    const replies = messages('out', 3);
    helper.getNode('p16').receive({ payload: int16Bytes, at, topic: 'int16' });
    helper.getNode('p32').receive({ payload: int32Bytes, at: at + 1000, topic: 'int32' });
    helper.getNode('pwav').receive({ payload: wavBytes, at: at + 2000, topic: 'wav' });
    const byTopic = Object.fromEntries((await replies).map((m) => [m.topic, m.payload]));
    for (const [topic, offset] of [['int16', 0], ['int32', 1000], ['wav', 2000]]) {
      assert.deepEqual(byTopic[topic], { startFrame: at + offset, frames, late: 0, cancelled: false, closed: false }, topic);
    }
    const recorded = (await rec.done).samples;
    const check = (name, ints, scale, offset) => {
      let worst = 0;
      for (let i = 0; i < frames * 2; i++) {
        worst = Math.max(worst, Math.abs(recorded[(PERIOD + offset) * 2 + i] - ints[i] / scale));
      }
      assert.ok(worst <= 1 / 32768, `${name}: worst error ${worst}`);
    };
    check('int16', i16, 32768, 0);
    check('int32', i32, 2 ** 31, 1000);
    check('wav', w16, 32768, 2000);
    assert.deepEqual([int16Bytes, int32Bytes, wavBytes], copies, 'incoming Buffers are not modified');

    // 0.1 s at 44.1 kHz: resampled to 48 kHz with resample on ...
    const cd = wav16(new Int16Array(4410).fill(8192), 1, 44100);
    const resampled = nextMessage('out');
    helper.getNode('pwav').receive({ payload: cd });
    const { payload } = await resampled;
    assert.ok(Math.abs(payload.frames - 4800) <= 2, `frames ${payload.frames} ≈ 4800`);
    // ... and a clear error with it off.
    const error = nextMessage('caught');
    helper.getNode('pfixed').receive({ payload: cd });
    const { error: err } = await error;
    assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(err.message, /44100 Hz but the mixer runs at 48000 Hz.*resample/);
  });

  it('sends a mono sound to both outputs (by setting or msg.channels), "2" to output 2 only, and applies gain', async () => {
    await loadFlow([
      tab, mixerConfig(), out,
      play({ id: 'mono', channels: '1' }),
      play({ id: 'right', outputChannels: '2' }),
      play({ id: 'quiet', channels: '1', gain: '0.5' }),
      play({ id: 'auto' }), // Channels empty: a Float32Array has as many as the mixer has outputs
    ]);
    const mixer = mixerOf();
    const at = soon(mixer, 0.3);
    const rec = mixer.record(1100 + PERIOD, { at });
    const replies = messages('out', 6);
    helper.getNode('mono').receive({ payload: constant(100, 0.25), at });
    helper.getNode('right').receive({ payload: constant(100, 0.5), at: at + 200 });
    helper.getNode('quiet').receive({ payload: constant(100, 0.5), at: at + 400 });
    helper.getNode('mono').receive({ payload: constant(100, 1), at: at + 600, gain: 0.5, outputs: [1] });
    // A WAV file brings its own channel count: mono here, on every output.
    helper.getNode('mono').receive({ payload: wav16(new Int16Array(100).fill(-4096), 1, 48000), at: at + 800 });
    // msg.channels says this Float32Array is mono, whatever the node's setting.
    helper.getNode('auto').receive({ payload: constant(100, 0.75), channels: 1, at: at + 1000 });
    await replies;
    const recorded = (await rec.done).samples;
    const left = column(recorded, 2, 0).subarray(PERIOD);
    const right = column(recorded, 2, 1).subarray(PERIOD);
    const expect = (from, l, r) => {
      for (let k = from; k < from + 100; k++) {
        assert.equal(left[k], l, `output 1 at ${k}`);
        assert.equal(right[k], r, `output 2 at ${k}`);
      }
      for (let k = from + 100; k < from + 200 && k < left.length; k++) {
        assert.equal(left[k], 0, `output 1 gap at ${k}`);
        assert.equal(right[k], 0, `output 2 gap at ${k}`);
      }
    };
    expect(0, 0.25, 0.25); // mono -> every output
    expect(200, 0, 0.5); // outputs "2"
    expect(400, 0.25, 0.25); // node gain 0.5
    expect(600, 0.5, 0); // msg.gain, msg.outputs
    for (let k = 800; k < 900; k++) assert.deepEqual([left[k], right[k]], [-0.125, -0.125], `mono WAV at ${k}`);
    expect(1000, 0.75, 0.75); // msg.channels = 1: 100 mono frames on both outputs
  });

  it('queue mode: three messages sent at once play back to back, with no gap and no overlap', async () => {
    await loadFlow([tab, mixerConfig(), out, catcher, caught, play({ mode: 'queue', channels: '1' })]);
    const mixer = mixerOf();
    const lengths = [1000, 1500, 700];
    const values = [0.125, 0.25, 0.5];
    const at = soon(mixer, 0.3) + 5;
    const total = lengths.reduce((a, b) => a + b);
    const rec = mixer.record(total + PERIOD + 200, { at, channels: [1] });
    const replies = messages('out', 3);
    const node = helper.getNode('play');
    node.receive({ payload: constant(lengths[0], values[0]), at, topic: 'a' });
    node.receive({ payload: constant(lengths[1], values[1]), topic: 'b' });
    node.receive({ payload: constant(lengths[2], values[2]), topic: 'c' });
    // While the queue is busy a sound cannot also ask for its own start.
    const refused = nextMessage('caught');
    node.receive({ payload: constant(10, 0.1), delay: 100, topic: 'd' });
    assert.match((await refused).error.message, /queue mode.*msg\.at and msg\.delay apply only when nothing/);

    const results = (await replies).map((m) => [m.topic, m.payload.startFrame, m.payload.frames, m.payload.cancelled]);
    assert.deepEqual(results, [
      ['a', at, 1000, false],
      ['b', at + 1000, 1500, false],
      ['c', at + 2500, 700, false],
    ]);
    const { samples } = await rec.done;
    let k = PERIOD;
    for (let i = 0; i < 3; i++) {
      for (let n = 0; n < lengths[i]; n++, k++) assert.equal(samples[k], values[i], `sound ${i} frame ${n}`);
    }
    for (; k < samples.length; k++) assert.equal(samples[k], 0, `silence after the queue, frame ${k}`);
  });

  it('msg.stop cancels the playing sound and everything queued; each is reported cancelled', async () => {
    await loadFlow([tab, mixerConfig(), out, play({ mode: 'queue', channels: '1' }), play({ id: 'loops', channels: '1', wires: [['out']] })]);
    const mixer = mixerOf();
    const seen = statuses('play');
    const node = helper.getNode('play');
    const at = soon(mixer, 0.3);
    // 2 s sounds, recorded whole: the stop lands inside the first even when a loaded machine delays it.
    const rec = mixer.record(2 * 48000, { at, channels: [1] });
    const replies = messages('out', 3);
    for (const topic of ['a', 'b', 'c']) node.receive({ payload: constant(2 * 48000, 0.25), topic, ...(topic === 'a' ? { at } : {}) });
    await waitFor('the first sound to play', () => mixer.currentFrame > at + 1024);
    node.receive({ stop: true });
    const results = await replies;
    assert.deepEqual(results.map((m) => m.payload.cancelled), [true, true, true]);
    const first = results.find((m) => m.topic === 'a').payload;
    assert.ok(first.frames > 0 && first.frames < 2 * 48000, `first sound played ${first.frames} frames`);
    for (const m of results.filter((r) => r.topic !== 'a')) assert.equal(m.payload.frames, 0, `${m.topic} played nothing`);
    const { samples } = await rec.done;
    const end = PERIOD + first.frames;
    assert.equal(samples[end - 1], 0.25);
    assert.ok(samples.subarray(end).every((v) => v === 0), 'silent after the stop');
    assert.deepEqual(seen[seen.length - 1], { fill: 'grey', shape: 'ring', text: 'idle' });

    // A sound that loops until stopped, stopped with a fade-out.
    const loops = helper.getNode('loops');
    const looped = nextMessage('out');
    const loopFrom = mixer.currentFrame;
    loops.receive({ payload: constant(100, 0.5), loop: true });
    await waitFor('the loop to play a while', () => mixer.currentFrame > loopFrom + 4800);
    loops.receive({ stop: true, fadeOut: 0.01 });
    const { payload } = await looped;
    assert.equal(payload.cancelled, true);
    assert.ok(payload.frames > 1000, `looped: ${payload.frames} frames of a 100-frame sound`);
  });

  it('msg.gain without audio ramps the gain of the sounds playing, from msg.at, sample-exactly', async () => {
    await loadFlow([tab, mixerConfig(), out, play({ channels: '1', outputChannels: '1' })]);
    const mixer = mixerOf();
    const node = helper.getNode('play');
    const at = soon(mixer, 0.3);
    const rec = mixer.record(4800, { at, channels: [1] });
    const finished = nextMessage('out');
    node.receive({ payload: constant(64, 0.5), loop: true, at });
    // Halve it 1000 frames in, over a 480-frame (10 ms) linear ramp.
    node.receive({ payload: Date.now(), gain: 0.5, ramp: 0.01, at: at + 1000 });
    await rec.done; // stop only after the 4800 recorded frames
    node.receive({ stop: true });
    const { samples } = await rec.done;
    const start = PERIOD + 1000;
    assert.equal(samples[start - 1], 0.5, 'full gain before the change');
    for (const k of [0, 120, 240, 479]) {
      assert.ok(Math.abs(samples[start + k] - 0.5 * (1 - 0.5 * (k / 480))) < 1e-5, `ramp frame ${k}: ${samples[start + k]}`);
    }
    const off = samples.subarray(start + 480, 4000).findIndex((v) => Math.abs(v - 0.25) >= 1e-6);
    assert.equal(off, -1, `half gain after the ramp, but frame ${start + 480 + off} is ${samples[start + 480 + off]}`);
    assert.equal((await finished).payload.cancelled, true);
  });

  it('sends every bad message to a Catch node with a code and a clear message, and keeps working', async () => {
    await loadFlow([
      tab, mixerConfig(), out, catcher, caught,
      play({ format: 'int16' }),
      play({ id: 'nomixer', mixer: '' }),
      play({ id: 'badgain', gain: 'loud' }),
    ]);
    const mixer = mixerOf();
    const sent = [];
    helper.getNode('out').on('input', (msg) => sent.push(msg));
    const expectError = async (nodeId, msg, code, pattern) => {
      const error = nextMessage('caught');
      helper.getNode(nodeId).receive(msg);
      const { error: err } = await error;
      assert.equal(err.code, code, err.message);
      assert.match(err.message, pattern);
      assert.equal(err.source.id, nodeId);
    };
    const invalid = 'ERR_RTMIXER_INVALID_ARGUMENT';
    await expectError('play', { payload: 'hello' }, invalid, /msg\.payload must be a Float32Array of samples, a Buffer of raw int16 PCM, or the bytes of a WAV file; got "hello"/);
    await expectError('play', { payload: Buffer.from([1, 2, 3]) }, invalid, /3 bytes, which is not a whole number of 2-channel int16 frames/);
    await expectError('play', { payload: new Float32Array([0, 0.5, NaN, 0]) }, invalid, /msg\.payload contains a non-finite sample \(NaN\) at index 2/);
    await expectError('play', { payload: constant(2, 0.1), outputs: '9' }, invalid, /msg\.outputs lists output channel 9, but the mixer has 2 output channels/);
    await expectError('play', { payload: constant(2, 0.1), at: mixer.currentFrame + 4800, delay: 100 }, invalid, /Give msg\.at or msg\.delay, not both/);
    await expectError('play', { payload: constant(2, 0.1), loop: 'yes' }, invalid, /msg\.loop must be true/);
    await expectError('play', { payload: constant(2, 0.1), gain: -1 }, invalid, /msg\.gain must be a number from 0 to 100/);
    assert.ok(mixer.currentFrame > 0);
    await expectError('play', { payload: constant(2, 0.1), at: Math.max(0, mixer.currentFrame - 4800) }, 'ERR_RTMIXER_LATE_START', /start frame \d+ had passed \d+ frames/);
    await expectError('nomixer', { payload: constant(2, 0.1) }, invalid, /has no mixer: open the node and choose/);
    await expectError('badgain', { payload: constant(2, 0.1) }, invalid, /Gain must be a number from 0 to 100, got "loud"/);
    assert.equal(sent.length, 0, 'no bad message was sent on');

    const reply = nextMessage('out');
    helper.getNode('play').receive({ payload: Buffer.from(new Int16Array([1000, -1000, 2000, -2000]).buffer), topic: 'ok' });
    const msg = await reply;
    assert.equal(msg.topic, 'ok');
    assert.equal(msg.payload.frames, 2);
    assert.equal(msg.payload.cancelled, false);
  });

  it('a refused message reaches Catch with a description instead of its audio; a full queue refuses before decoding', async () => {
    await loadFlow([tab, mixerConfig(), out, catcher, caught, play({ format: 'int16' })]);
    const mixer = mixerOf();
    let error = nextMessage('caught');
    helper.getNode('play').receive({ payload: Buffer.alloc(96000), outputs: '9', topic: 'bad' });
    let msg = await error;
    assert.equal(msg.error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.equal(msg.topic, 'bad');
    assert.equal(msg.payload, '[audio not passed on: int16 PCM, 24000 frames × 2 channels, 96000 bytes]');

    // Every slot of the mixer's queue taken: a payload that would fail to
    // decode gets the queue-full error, so nothing was decoded.
    while (mixer.actionsInFlight < mixer.queueSize) mixer.play(new Float32Array(2), { loop: true });
    error = nextMessage('caught');
    helper.getNode('play').receive({ payload: Buffer.from([1, 2, 3]) });
    msg = await error;
    assert.equal(msg.error.code, 'ERR_RTMIXER_QUEUE_FULL');
    assert.match(msg.payload, /^\[audio not passed on: int16 PCM, 0 frames × 2 channels, 3 bytes\]$/);
  });

  it('a partial redeploy of the node stops its own sounds and leaves other nodes playing', async () => {
    const flow = [tab, mixerConfig(), out, play({ outputChannels: '1' }), play({ id: 'other', outputChannels: '2', wires: [['out']] })];
    await loadFlow(flow);
    const mixer = mixerOf();
    helper.getNode('play').receive({ payload: constant(480, 0.25), loop: true });
    helper.getNode('other').receive({ payload: constant(480, 0.5), loop: true, topic: 'other' });
    await sleep(100);
    assert.equal(mixer.actionsInFlight, 2);

    const changed = flow.map((n) => (n.id === 'play' ? { ...n, name: 'renamed' } : n));
    await helper.setFlows(changed, 'nodes');
    assert.equal(helper.getNode('play').name, 'renamed', 'the node was redeployed');
    assert.equal(mixerOf(), mixer, 'the stream was not restarted');
    assert.equal(mixer.actionsInFlight, 1, "only the other node's sound is left");
    const { samples } = await mixer.record(2000, { channels: [1, 2] }).done;
    assert.ok(column(samples, 2, 0).every((v) => v === 0), 'output 1 is silent');
    assert.ok(column(samples, 2, 1).every((v) => v === 0.5), 'output 2 still plays');

    const stopped = nextMessage('out');
    helper.getNode('other').receive({ stop: true });
    assert.equal((await stopped).payload.cancelled, true);
  });

  it('closing the flow (helper.unload) cancels its sounds and releases their memory, promptly', async () => {
    await loadFlow([tab, mixerConfig(), out, play()]);
    const mixer = mixerOf();
    helper.getNode('play').receive({ payload: constant(9600, 0.25), loop: true });
    await sleep(50);
    assert.equal(mixer.actionsInFlight, 1);
    assert.ok(nativeMemory().actions >= 1);
    const started = Date.now();
    await helper.unload();
    assert.ok(Date.now() - started < 1000, `closed in ${Date.now() - started} ms`);
    assert.equal(mixer.closed, true);
    assert.equal(mixer.actionsInFlight, 0);
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });
});
