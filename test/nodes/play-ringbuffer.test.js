'use strict';
// rtmixer-play-ringbuffer: a stream of chunks played gaplessly through a ring,
// checked sample by sample through the JACK loopback (what the node plays is
// recorded one period later), with backpressure, stop, bad chunks and redeploy.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WaveFile } = require('wavefile');
const { helper, rtmixerNodes, mixerConfig, mixerOf, nextMessage, collect, sleep, useNodeRed } = require('../helpers/node-red');
const { wireLoopback } = require('../../tools/jack-server');
const { roundTripFrames } = require('../helpers/loopback');
const { requireFromNodeRed } = require('../helpers/node-red-runtime');

const fileInNode = requireFromNodeRed('@node-red/nodes/core/storage/10-file.js');

const RATE = 48000;
const tab = { id: 't1', type: 'tab' };
const out = { id: 'out', type: 'helper', z: 't1' };
const catcher = { id: 'catcher', type: 'catch', z: 't1', scope: ['p'], uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', z: 't1' };
const completer = { id: 'completer', type: 'complete', z: 't1', scope: ['p'], wires: [['completed']] };
const completed = { id: 'completed', type: 'helper', z: 't1' };
const statuser = { id: 'statuser', type: 'status', z: 't1', scope: ['p'], wires: [['statuses']] };
const statuses = { id: 'statuses', type: 'helper', z: 't1' };

function player(extra = {}) {
  return { id: 'p', type: 'rtmixer-play-ringbuffer', z: 't1', mixer: 'mixer', outputChannels: '', gain: '1', format: 'float32', channels: '', ringMs: '200', prefillMs: '', resample: true, wires: [['out']], ...extra };
}

async function load(nodes, extraModules = []) {
  await helper.load([...rtmixerNodes, ...extraModules], [tab, mixerConfig(), out, ...nodes]);
  wireLoopback();
  await sleep(50);
}


/** A stereo test signal with dyadic values (exact in float32 and int16), none of them 0. */
function stereoSignal(frames, seed = 1) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    for (let c = 0; c < 2; c++) {
      const v = ((k * (7 + seed) + c * 1013 + seed * 101) % 2000) - 1000;
      s[k * 2 + c] = (v === 0 ? 1 : v) / 1024;
    }
  }
  return s;
}

function chunksOf(samples, channels, frames) {
  const list = [];
  for (let i = 0; i < samples.length; i += frames * channels) list.push(samples.slice(i, i + frames * channels));
  return list;
}

/**
 * Starts a recording of both inputs as soon as possible, before the flow plays:
 * `seconds` and 1.5 s more, for a stream that a loaded machine starts late.
 */
async function startRecording(seconds) {
  const rec = mixerOf().record(Math.round((seconds + 1.5) * RATE), { allowBelated: true });
  await sleep(20);
  return rec;
}

/**
 * Asserts that the loopback recording holds `expected` (interleaved, 2 ch)
 * starting at stream frame `startFrame`, with silence right before and after
 * it, each sample within `tolerance`.
 */
async function assertPlayed(rec, startFrame, expected, tolerance = 0) {
  const { samples, startFrame: recStart } = await rec.done;
  const offset = startFrame - recStart + roundTripFrames(mixerOf());
  const frames = expected.length / 2;
  assert.ok(offset > 0 && offset + frames + 1 <= samples.length / 2, `the recording covers the stream (offset ${offset})`);
  let worst = 0;
  let firstBad = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(samples[offset * 2 + i] - expected[i]);
    if (err > worst) worst = err;
    if (err > tolerance && firstBad < 0) firstBad = i;
  }
  assert.ok(firstBad < 0, `sample ${firstBad} (frame ${firstBad >> 1}) is ${samples[offset * 2 + firstBad]}, expected ${expected[firstBad]}; worst error ${worst}`);
  assert.equal(samples[offset * 2 - 2], 0, 'silence before the stream');
  assert.equal(samples[(offset + frames) * 2], 0, 'silence after the stream');
}

function wavBytes(channels, rate, bitDepth, samples, tag) {
  const wav = new WaveFile();
  wav.fromScratch(channels, rate, bitDepth, samples);
  if (tag) wav.setTag('ISFT', tag);
  return Buffer.from(wav.toBuffer());
}

