'use strict';
// rtmixer-play-ringbuffer fed compressed files in chunks, as the core `file in`
// node sends them: the decoder's state stays on a decode thread between
// messages, what plays (recorded through the JACK loopback) equals
// decodeAudio() of the whole file, and a long file's decoded audio never piles
// up ahead of the ring.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio } = require('../..');
const { helper, rtmixerNodes, mixerConfig, mixerOf, nextMessage, collect, sleep, useNodeRed } = require('../helpers/node-red');
const { wireLoopback } = require('../../tools/jack-server');
const { roundTripFrames } = require('../helpers/loopback');
const { requireFromNodeRed } = require('../helpers/node-red-runtime');
const { run, tempDir, source } = require('../helpers/decode-corpus');

require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc'); // memory is measured after a full collection

const fileInNode = requireFromNodeRed('@node-red/nodes/core/storage/10-file.js');

const RATE = 48000;
const tab = { id: 't1', type: 'tab' };
const out = { id: 'out', type: 'helper', z: 't1' };
const catcher = { id: 'catcher', type: 'catch', z: 't1', scope: ['p'], uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', z: 't1' };

function player(extra = {}) {
  return { id: 'p', type: 'rtmixer-play-ringbuffer', z: 't1', mixer: 'mixer', outputChannels: '', gain: '1', format: 'int16', channels: '', ringMs: '1000', prefillMs: '', resample: true, wires: [['out']], ...extra };
}

async function load(nodes, extraModules = []) {
  await helper.load([...rtmixerNodes, ...extraModules], [tab, mixerConfig(), out, catcher, caught, ...nodes]);
  wireLoopback();
  await sleep(50);
}

/** Messages as `file in` sends a file ("a msg per chunk"): payload pieces with msg.parts, the last one counted. */
function partsOf(bytes, sizes, id) {
  const msgs = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const payload = bytes.subarray(at, Math.min(bytes.length, at + sizes[i % sizes.length]));
    at += payload.length;
    msgs.push({ payload, parts: { index: i, id, ...(at === bytes.length ? { count: i + 1 } : {}) } });
  }
  return msgs;
}

/** The recording holds `expected` (2 ch) from stream frame `startFrame`, within `tolerance`, silence before. */
async function assertPlayed(rec, startFrame, expected, tolerance) {
  const { samples, startFrame: recStart } = await rec.done;
  const offset = startFrame - recStart + roundTripFrames(mixerOf());
  assert.ok(offset > 0 && offset * 2 + expected.length <= samples.length, `the recording covers the stream (offset ${offset})`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(samples[offset * 2 + i] - expected[i]));
  assert.ok(worst <= tolerance, `largest difference from the decoded file ${worst}`);
  assert.equal(samples[offset * 2 - 2], 0, 'silence before the stream');
}

