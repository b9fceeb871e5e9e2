'use strict';
// The play-ringbuffer node's stream decoder (SampleDecoder) fed compressed
// files, and WAVs at another rate, in chunks split at random byte positions:
// the frames equal decodeAudio()'s of the whole file at the mixer's rate, the
// decoder's state living on a decode thread between chunks, paced by the caller.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio, SampleDecoder } = require('../..');
const { run, tempDir, source, join } = require('../helpers/decode-corpus');

const RATE = 48000;
const opts = (extra = {}) => ({ name: 'msg.payload', format: 'int16', channels: 2, sampleRate: RATE, ...extra });

/** A deterministic generator, so a failing split can be reproduced from its seed. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 4294967296);
}

/** Cuts bytes at `count` random positions (pieces from 1 byte up). */
function randomSplit(bytes, seed, count = 40) {
  const random = prng(seed);
  const cuts = new Set();
  while (cuts.size < Math.min(count, bytes.length - 1)) cuts.add(1 + Math.floor(random() * (bytes.length - 1)));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  return sorted.slice(1).map((end, i) => bytes.subarray(sorted[i], end));
}

/** Streams the pieces through a SampleDecoder the way the node does: every push at once, end() last. */
async function stream(pieces, extra) {
  const decoder = new SampleDecoder(opts(extra));
  const outputs = await Promise.all([...pieces.map((p) => decoder.push(p)), decoder.end()]);
  return { decoder, outputs, samples: join(outputs.map((o) => o.samples)) };
}

describe('SampleDecoder: compressed files and resampled WAVs streamed in chunks', function () {
  this.timeout(60000);
  let dir;
  const files = {};
  before(() => {
    dir = tempDir('rtmixer-sdstream-');
    const src = source(dir, { seconds: 1.5 });
    const mono = source(dir, { channels: 1, seconds: 1 });
    const make = (name, cmd, args) => {
      files[name] = path.join(dir, name);
      run(cmd, [...args, files[name]]);
    };
    make('sox.mp3', 'sox', [src, '-C', '192']);
    make('lame.mp3', 'lame', ['--quiet', '-b', '128', src]);
    make('t.flac', 'sox', [src]);
    make('t.ogg', 'sox', [src]);
    make('t.opus', 'opusenc', ['--quiet', src]);
    make('mono-48k.flac', 'sox', [mono, '-r', '48000']);
    make('w44.wav', 'sox', [src, '-b', '24']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, seed] of [['sox.mp3', 1], ['lame.mp3', 2], ['t.flac', 3], ['t.ogg', 4], ['t.opus', 5], ['mono-48k.flac', 6], ['w44.wav', 7]]) {
    it(`${name} split at 40 random byte positions (seed ${seed}) plays the frames decodeAudio() gives at ${RATE} Hz`, async () => {
      const bytes = fs.readFileSync(files[name]);
      const whole = await decodeAudio(bytes, { sampleRate: RATE });
      const { decoder, outputs, samples } = await stream(randomSplit(bytes, seed));
      assert.equal(decoder.channels, whole.channels);
      assert.ok(outputs.every((o) => o.samples.length === 0 || o.channels === whole.channels));
      assert.ok(outputs.filter((o) => o.samples.length > 0).length > 1, 'frames came out before the end');
      assert.equal(samples.length, whole.samples.length);
      assert.deepEqual(samples, whole.samples);
    });
  }

  it('decodes each chunk only once pace() allows, in order', async () => {
    const bytes = fs.readFileSync(files['t.flac']);
    let release;
    let gate = new Promise((resolve) => (release = resolve));
    let paced = 0;
    const decoder = new SampleDecoder(opts({ pace: () => (paced++, gate) }));
    const pieces = randomSplit(bytes, 9, 5);
    const settled = [];
    const pending = pieces.map((p, i) => Promise.resolve(decoder.push(p)).then((o) => settled.push(i) && o));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(settled, [], 'nothing decoded while pace() holds');
    assert.equal(paced, 1, 'the next chunk waits for the one before it');
    release();
    const whole = await decodeAudio(bytes, { sampleRate: RATE });
    const outputs = await Promise.all([...pending, decoder.end()]);
    assert.deepEqual(settled, pieces.map((_, i) => i));
    assert.deepEqual(join(outputs.map((o) => o.samples)), whole.samples);
    gate = undefined;
  });

  it('a file at another rate with resample off, a corrupt file and a Float32Array mid-file are coded errors, one per file', async () => {
    const mp3 = fs.readFileSync(files['sox.mp3']); // 44.1 kHz
    const [first, ...rest] = [mp3.subarray(0, 20000), ...randomSplit(mp3.subarray(20000), 11, 6)];
    const decoder = new SampleDecoder(opts({ resample: false }));
    await assert.rejects(decoder.push(first), (err) => err.code === 'ERR_RTMIXER_INVALID_ARGUMENT' && /MP3 stream is 44100 Hz but the mixer runs at 48000 Hz/.test(err.message));
    for (const piece of rest) assert.equal((await decoder.push(piece)).samples.length, 0, 'the rest of the file is skipped quietly');
    assert.equal((await decoder.end()).samples.length, 0);

    const flac = fs.readFileSync(files['t.flac']);
    const streaming = new SampleDecoder(opts());
    const head = streaming.push(flac.subarray(0, 5000));
    assert.throws(() => streaming.push(new Float32Array(4)), (err) => err.code === 'ERR_RTMIXER_INVALID_ARGUMENT' && /A Float32Array came in the middle of a sound file/.test(err.message));
    const outputs = await Promise.all([head, streaming.push(flac.subarray(5000)), streaming.end()]);
    assert.deepEqual(join(outputs.map((o) => o.samples)), (await decodeAudio(flac, { sampleRate: RATE })).samples, 'the refused chunk left the stream as it was');

    const truncated = new SampleDecoder(opts());
    await truncated.push(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(10)]));
    await assert.rejects(truncated.end(), (err) => /^ERR_RTMIXER_/.test(err.code));

    const tagOnly = new SampleDecoder(opts());
    await assert.rejects(tagOnly.push(Buffer.concat([Buffer.from('ID3'), Buffer.alloc(61)])), { code: 'ERR_RTMIXER_UNSUPPORTED_FORMAT' });
  });

  it('close() drops a file decoding on a thread: what is queued comes back empty', async () => {
    const bytes = fs.readFileSync(files['t.ogg']);
    const decoder = new SampleDecoder(opts());
    const pending = randomSplit(bytes, 13, 10).map((p) => decoder.push(p));
    decoder.close();
    const outputs = await Promise.all(pending);
    assert.ok(outputs.every((o) => o.samples.length === 0));
  });
});