/** Splits a file the way `file in` does in "a msg per chunk" mode (64 KiB, msg.parts). */
function fileInParts(bytes, id) {
  const CHUNK = 65536;
  const msgs = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const payload = bytes.subarray(i, i + CHUNK);
    const parts = { index: msgs.length, ch: '', type: 'buffer', id };
    if (payload.length < CHUNK) parts.count = msgs.length + 1;
    msgs.push({ payload, parts });
  }
  if (bytes.length % CHUNK === 0) msgs.push({ parts: { index: msgs.length, count: msgs.length, ch: '', type: 'buffer', id } });
  return msgs;
}

describe('rtmixer-play-ringbuffer node', function () {
  this.timeout(30000);
  useNodeRed();

  it('plays a stream of Float32Array chunks bit-exact and gapless, with no underflow when fed ahead', async () => {
    await load([player()]);
    const signal = stereoSignal(Math.round(1.5 * RATE));
    const rec = await startRecording(2);
    const result = nextMessage('out');
    const p = helper.getNode('p');
    // 100 chunks of 720 frames (15 ms), all sent at once: most wait in the queue.
    const chunks = chunksOf(signal, 2, 720);
    for (const payload of chunks) p.receive({ payload });
    p.receive({ end: true, topic: 'done' });
    const msg = await result;
    assert.equal(msg.topic, 'done', 'the message that ended the stream comes out');
    assert.equal(msg.payload.frames, signal.length / 2);
    assert.equal(msg.payload.underflowFrames, 0);
    assert.equal(msg.payload.cancelled, false);
    assert.equal(msg.payload.closed, false);
    assert.ok(msg.payload.startFrame > 0);
    await assertPlayed(rec, msg.payload.startFrame, signal);
  });

  it('plays raw int16 Buffers split at odd byte offsets, within 1/32768', async () => {
    await load([player({ format: 'int16' }), catcher, caught]);
    const errors = collect('caught');
    const signal = stereoSignal(RATE, 3);
    const pcm = Buffer.alloc(signal.length * 2);
    for (let i = 0; i < signal.length; i++) pcm.writeInt16LE(Math.round(signal[i] * 32768), i * 2);
    const rec = await startRecording(1.5);
    const result = nextMessage('out');
    const p = helper.getNode('p');
    const sizes = [1001, 333, 4097, 7, 2, 12345, 1];
    let pos = 0;
    for (let i = 0; pos < pcm.length; i++) {
      const end = Math.min(pcm.length, pos + sizes[i % sizes.length]);
      const payload = pcm.subarray(pos, end);
      pos = end;
      p.receive(pos === pcm.length ? { payload, end: true } : { payload });
    }
    const msg = await result;
    assert.deepEqual(errors, []);
    assert.equal(msg.payload.frames, RATE);
    assert.equal(msg.payload.underflowFrames, 0);
    await assertPlayed(rec, msg.payload.startFrame, signal, 1 / 32768);
    assert.equal(pcm.readInt16LE(0), Math.round(signal[0] * 32768), 'the sender\'s Buffer is unchanged');
  });

  it('plays a WAV file read by the core file-in node, one 64 KiB message per chunk', async () => {
    // 16-bit stereo, exactly 3 × 64 KiB: file in then sends an empty 4th message that ends the sequence.
    const frames = (3 * 65536 - 44) / 4;
    const signal = stereoSignal(frames, 5);
    const ints = Int16Array.from(signal, (v) => Math.round(v * 32768));
    const bytes = wavBytes(2, RATE, '16', ints);
    assert.equal(bytes.length, 3 * 65536);
    const file = path.join(os.tmpdir(), `rtmixer-ring-${process.pid}.wav`);
    fs.writeFileSync(file, bytes);
    try {
      const reader = { id: 'file', type: 'file in', z: 't1', filename: file, filenameType: 'str', format: 'stream', chunk: false, sendError: false, encoding: 'none', allProps: false, wires: [['p']] };
      await load([reader, player(), catcher, caught], [fileInNode]);
      const errors = collect('caught');
      const rec = await startRecording(1.5);
      const result = nextMessage('out');
      helper.getNode('file').receive({ topic: 'song' });
      const msg = await result;
      assert.deepEqual(errors, []);
      assert.equal(msg.payload.frames, frames);
      assert.equal(msg.payload.underflowFrames, 0);
      // The file is a whole number of chunks: file in's extra empty message ended the stream.
      assert.deepEqual([msg.parts.index, msg.parts.count], [3, 3]);
      await assertPlayed(rec, msg.payload.startFrame, signal, 1 / 32768);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('plays a 24-bit WAV sent in parts (trailing LIST chunk ignored) and a whole float WAV in one message', async () => {
    await load([player(), catcher, caught]);
    const errors = collect('caught');
    const p = helper.getNode('p');
    // 24-bit stereo in 64 KiB parts; the header's data size stops the audio before the LIST chunk.
    const frames = Math.round(0.6 * RATE);
    const signal = stereoSignal(frames, 7);
    const bytes = wavBytes(2, RATE, '24', Int32Array.from(signal, (v) => Math.round(v * 8388608)), 'rtmixer test');
    assert.ok(bytes.length % 65536 !== 0);
    let rec = await startRecording(1);
    let result = nextMessage('out');
    for (const m of fileInParts(bytes, 'wav24')) p.receive(m);
    let msg = await result;
    assert.equal(msg.payload.frames, frames);
    assert.equal(msg.payload.underflowFrames, 0);
    await assertPlayed(rec, msg.payload.startFrame, signal);

    // A whole mono 32-bit float WAV with msg.end: mono goes to both outputs.
    const mono = new Float32Array(Math.round(0.4 * RATE)).map((_, k) => (((k * 13) % 1999) - 999 || 1) / 1024);
    rec = await startRecording(0.8);
    result = nextMessage('out');
    p.receive({ payload: wavBytes(1, RATE, '32f', mono), end: true });
    msg = await result;
    assert.equal(msg.payload.frames, mono.length);
    const both = new Float32Array(mono.length * 2);
    mono.forEach((v, k) => (both[2 * k] = both[2 * k + 1] = v));
    await assertPlayed(rec, msg.payload.startFrame, both);

    // A whole 44.1 kHz WAV in one message is resampled (Resample is on).
    result = nextMessage('out');
    p.receive({ payload: wavBytes(2, 44100, '16', new Int16Array(4410 * 2).fill(8192)), end: true });
    msg = await result;
    assert.ok(Math.abs(msg.payload.frames - 4800) <= 2, `${msg.payload.frames} frames at 48 kHz`);
    assert.deepEqual(errors, []);
  });

  it('starts a stream that arrives while the previous one drains right after it, without overlap', async () => {
    await load([player()]);
    const results = collect('out', (m) => ({ topic: m.topic, ...m.payload }));
    const p = helper.getNode('p');
    const a = stereoSignal(0.3 * RATE, 13);
    const b = stereoSignal(0.3 * RATE, 17);
    const rec = await startRecording(1.2);
    p.receive({ payload: a, end: true, topic: 'a' });
    p.receive({ payload: b, end: true, topic: 'b' });
    const deadline = Date.now() + 5000;
    while (results.length < 2 && Date.now() < deadline) await sleep(20);
    assert.deepEqual(results.map((r) => [r.topic, r.frames, r.underflowFrames]), [['a', 14400, 0], ['b', 14400, 0]]);
    const [ra, rb] = results;
    const gap = rb.startFrame - (ra.startFrame + ra.frames);
    assert.ok(gap >= 0 && gap < 0.05 * RATE, `b starts ${gap} frames after a ends`);
    const { samples, startFrame } = await rec.done;
    const at = (frame) => (frame - startFrame + roundTripFrames(mixerOf())) * 2;
    assert.deepEqual(samples.slice(at(ra.startFrame), at(ra.startFrame) + a.length), a);
    assert.deepEqual(samples.slice(at(rb.startFrame), at(rb.startFrame) + b.length), b);
  });

  it('shows a bad setting as a red status, and every message fails with it', async () => {
    const errorCatcher = { ...catcher, scope: null };
    await load([player({ ringMs: '5' }), errorCatcher, caught], []);
    const errors = collect('caught');
    await sleep(50);
    const node = helper.getNode('p');
    // node.status is a sinon spy on Node.prototype: keep this node's calls.
    const statuses = node.status.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0]);
    node.receive({ payload: new Float32Array(2) });
    await sleep(100);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(errors[0].error.message, /Ring \(ms\) must be a number from 10 to 60000, got "5"/);
    assert.ok(statuses.some((st) => st.fill === 'red' && st.shape === 'ring' && /Ring \(ms\)/.test(st.text)), JSON.stringify(statuses));
  });

  it('reports underflow frames in the status and the final message when the stream starves', async () => {
    await load([player({ channels: '1' }), statuser, statuses]);
    const texts = collect('statuses', (m) => m.status.text);
    const p = helper.getNode('p');
    const result = nextMessage('out');
    // 300 ms, then nothing for 400 ms: the ring (200 ms) runs dry.
    p.receive({ payload: new Float32Array(Math.round(0.3 * RATE)).fill(0.25) });
    await sleep(700);
    p.receive({ payload: new Float32Array(Math.round(0.1 * RATE)).fill(0.25), end: true });
    const msg = await result;
    assert.ok(msg.payload.underflowFrames > 0.2 * RATE, `underflowFrames ${msg.payload.underflowFrames}`);
    assert.equal(msg.payload.frames, Math.round(0.4 * RATE), 'every frame sent played; the silence is counted apart');
    await sleep(50);
    const starved = texts.filter((t) => /underflow [1-9]/.test(t));
    assert.ok(starved.length > 0, `a status showed the underflow: ${JSON.stringify(texts)}`);
    assert.match(texts[texts.length - 1], /^idle · last stream: \d+ underflow frames$/);
    assert.ok(texts.some((t) => /^ring \d+% · underflow 0$/.test(t)), 'fill level while playing');
  });

  it('applies backpressure: done() for later chunks only as the ring drains, and every frame plays', async () => {
    // A 1 s ring: the node refills it from the event loop, which a loaded machine may stall that long.
    const ringS = 1;
    await load([player({ ringMs: String(ringS * 1000) }), completer, completed]);
    const mixer = mixerOf();
    const doneAt = collect('completed', (m) => ({ index: m.index, frame: mixer.currentFrame }));
    const chunkFrames = 4800; // 100 ms
    const signal = stereoSignal(3 * RATE, 9);
    const rec = await startRecording(3.6);
    const result = nextMessage('out', 20000);
    const p = helper.getNode('p');
    const sentAt = mixer.currentFrame;
    chunksOf(signal, 2, chunkFrames).forEach((payload, index) => p.receive({ payload, index }));
    p.receive({ end: true, index: 'end' });
    const msg = await result;
    assert.equal(msg.payload.underflowFrames, 0);
    assert.equal(msg.payload.frames, 3 * RATE);
    const chunks = doneAt.filter((d) => d.index !== 'end');
    assert.deepEqual(chunks.map((d) => d.index), Array.from({ length: 30 }, (_, i) => i), 'every chunk done, in order');
    const ring = ringS * RATE;
    for (const { index, frame } of chunks) {
      // Chunk k is done once its last frame is in the ring, which holds at most `ring` frames
      // beyond what the callback has read: so by then the stream has played this much.
      const mustHavePlayed = (index + 1) * chunkFrames - ring;
      assert.ok(frame - msg.payload.startFrame >= mustHavePlayed, `chunk ${index} done at stream frame ${frame - msg.payload.startFrame}, before ${mustHavePlayed} had played`);
    }
    // The first chunk fits the empty ring: it is done without waiting for the
    // stream, long before the last (1 s of slack for a loaded event loop).
    assert.ok(chunks[0].frame - sentAt < 1 * RATE, `the first chunk is done at once, not ${chunks[0].frame - sentAt} frames later`);
    assert.ok(chunks[29].frame - sentAt > (3 - ringS) * RATE, 'the last chunk waits for the ring');
    await assertPlayed(rec, msg.payload.startFrame, signal);
  });

  it('refuses chunks with ERR_RTMIXER_QUEUE_FULL beyond "Wait up to" (10 s here), and msg.stop stops at once', async () => {
    await load([player({ channels: '1', queueS: '10' }), catcher, caught]);
    const errors = collect('caught');
    const p = helper.getNode('p');
    const second = new Float32Array(RATE).fill(0.125);
    for (let i = 0; i < 13; i++) p.receive({ payload: second, index: i });
    await sleep(100);
    assert.ok(errors.length >= 1 && errors.length <= 3, `${errors.length} chunks refused`);
    for (const e of errors) {
      assert.equal(e.error.code, 'ERR_RTMIXER_QUEUE_FULL');
      assert.match(e.error.message, /s of audio are already waiting .* this chunk was dropped/);
      assert.ok(e.index >= 10, `chunk ${e.index} refused`);
    }
    // msg.stop: the stream ends at once, cancelled.
    const rec = mixerOf().record(Math.round(0.5 * RATE), { allowBelated: true });
    const result = nextMessage('out');
    const stopFrame = mixerOf().currentFrame;
    p.receive({ stop: true, topic: 'stop' });
    const msg = await result;
    assert.equal(msg.topic, 'stop');
    assert.equal(msg.payload.cancelled, true);
    assert.ok(msg.payload.frames < RATE, `played ${msg.payload.frames} frames of 10 s`);
    assert.ok(msg.payload.startFrame + msg.payload.frames <= stopFrame + 1024, 'stopped within a few blocks');
    const { samples, startFrame } = await rec.done;
    const silentFrom = (msg.payload.startFrame + msg.payload.frames - startFrame + roundTripFrames(mixerOf())) * 2;
    assert.ok(samples.subarray(Math.max(0, silentFrom)).every((v) => v === 0), 'silence after the stop');
    assert.equal(mixerOf().actionsInFlight, 0);
  });

  it('sends bad chunks to a Catch node with a code and a clear message, and keeps working', async () => {
    await load([player(), catcher, caught]);
    const errors = collect('caught');
    const p = helper.getNode('p');
    p.receive({ payload: 'hello' });
    p.receive({ payload: new Float32Array(3) });
    const nan = new Float32Array(8);
    nan[5] = NaN;
    p.receive({ payload: nan });
    // A 44.1 kHz WAV file in parts with Resample off: one error, and its other parts do not play as noise.
    await helper.setFlows([tab, mixerConfig(), out, player({ resample: false }), catcher, caught], 'nodes');
    const wav44 = wavBytes(2, 44100, '16', new Int16Array(44100 * 2).fill(1000));
    for (const m of fileInParts(wav44, 'wav44')) helper.getNode('p').receive(m);
    await sleep(100);
    const byMessage = errors.map((e) => [e.error.code, e.error.message]);
    assert.equal(errors.length, 4, JSON.stringify(byMessage));
    for (const [code] of byMessage) assert.equal(code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(byMessage[0][1], /msg\.payload must be a Float32Array .* got "hello"/);
    assert.match(byMessage[1][1], /Float32Array of 3 samples, not a whole number of 2-channel frames/);
    assert.match(byMessage[2][1], /non-finite sample \(NaN\) at index 5/);
    assert.match(byMessage[3][1], /WAV stream is 44100 Hz but the mixer runs at 48000 Hz\. Turn on "resample"/);
    // Still working: a short stream plays and reports.
    const signal = stereoSignal(4800, 11);
    const rec = await startRecording(0.5);
    const result = nextMessage('out');
    helper.getNode('p').receive({ payload: signal, end: true });
    const msg = await result;
    assert.equal(msg.payload.frames, 4800);
    assert.equal(errors.length, 4);
    await assertPlayed(rec, msg.payload.startFrame, signal);
  });

  it('ends the stream with closed: true when the mixer closes under it, and waiting chunks fail with ERR_RTMIXER_CLOSED', async () => {
    await load([player({ channels: '1' }), catcher, caught]);
    const errors = collect('caught');
    const p = helper.getNode('p');
    for (let i = 0; i < 10; i++) p.receive({ payload: new Float32Array(4800).fill(0.2), index: i });
    await sleep(150);
    const result = nextMessage('out');
    await mixerOf().close();
    const msg = await result;
    assert.equal(msg.payload.closed, true);
    assert.equal(msg.payload.cancelled, true);
    await sleep(50);
    assert.ok(errors.length > 0, 'chunks still waiting fail');
    for (const e of errors) assert.equal(e.error.code, 'ERR_RTMIXER_CLOSED');
    assert.ok(errors.every((e) => e.index >= 3), `the chunks already in the ring were done: ${errors.map((e) => e.index)}`);
  });

  it('stops its stream on a partial redeploy of this node, and the new node plays', async () => {
    const flow = [tab, mixerConfig(), out, player()];
    await load([player()]);
    const mixer = mixerOf();
    const p = helper.getNode('p');
    for (let i = 0; i < 20; i++) p.receive({ payload: new Float32Array(4800 * 2).fill(0.5) });
    await sleep(200);
    assert.equal(mixer.actionsInFlight, 1, 'the stream is playing');
    const outputs = collect('out');
    await helper.setFlows([...flow.slice(0, 3), player({ name: 'renamed' })], 'nodes');
    await sleep(100);
    assert.equal(mixerOf(), mixer, 'the mixer stayed open');
    assert.equal(mixer.actionsInFlight, 0, 'the stream was cancelled');
    const rec = await startRecording(0.2);
    const { samples } = await rec.done;
    assert.ok(samples.every((v) => v === 0), 'silence after the redeploy');
    assert.deepEqual(outputs, [], 'a closed node sends nothing');
    // The redeployed node plays a new stream.
    const result = nextMessage('out');
    helper.getNode('p').receive({ payload: stereoSignal(2400), end: true });
    assert.equal((await result).payload.frames, 2400);
  });
});
