'use strict';
// rtmixer-sampler through the real Node-RED runtime and the JACK loopback:
// sounds loaded by message and from files at deploy, triggered by name and
// heard sample for sample one period later; polyphony with stealing or
// refusing, msg.stop, replacing a sound, and 50 redeploys that free everything.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { WaveFile } = require('wavefile');
const { flowFrame, helper, loadFlow, mixerConfig, mixerOf, nextMessage, sleep, statusLog, useNodeRed } = require('../helpers/node-red');
const { waitFor } = require('../helpers/wait');
const { column, soon } = require('../helpers/loopback');
const { run, tempDir, source, soxDecode, compare } = require('../helpers/decode-corpus');
const { PERIOD } = require('../../tools/jack-server');
const { nativeMemory } = require('../..');

const { tab, at0, out, catcher, caught } = flowFrame;
// Complete fires once the sampler has called done(): a load has finished, a stop has ended its voices.
const completer = { id: 'completer', type: 'complete', ...at0, scope: ['sampler'], uncaught: false, wires: [['completed']] };
const completed = { id: 'completed', type: 'helper', ...at0 };
const base = [tab, mixerConfig(), out, catcher, caught, completer, completed];

function sampler(extra = {}) {
  return { id: 'sampler', type: 'rtmixer-sampler', ...at0, name: '', mixer: 'mixer', sounds: [], polyphony: '4', steal: 'oldest', wires: [['out']], ...extra };
}

/** Sends `msg` to the sampler and resolves once the sampler is done with it. */
async function send(msg) {
  const done = nextMessage('completed');
  helper.getNode('sampler').receive(msg);
  return done;
}

