'use strict';
// rtmixer-record through the real Node-RED runtime and the JACK loopback: the
// config node's Mixer plays a known signal at frame T, the node records from
// T (msg.at), and the signal must be in the payload exactly one period in.
const assert = require('node:assert/strict');
const { WaveFile } = require('wavefile');
const { helper, loadFlow, mixerConfig, mixerOf, nextMessage, collect, statusLog, sleep, useNodeRed } = require('../helpers/node-red');
const { column, soon } = require('../helpers/loopback');
const { PERIOD } = require('../../tools/jack-server');
const { nativeMemory } = require('../..');

const RATE = 48000;
const tab = { id: 't1', type: 'tab' };
const out = { id: 'out', type: 'helper', z: 't1' };
// No node id may equal a property value of a node without x/y (Node-RED then
// sees a config node that needs itself): hence 'catcher', 'completer', 'recWav'.
const catcher = { id: 'catcher', type: 'catch', z: 't1', scope: null, uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', z: 't1' };
const complete = { id: 'completer', type: 'complete', z: 't1', scope: ['rec'], uncaught: false, wires: [['completed']] };
const completed = { id: 'completed', type: 'helper', z: 't1' };

function record(extra = {}) {
  return {
    id: 'rec', type: 'rtmixer-record', z: 't1', name: '', mixer: 'mixer', mode: 'duration', duration: '5', chunkMs: '100',
    inputChannels: '', format: 'float32', wires: [['out']], ...extra,
  };
}


/** Resolves with the next message `nodeId` receives that `match` accepts. */
function nextMatching(nodeId, match, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const node = helper.getNode(nodeId);
    const timer = setTimeout(() => reject(new Error(`${nodeId} received no matching message in ${timeoutMs} ms`)), timeoutMs);
    const listener = (msg) => {
      if (!match(msg)) return;
      clearTimeout(timer);
      node.removeListener('input', listener);
      resolve(msg);
    };
    node.on('input', listener);
  });
}


/** Stereo test signal: a different value on every sample, |s| <= 0.5. */
function signal(frames) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    s[2 * k] = ((k % 200) - 100) / 256;
    s[2 * k + 1] = -((k % 77) + 1) / 160;
  }
  return s;
}

/** A counter on both channels: frame k of the sound is (k + 1) / 2^20 (exact in float32), negated on channel 2. */
function counter(frames) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    s[2 * k] = (k + 1) / 2 ** 20;
    s[2 * k + 1] = -(k + 1) / 2 ** 20;
  }
  return s;
}