describe('rtmixer-play-ringbuffer node: compressed files in chunks', function () {
  this.timeout(60000);
  useNodeRed();
  let dir;
  const files = {};
  before(() => {
    dir = tempDir('rtmixer-ring-compressed-');
    const src = source(dir, { seconds: 1.5 });
    files.mp3 = path.join(dir, 't.mp3');
    run('sox', [src, '-C', '192', files.mp3]); // 44.1 kHz: resampled as it streams
    files.wav = path.join(dir, 't.wav');
    run('sox', [src, '-b', '24', files.wav]); // a WAV at 44.1 kHz: resampled as it streams too
    files.opus = path.join(dir, 't.opus');
    run('opusenc', ['--quiet', src, files.opus]);
    files.flac = path.join(dir, 'long.flac'); // 8 s at 48 kHz: several 64 KiB messages from file in
    run('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', files.flac, 'synth', '8', 'sine', '300', 'sine', '500-2500', 'gain', '-6']);
    files.long = path.join(dir, 'ten-minutes.mp3');
    run('sox', ['-n', '-r', '48000', '-c', '2', '-C', '128', files.long, 'synth', '600', 'sine', '440', 'sine', '1000-3000', 'gain', '-4']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['mp3', 'opus', 'wav']) {
    it(`plays a ${kind.toUpperCase()} file sent in small pieces split anywhere, as decodeAudio() decodes it`, async () => {
      await load([player()]);
      const errors = collect('caught');
      const bytes = fs.readFileSync(files[kind]);
      const expected = (await decodeAudio(bytes, { sampleRate: RATE })).samples;
      const rec = mixerOf().record(Math.round(3.5 * RATE), { allowBelated: true });
      await sleep(20);
      const result = nextMessage('out', 20000);
      for (const m of partsOf(bytes, [4096, 777, 13, 2500], kind)) helper.getNode('p').receive(m);
      const msg = await result;
      assert.deepEqual(errors, []);
      assert.equal(msg.payload.frames, expected.length / 2);
      assert.equal(msg.payload.underflowFrames, 0);
      await assertPlayed(rec, msg.payload.startFrame, expected, 1e-6);
    });
  }

  it('a file that is not one it reads is one coded error for the whole sequence, and the node keeps playing', async () => {
    await load([player()]);
    const errors = collect('caught');
    const results = collect('out', (m) => m.payload);
    const p = helper.getNode('p');
    for (const m of partsOf(Buffer.concat([Buffer.from('ID3'), Buffer.alloc(20000)]), [8192], 'tag')) p.receive(m);
    const deadline = Date.now() + 10000;
    while (results.length < 1 && Date.now() < deadline) await sleep(20);
    assert.deepEqual(errors.map((e) => e.error.code), ['ERR_RTMIXER_UNSUPPORTED_FORMAT']);
    assert.match(errors[0].error.message, /ID3 tag but no MP3 or FLAC audio/);
    assert.deepEqual([results[0].startFrame, results[0].frames], [-1, 0]);
    const bytes = fs.readFileSync(files.opus);
    for (const m of partsOf(bytes, [3000], 'opus')) p.receive(m);
    while (results.length < 2 && Date.now() < deadline + 10000) await sleep(20);
    assert.equal(results[1].frames, (await decodeAudio(bytes)).samples.length / 2);
    assert.equal(errors.length, 1);
  });

  it('plays a FLAC file read by the core file-in node, one 64 KiB message per chunk', async () => {
    const reader = { id: 'file', type: 'file in', z: 't1', filename: files.flac, filenameType: 'str', format: 'stream', chunk: false, sendError: false, encoding: 'none', allProps: false, wires: [['p']] };
    await load([reader, player()], [fileInNode]);
    const errors = collect('caught');
    const bytes = fs.readFileSync(files.flac);
    assert.ok(bytes.length > 3 * 65536, `${bytes.length} bytes: several messages`);
    const expected = (await decodeAudio(bytes)).samples;
    const rec = mixerOf().record(Math.round(10 * RATE), { allowBelated: true });
    await sleep(20);
    const result = nextMessage('out', 30000);
    helper.getNode('file').receive({ topic: 'song' });
    const msg = await result;
    assert.deepEqual(errors, []);
    assert.equal(msg.payload.frames, 8 * RATE);
    assert.equal(msg.payload.underflowFrames, 0);
    await assertPlayed(rec, msg.payload.startFrame, expected, 0);
  });

  it('streams a 10-minute MP3 sent all at once (as file in does) without decoding ahead of the ring, and stops on msg.stop', async () => {
    await load([player()]);
    const errors = collect('caught');
    const bytes = fs.readFileSync(files.long);
    const msgs = partsOf(bytes, [65536], 'long');
    const decodedMiB = (600 * RATE * 2 * 4) / 1048576;
    gc();
    const before = process.memoryUsage().rss; // decoded audio comes from a thread: not in this isolate's arrayBuffers
    const result = nextMessage('out', 20000);
    const p = helper.getNode('p');
    for (const m of msgs) p.receive(m);
    // Unpaced, the decode thread (many times faster than playback) would fill memory with decoded audio meanwhile.
    let peak = 0;
    for (let i = 0; i < 8; i++) {
      await sleep(1000);
      gc();
      peak = Math.max(peak, process.memoryUsage().rss - before);
    }
    const growthMiB = peak / 1048576;
    console.log(`      10-minute MP3 (${msgs.length} messages, ${decodedMiB.toFixed(0)} MiB decoded): RSS +${growthMiB.toFixed(1)} MiB at most over 8 s of play`);
    assert.ok(growthMiB < 48, `decoded audio piled up: +${growthMiB.toFixed(1)} MiB`);
    p.receive({ stop: true });
    const msg = await result;
    assert.equal(msg.payload.cancelled, true);
    assert.ok(msg.payload.frames > 6 * RATE, `${msg.payload.frames} frames played before the stop`);
    assert.equal(msg.payload.underflowFrames, 0, 'paced decoding kept the ring fed');
    assert.deepEqual(errors, []);
  });
});