/** Resolves with the next `n` messages `nodeId` receives. */
function messages(nodeId, n, timeoutMs = 20000) {
  const got = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${nodeId} received ${got.length} of ${n} messages`)), timeoutMs);
    helper.getNode(nodeId).on('input', (msg) => {
      got.push(msg);
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

/** A stereo ramp pattern that no two frames share. */
function pattern(frames, seed) {
  const s = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    s[2 * k] = (((k * seed) % 200) - 100) / 256;
    s[2 * k + 1] = -(((k * (seed + 3)) % 150) + 1) / 256;
  }
  return s;
}

const statusText = (log) => (log.sampler ?? []).map((s) => s.text);

describe('rtmixer-sampler node', function () {
  this.timeout(60000);
  useNodeRed();
  let dir;
  const files = {};

  before(function () {
    this.timeout(60000);
    dir = tempDir('rtmixer-sampler-');
    files.wav = source(dir, { rate: 48000, channels: 2, seconds: 0.25, name: 'bell.wav' });
    files.flac = path.join(dir, 'gong.flac');
    run('sox', [source(dir, { rate: 44100, channels: 1, seconds: 0.25, name: 'gong.wav' }), files.flac]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plays sounds loaded by message, by name, sample-exactly at msg.at; a mono sound on every output or on msg.outputs', async () => {
    await loadFlow([...base, sampler()]);
    const log = statusLog();
    const tone = pattern(800, 7);
    const click = new Float32Array(300).map((_, k) => ((k % 30) - 15) / 64);
    await send({ topic: 'tone', load: true, payload: tone, channels: 2 });
    await send({ topic: 'click', load: true, payload: click, channels: 1 });
    assert.equal(statusText(log).at(-1), '2 sounds · 0 playing');

    const mixer = mixerOf();
    const at = soon(mixer, 0.3) + 5;
    const rec = mixer.record(3000 + PERIOD, { at });
    const replies = messages('out', 3);
    helper.getNode('sampler').receive({ topic: 'tone', at });
    helper.getNode('sampler').receive({ topic: 'click', at: at + 1000 });
    helper.getNode('sampler').receive({ topic: 'click', at: at + 2000, outputs: [2], gain: 0.5 });
    const byStart = Object.fromEntries((await replies).map((m) => [m.payload.startFrame - at, m]));
    assert.deepEqual(byStart[0].payload, { startFrame: at, frames: 800, late: 0, cancelled: false, closed: false });
    assert.equal(byStart[0].topic, 'tone');
    assert.deepEqual(byStart[1000].payload, { startFrame: at + 1000, frames: 300, late: 0, cancelled: false, closed: false });
    assert.equal(byStart[2000].payload.frames, 300);

    const recorded = (await rec.done).samples;
    const left = column(recorded, 2, 0).subarray(PERIOD);
    const right = column(recorded, 2, 1).subarray(PERIOD);
    for (let k = 0; k < 800; k++) {
      assert.equal(left[k], tone[2 * k], `tone left ${k}`);
      assert.equal(right[k], tone[2 * k + 1], `tone right ${k}`);
    }
    for (let k = 0; k < 300; k++) {
      assert.equal(left[1000 + k], click[k], `click left ${k}`);
      assert.equal(right[1000 + k], click[k], `click right ${k}`);
      assert.equal(left[2000 + k], 0, `click on output 2 only, left ${k}`);
      assert.equal(right[2000 + k], click[k] * 0.5, `click on output 2, right ${k}`);
    }
    for (const k of [800, 999, 1300, 1999, 2300, 2999]) assert.equal(left[k] + right[k], 0, `silence at ${k}`);
    assert.ok(statusText(log).includes('2 sounds · 1 playing'), statusText(log).join(' | '));
    log.stop();
  });

  it('loads the editor list at deploy off the event loop (a WAV, a 44.1 kHz FLAC resampled), then plays them as sox decodes them', async () => {
    const log = statusLog();
    await loadFlow([...base, sampler({ sounds: [{ name: 'bell', file: files.wav, polyphony: '' }, { name: 'gong', file: files.flac, polyphony: '2' }] })]);
    await waitFor('both files loaded', () => statusText(log).at(-1) === '2 sounds · 0 playing', { timeoutMs: 20000 });
    assert.ok(statusText(log).includes('loading 2 sounds'), statusText(log).join(' | '));
    log.stop();

    const mixer = mixerOf();
    const at = soon(mixer, 0.3);
    const rec = mixer.record(30000 + PERIOD, { at });
    const replies = messages('out', 2);
    helper.getNode('sampler').receive({ topic: 'bell', at });
    helper.getNode('sampler').receive({ topic: 'gong', at: at + 15000 });
    const [bell, gong] = (await replies).sort((a, b) => a.payload.startFrame - b.payload.startFrame).map((m) => m.payload);
    const recorded = (await rec.done).samples;

    const reference = soxDecode(files.wav);
    assert.equal(bell.frames, reference.length / 2);
    const heardBell = recorded.subarray(PERIOD * 2, (PERIOD + bell.frames) * 2);
    assert.ok(compare(heardBell, reference).max <= 1 / 32768, 'the WAV as sox decodes it');
    // 0.25 s at 44.1 kHz resampled to 48 kHz, mono on both outputs.
    assert.ok(Math.abs(gong.frames - 12000) <= 2, `gong: ${gong.frames} frames`);
    const heardGong = column(recorded, 2, 0).subarray(PERIOD + 15000, PERIOD + 15000 + gong.frames);
    const expected = soxDecode(path.join(dir, 'gong.wav'));
    const rms = (a) => Math.sqrt(a.reduce((sum, v) => sum + v * v, 0) / a.length);
    assert.ok(Math.abs(rms(heardGong) / rms(expected) - 1) < 0.05, 'the resampled FLAC keeps its level');
    assert.deepEqual(column(recorded, 2, 1).subarray(PERIOD + 15000, PERIOD + 15000 + gong.frames), heardGong, 'mono on both outputs');
  });

  it('a file that cannot be read or decoded goes to Catch with its name and path; the others load', async () => {
    const bad = path.join(dir, 'not-audio.wav');
    fs.writeFileSync(bad, 'this is not a sound file at all');
    await loadFlow(base);
    const errors = messages('caught', 2);
    const log = statusLog();
    // A partial deploy adds the sampler to the running flow, whose Catch node already listens.
    await helper.setFlows([...base, sampler({ sounds: [{ name: 'missing', file: path.join(dir, 'nope.wav') }, { name: 'bad', file: bad }, { name: 'bell', file: files.wav }] })], 'nodes');
    const got = (await errors).sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(got.map((m) => [m.topic, m.payload]), [['bad', bad], ['missing', path.join(dir, 'nope.wav')]]);
    assert.equal(got[1].error.code, 'ENOENT');
    assert.match(got[0].error.code, /^ERR_RTMIXER_/);
    assert.match(got[0].error.message, /Sound "bad" \(.*not-audio\.wav\): The data is not a sound file/);
    await waitFor('the good file loaded', () => statusText(log).at(-1) === '1 sound · 0 playing');
    log.stop();
  });

  it('a row without a file, or a bad polyphony, is a red status and every message fails with it', async () => {
    const log = statusLog();
    await loadFlow([...base, sampler({ sounds: [{ name: 'bell', file: '' }] }), sampler({ id: 'bad', polyphony: 'many', wires: [] })]);
    const shown = (id) => (log[id] ?? []).at(-1);
    assert.deepEqual(shown('sampler'), { fill: 'red', shape: 'ring', text: 'Sound 1 needs both a name and a file path' });
    assert.equal(shown('bad').fill, 'red');
    assert.match(shown('bad').text, /^Polyphony must be 1 to 1024, got "many"/); // the status's terse wording; the full text goes to Catch
    log.stop();
    const error = nextMessage('caught');
    helper.getNode('sampler').receive({ topic: 'bell' });
    assert.equal((await error).error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
  });

  it('steals the oldest voice of a sound at its polyphony (reported cancelled, faded out), other sounds untouched', async () => {
    await loadFlow([...base, sampler({ polyphony: '2' })]);
    await send({ topic: 'hum', load: true, payload: new Float32Array(4800).fill(0.1), channels: 1 });
    await send({ topic: 'other', load: true, payload: new Float32Array(4800).fill(0.01), channels: 1 });
    const mixer = mixerOf();
    const at = soon(mixer, 0.3);
    const rec = mixer.record(8000 + PERIOD, { at, channels: [1] });
    const finished = messages('out', 4);
    const firstEnded = nextMessage('out');
    const node = helper.getNode('sampler');
    node.receive({ topic: 'hum', at, loop: true, voice: 1 });
    node.receive({ topic: 'other', at, loop: true, voice: 'other' });
    node.receive({ topic: 'hum', at: at + 1000, loop: true, voice: 2 });
    node.receive({ topic: 'hum', at: at + 4000, loop: true, voice: 3 });
    const first = await firstEnded;
    assert.equal(first.voice, 1, 'the oldest voice went first');
    assert.equal(first.payload.cancelled, true);
    // Stolen at the new voice's start, over 5 ms (240 frames), not cut.
    assert.ok(Math.abs(first.payload.frames - (4000 + 240)) <= PERIOD, `stolen voice played ${first.payload.frames} frames`);
    const { samples } = await rec.done;
    const heard = samples.subarray(PERIOD);
    const near = (v, want) => Math.abs(v - want) < 1e-6;
    assert.ok(near(heard[3990], 0.21), `two voices + other before the steal: ${heard[3990]}`);
    assert.ok(heard[4100] > 0.215 && heard[4100] < 0.305, `the stolen voice fading at 4100: ${heard[4100]}`);
    assert.ok(near(heard[4500], 0.21), `two voices + other after the fade: ${heard[4500]}`);
    await send({ stop: true });
    const all = await finished;
    assert.deepEqual(all.map((m) => m.payload.cancelled), [true, true, true, true]);
    assert.deepEqual(all.map((m) => m.voice).sort(), [1, 2, 3, 'other']);
  });

  it("'refuse' sends the extra trigger to Catch with ERR_RTMIXER_VOICE_LIMIT and keeps the voices; an unknown name is ERR_RTMIXER_UNKNOWN_SOUND", async () => {
    await loadFlow([...base, sampler({ polyphony: '1', steal: 'refuse' })]);
    await send({ topic: 'hum', load: true, payload: new Float32Array(480).fill(0.1), channels: 1 });
    const node = helper.getNode('sampler');
    node.receive({ topic: 'hum', loop: true });
    const refused = nextMessage('caught');
    node.receive({ topic: 'hum' });
    const { error } = await refused;
    assert.equal(error.code, 'ERR_RTMIXER_VOICE_LIMIT');
    assert.match(error.message, /"hum" already plays 1 voice/);
    const unknown = nextMessage('caught');
    node.receive({ topic: 'hmm' });
    const { error: err2 } = await unknown;
    assert.equal(err2.code, 'ERR_RTMIXER_UNKNOWN_SOUND');
    assert.match(err2.message, /no sound named "hmm".*"hum"/);
    const ended = nextMessage('out');
    await send({ stop: true, topic: 'hum' });
    assert.equal((await ended).payload.cancelled, true);
  });

  it('msg.stop with a topic stops that sound only; without, every voice', async () => {
    await loadFlow([...base, sampler()]);
    await send({ topic: 'a', load: true, payload: new Float32Array(480).fill(0.1), channels: 1 });
    await send({ topic: 'b', load: true, payload: new Float32Array(480).fill(0.2), channels: 1 });
    const node = helper.getNode('sampler');
    const ended = [];
    helper.getNode('out').on('input', (m) => ended.push(m.topic));
    for (const topic of ['a', 'a', 'b']) node.receive({ topic, loop: true });
    const mixer = mixerOf();
    await waitFor('three voices in flight', () => mixer.actionsInFlight === 3);
    await send({ stop: true, topic: 'a', fadeOut: 0.01 });
    await waitFor('both a voices reported', () => ended.length === 2);
    assert.deepEqual(ended, ['a', 'a']);
    assert.equal(mixer.actionsInFlight, 1, 'b plays on');
    await send({ stop: true });
    await waitFor('b reported', () => ended.length === 3);
    assert.equal(ended[2], 'b');
    assert.equal(mixer.actionsInFlight, 0);
  });

  it('msg.load replaces a sound: the playing voice keeps the old one, the next trigger plays the new one', async () => {
    await loadFlow([...base, sampler()]);
    await send({ topic: 'pad', load: true, payload: new Float32Array(960).fill(0.25), channels: 1 });
    const mixer = mixerOf();
    const at = soon(mixer, 0.3);
    const rec = mixer.record(4000 + PERIOD, { at, channels: [1] });
    const node = helper.getNode('sampler');
    node.receive({ topic: 'pad', at, loop: true });
    // A WAV file this time: the same payload kinds as play-buffer.
    const wav = new WaveFile();
    wav.fromScratch(1, 48000, '16', new Int16Array(960).fill(16384));
    await send({ topic: 'pad', load: true, payload: Buffer.from(wav.toBuffer()) });
    node.receive({ topic: 'pad', at: at + 2000 });
    const { samples } = await rec.done;
    const heard = samples.subarray(PERIOD);
    assert.equal(heard[1000], 0.25, 'the old sound loops on');
    assert.equal(heard[2500], 0.75, 'old (0.25) + new (0.5)');
    assert.equal(heard[3500], 0.25, 'the new one ended after 960 frames');
    const ended = nextMessage('out');
    await send({ stop: true, topic: 'pad' });
    assert.equal((await ended).payload.cancelled, true);
  });

  it('survives 50 redeploys while its sounds play, with native memory back to 0', async function () {
    this.timeout(300000);
    const flow = [...base, sampler({ sounds: [{ name: 'bell', file: files.wav }] })];
    const log = statusLog();
    await loadFlow(flow);
    for (let i = 0; i < 50; i++) {
      await waitFor(`bell loaded (deploy ${i})`, () => statusText(log).at(-1) === '1 sound · 0 playing', { timeoutMs: 20000 });
      const node = helper.getNode('sampler');
      node.receive({ topic: 'pad', load: true, payload: new Float32Array(4800).fill(0.1), channels: 1 });
      node.receive({ topic: 'bell', loop: true });
      node.receive({ topic: 'pad', loop: true });
      await waitFor('two voices', () => statusText(log).at(-1) === '2 sounds · 2 playing');
      // The bell (12000 stereo frames) and the pad (4800 mono frames, and its copy for both outputs) in native memory.
      if (i === 0) assert.ok(nativeMemory().bytes >= (12000 * 2 + 4800 * 3) * 4, `${nativeMemory().bytes} bytes held`);
      log.sampler.length = 0;
      await helper.setFlows(flow, 'full');
    }
    log.stop();
    await helper.unload();
    await sleep(100);
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
  });
});