/** Interleaved chunks (Float32Array payloads) joined. */
function concat(chunks) {
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** Asserts `recorded` (stereo) holds `played` exactly `offset` frames in, silence around it. */
function assertHolds(recorded, played, offset, label) {
  const frames = played.length / 2;
  for (let k = 0; k < offset; k++) assert.equal(recorded[2 * k], 0, `${label}: silence before, frame ${k}`);
  for (let i = 0; i < played.length; i++) {
    if (recorded[2 * offset + i] !== played[i]) assert.fail(`${label}: sample ${i} is ${recorded[2 * offset + i]}, played ${played[i]}`);
  }
  for (let i = 2 * (offset + frames); i < recorded.length; i++) assert.equal(recorded[i], 0, `${label}: silence after, sample ${i}`);
}

describe('rtmixer-record node', function () {
  this.timeout(30000);
  useNodeRed();

  it('duration mode: records what was played at msg.at one period in, with sampleRate/channels/startFrame/frames; takes may overlap', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), record({ duration: '0.05' }), out, complete, completed]);
    const mixer = mixerOf();
    const played = signal(1000);
    const at = soon(mixer, 0.3) + 7;
    mixer.play(played, { at });
    const replies = [nextMatching('out', (m) => m.topic === 'first'), nextMatching('out', (m) => m.topic === 'second')];
    const done = nextMatching('completed', (m) => m.topic === 'first');
    helper.getNode('rec').receive({ at, topic: 'first' });
    // A second, overlapping take 500 frames later, with msg.duration.
    helper.getNode('rec').receive({ at: at + 500, duration: 0.03, topic: 'second' });
    const [first, second] = await Promise.all(replies);

    assert.ok(first.payload instanceof Float32Array, 'a Float32Array');
    assert.equal(first.sampleRate, RATE);
    assert.equal(first.channels, 2);
    assert.equal(first.startFrame, at);
    assert.equal(first.frames, 2400);
    assert.equal(first.payload.length, 2400 * 2);
    assertHolds(first.payload, played, PERIOD, 'first take');

    assert.equal(second.startFrame, at + 500);
    assert.equal(second.frames, 1440);
    assertHolds(second.payload, played.subarray(2 * (500 - PERIOD)), 0, 'second take');
    assert.equal((await done).topic, 'first', 'Complete fires for the message once its take is sent');

    const statuses = log.rec.map((s) => `${s.fill} ${s.shape} ${s.text}`);
    log.stop();
    assert.ok(statuses.some((s) => /^green dot (starts in|recording)/.test(s)), statuses.join(' | '));
    assert.equal(statuses[statuses.length - 1], 'grey ring idle');
  });

  it('duration mode: WAV (16-bit and float), float32LE Buffer, and msg.inputs "2" records channel 2 only', async () => {
    await loadFlow([
      tab, mixerConfig(), out,
      record({ id: 'recWav', duration: '0.03', format: 'wav' }),
      record({ id: 'recWavf', duration: '0.03', format: 'wav-float' }),
      record({ id: 'recBuf', duration: '0.03', format: 'buffer' }),
      record({ id: 'rec', duration: '0.03' }),
    ]);
    const mixer = mixerOf();
    const played = signal(1000);
    const at = soon(mixer, 0.3);
    mixer.play(played, { at });
    const reply = (topic) => nextMatching('out', (m) => m.topic === topic);
    const replies = [reply('wav'), reply('wavf'), reply('buf'), reply('ch2')];
    helper.getNode('recWav').receive({ at, topic: 'wav' });
    helper.getNode('recWavf').receive({ at, topic: 'wavf' });
    helper.getNode('recBuf').receive({ at, topic: 'buf' });
    helper.getNode('rec').receive({ at, inputs: '2', topic: 'ch2' });
    const [wav, wavf, buf, ch2] = await Promise.all(replies);

    // The Float32Array this should equal: the signal one period in.
    const expected = new Float32Array(1440 * 2);
    expected.set(played, 2 * PERIOD);

    assert.ok(Buffer.isBuffer(wav.payload));
    const file = new WaveFile(wav.payload);
    assert.equal(file.fmt.numChannels, 2);
    assert.equal(file.fmt.sampleRate, RATE);
    assert.equal(file.bitDepth, '16');
    const ints = file.getSamples(true, Int16Array);
    assert.equal(ints.length, expected.length);
    let worst = 0;
    for (let i = 0; i < ints.length; i++) worst = Math.max(worst, Math.abs(ints[i] / 32768 - expected[i]));
    assert.ok(worst <= 1 / 32768, `16-bit WAV: worst error ${worst}`);
    assert.deepEqual([wav.sampleRate, wav.channels, wav.startFrame, wav.frames], [RATE, 2, at, 1440]);

    const float = new WaveFile(wavf.payload);
    assert.equal(float.bitDepth, '32f');
    assert.deepEqual(Float32Array.from(float.getSamples(true, Float64Array)), expected, '32-bit float WAV is exact');

    assert.ok(Buffer.isBuffer(buf.payload), 'a Buffer');
    assert.equal(buf.payload.length, expected.length * 4);
    const fromBuffer = new Float32Array(expected.length);
    for (let i = 0; i < expected.length; i++) fromBuffer[i] = buf.payload.readFloatLE(4 * i);
    assert.deepEqual(fromBuffer, expected, 'float32LE of the samples');

    assert.equal(ch2.channels, 1);
    assert.equal(ch2.frames, 1440);
    assert.deepEqual(ch2.payload, column(expected, 2, 1), 'input channel 2 only');
  });

  it('duration mode: msg.stop ends a take early and sends what was recorded', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), record({ duration: '5' }), out, complete, completed]);
    const mixer = mixerOf();
    const played = signal(2000);
    const at = soon(mixer, 0.3);
    mixer.play(played, { at });
    const reply = nextMessage('out');
    const stopDone = nextMatching('completed', (m) => m.stop === true);
    helper.getNode('rec').receive({ at, topic: 'take' });
    while (mixer.currentFrame < at + 0.4 * RATE) await sleep(20);
    const stoppedAround = mixer.currentFrame;
    helper.getNode('rec').receive({ stop: true });
    const msg = await reply;
    assert.equal(msg.topic, 'take');
    assert.equal(msg.startFrame, at);
    assert.ok(msg.frames > 2000 + PERIOD && msg.frames < RATE, `stopped early after ${msg.frames} frames`);
    assert.ok(Math.abs(at + msg.frames - stoppedAround) < RATE * 0.25, 'stopped when asked');
    assert.equal(msg.payload.length, msg.frames * 2, 'only the frames recorded');
    assertHolds(msg.payload, played, PERIOD, 'stopped take');
    await stopDone;
    const statuses = log.rec.map((s) => `${s.fill} ${s.shape} ${s.text}`);
    log.stop();
    assert.ok(statuses.some((s) => /^green dot starts in 0\.\d s$/.test(s)), statuses.join(' | '));
    assert.ok(statuses.some((s) => /^green dot recording 0\.[1-9] s$/.test(s)), statuses.join(' | '));
    assert.equal(statuses[statuses.length - 1], 'grey ring idle');

    // payload "stop" works too, and a stop with nothing running is harmless.
    const again = nextMessage('out');
    helper.getNode('rec').receive({ delay: 0, duration: 3 });
    await sleep(200);
    helper.getNode('rec').receive({ payload: 'stop' });
    assert.ok((await again).frames < RATE);
    helper.getNode('rec').receive({ payload: 'stop' });
    await sleep(100);
  });

  it('continuous mode: exactly chunkMs per message, numbered, gapless across every seam; stop sends the rest', async () => {
    await loadFlow([tab, mixerConfig(), record({ mode: 'continuous', chunkMs: '50' }), out, complete, completed]);
    const mixer = mixerOf();
    const frames = Math.round(1.2 * RATE);
    const played = counter(frames);
    const at = soon(mixer, 0.4);
    const recStart = at - 2400;
    mixer.play(played, { at });
    const chunks = collect('out');
    const stopped = nextMatching('completed', (m) => m.stop === true, 10000);
    helper.getNode('rec').receive({ at: recStart, topic: 'live' });
    while (mixer.currentFrame < at + frames + 4800) await sleep(50);
    helper.getNode('rec').receive({ stop: true });
    await stopped;

    assert.ok(chunks.length >= 25, `${chunks.length} chunks`);
    const last = chunks[chunks.length - 1];
    chunks.forEach((c, i) => {
      assert.equal(c.sequence, i, 'sequence numbers 0, 1, 2…');
      assert.equal(c.topic, 'live');
      assert.equal(c.sampleRate, RATE);
      assert.equal(c.channels, 2);
      assert.equal(c.overflowFrames, 0);
      assert.ok(c.payload instanceof Float32Array);
      assert.equal(c.payload.length, c.frames * 2);
      assert.equal(c.startFrame, recStart + i * 2400, `chunk ${i} startFrame`);
      if (c !== last) assert.equal(c.frames, 2400, `chunk ${i}: 48 kHz × 50 ms`);
    });
    assert.ok(last.frames > 0 && last.frames <= 2400, `last chunk ${last.frames} frames`);
    const all = concat(chunks.map((c) => c.payload));
    assert.ok(all.length / 2 > 2400 + PERIOD + frames, 'the whole signal was recorded');
    // The counter runs on without a gap or a repeat across all 29 seams.
    assertHolds(all, played, 2400 + PERIOD, 'continuous chunks');
  });

  it('continuous mode: a blocked event loop loses frames, counted in overflowFrames, warned, yellow; the rest stays in order', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), record({ mode: 'continuous', chunkMs: '50', format: 'buffer' }), out, complete, completed]);
    const mixer = mixerOf();
    const node = helper.getNode('rec');
    const warnings = [];
    const warn = node.warn.bind(node);
    node.warn = (w) => {
      warnings.push(String(w));
      warn(w);
    };
    const frames = Math.round(2.5 * RATE);
    const at = soon(mixer, 0.4);
    mixer.play(counter(frames), { at });
    const chunks = collect('out');
    const stopped = nextMatching('completed', (m) => m.stop === true, 10000);
    node.receive({ at: at - 480 });
    while (mixer.currentFrame < at + 4800) await sleep(20);
    // Block the event loop for longer than the node's ring (1 s, rounded up to
    // 65536 frames) holds, plus 0.4 s, counted on the audio clock (the dummy
    // driver may run behind the wall clock on a busy machine).
    const blockedUntil = mixer.currentFrame + 65536 + 0.4 * RATE;
    const bail = Date.now() + 10000;
    while (mixer.currentFrame < blockedUntil && Date.now() < bail) { /* the event loop is blocked */ }
    while (mixer.currentFrame < at + frames + 4800) await sleep(50);
    node.receive({ stop: true });
    await stopped;
    const statuses = log.rec.map((s) => `${s.fill} ${s.shape} ${s.text}`);
    log.stop();

    const lost = chunks[chunks.length - 1].overflowFrames;
    assert.ok(lost > 0.2 * RATE, `${lost} frames lost`);
    assert.ok(chunks.some((c) => c.overflowFrames > 0 && c.sequence < chunks.length - 1), 'reported while recording');
    assert.ok(chunks.every((c, i) => i === 0 || c.overflowFrames >= chunks[i - 1].overflowFrames), 'cumulative');
    assert.ok(warnings.some((w) => /Lost \d+ frames/.test(w)), warnings.join(' | '));
    assert.ok(statuses.some((s) => /^yellow dot recording .* frames lost$/.test(s)), statuses.join(' | '));

    chunks.forEach((c, i) => {
      assert.equal(c.sequence, i);
      if (i < chunks.length - 1) assert.equal(c.frames, 2400);
      assert.ok(Buffer.isBuffer(c.payload));
    });
    // Frames delivered are in order: the counter only ever rises, by 1 except
    // at the gap(s), which add up to the frames reported lost.
    const left = [];
    for (const c of chunks) {
      // startFrame is the mixer frame of each chunk's first sample, across the gap too.
      const first = Math.round(c.payload.readFloatLE(0) * 2 ** 20);
      if (first > 0 && first < frames) assert.equal(c.startFrame, at + first - 1 + PERIOD, `chunk ${c.sequence} startFrame`);
      for (let k = 0; k < c.frames; k++) left.push(Math.round(c.payload.readFloatLE(8 * k) * 2 ** 20));
    }
    const from = left.indexOf(1);
    const to = left.indexOf(frames);
    assert.ok(from > 0 && to > from, 'the whole counter was recorded');
    let skipped = 0;
    for (let k = from + 1; k <= to; k++) {
      assert.ok(left[k] > left[k - 1], `in order at ${k}`);
      skipped += left[k] - left[k - 1] - 1;
    }
    assert.equal(skipped, lost, 'the gaps are exactly the frames reported lost');
  });

  it('continuous mode: a second start while recording is an error and the recording goes on', async () => {
    await loadFlow([tab, mixerConfig(), record({ mode: 'continuous', chunkMs: '20' }), out, catcher, caught, complete, completed]);
    const chunks = collect('out');
    const error = nextMessage('caught');
    helper.getNode('rec').receive({ topic: 'one' });
    await sleep(150);
    helper.getNode('rec').receive({ topic: 'two' });
    const { error: err } = await error;
    assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(err.message, /Already recording.*msg\.stop/);
    const before = chunks.length;
    await sleep(150);
    assert.ok(chunks.length > before, 'still recording');
    const stopped = nextMatching('completed', (m) => m.stop === true);
    helper.getNode('rec').receive({ stop: true });
    await stopped;
    assert.ok(chunks.every((c) => c.topic === 'one'));
    chunks.forEach((c, i) => assert.equal(c.sequence, i));
  });

  it('bad messages and settings reach Catch with a code and a clear message, and the node keeps working', async () => {
    const log = statusLog();
    await loadFlow([
      tab, mixerConfig(), out, catcher, caught,
      record({ duration: '0.02' }),
      record({ id: 'wavlive', mode: 'continuous', format: 'wav' }),
      record({ id: 'five', inputChannels: '5' }),
    ]);
    const statuses = { ...log };
    log.stop();
    const rec = helper.getNode('rec');
    const failures = [
      [{ duration: 0 }, /msg\.duration must be a number of seconds greater than 0.*got 0/],
      [{ duration: -1 }, /msg\.duration must be a number of seconds greater than 0.*got -1/],
      [{ duration: 'long' }, /msg\.duration must be a number of seconds.*got "long"/],
      [{ inputs: '5' }, /msg\.inputs lists input channel 5, but the mixer has 2 input channels \(1 to 2\)/],
      [{ inputs: 'left' }, /msg\.inputs must list 1-based channel numbers/],
      [{ at: -3 }, /msg\.at must be a frame number/],
    ];
    for (const [msg, pattern] of failures) {
      const error = nextMessage('caught');
      rec.receive(msg);
      const { error: err } = await error;
      assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT', JSON.stringify(msg));
      assert.match(err.message, pattern);
      assert.equal(err.source.id, 'rec');
    }
    // A start frame that has passed.
    const late = nextMessage('caught');
    rec.receive({ at: mixerOf().currentFrame - 4800 });
    assert.equal((await late).error.code, 'ERR_RTMIXER_LATE_START');

    // WAV in continuous mode: red at deploy, and every start fails clearly.
    assert.ok(statuses.wavlive.some((s) => s.fill === 'red' && /WAV output needs duration mode/.test(s.text)), JSON.stringify(statuses.wavlive));
    const wavError = nextMessage('caught');
    helper.getNode('wavlive').receive({});
    const { error: err } = await wavError;
    assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(err.message, /WAV output needs duration mode.*float32 or buffer/);
    // inputs "5" on a 2-channel stream: red once the mixer is open.
    assert.ok(statuses.five.some((s) => s.fill === 'red' && /input channel 5/.test(s.text)), JSON.stringify(statuses.five));

    // Still works.
    const reply = nextMessage('out');
    rec.receive({ topic: 'fine' });
    const msg = await reply;
    assert.equal(msg.topic, 'fine');
    assert.equal(msg.frames, 960);
  });

  it('closing stops running recordings and their timers, sends nothing more, frees the native memory', async () => {
    await loadFlow([
      tab, mixerConfig(), out,
      record({ duration: '5' }),
      record({ id: 'live', mode: 'continuous', chunkMs: '20' }),
    ]);
    const got = collect('out');
    helper.getNode('rec').receive({});
    helper.getNode('live').receive({});
    await sleep(200);
    assert.ok(got.length > 0, 'the continuous recording was sending');
    assert.ok(nativeMemory().actions >= 2);
    await helper.unload();
    const count = got.length;
    await sleep(200);
    assert.equal(got.length, count, 'nothing sent after close');
    assert.equal(nativeMemory().actions, 0, 'no action left in native memory');
    // A fresh deploy records again.
    await loadFlow([tab, mixerConfig(), record({ duration: '0.01' }), out]);
    const reply = nextMessage('out');
    helper.getNode('rec').receive({});
    assert.equal((await reply).frames, 480);
  });
});
