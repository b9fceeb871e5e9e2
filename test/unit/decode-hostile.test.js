'use strict';
// Hostile and broken files: each ends in a coded error within 100 ms (after the
// decode thread is warm), without reading counts from chunks it skips and
// without allocating from sizes the file declares.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio } = require('../..');
const { run, tempDir, source } = require('../helpers/decode-corpus');

function chunk(id, body, declared = body.length) {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(declared >>> 0, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length & 1)]);
}

function fmt({ tag = 1, channels = 2, rate = 48000, bits = 16, block = channels * Math.ceil(bits / 8) } = {}) {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(tag, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(rate, 4);
  body.writeUInt32LE(rate * block, 8);
  body.writeUInt16LE(block, 12);
  body.writeUInt16LE(bits, 14);
  return chunk('fmt ', body);
}

function riff(...chunks) {
  const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const pcm = (frames = 64) => chunk('data', Buffer.alloc(frames * 4, 0x11));

async function rejectsFast(bytes, code, pattern) {
  const started = performance.now();
  await assert.rejects(decodeAudio(bytes), (err) => {
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
  const ms = performance.now() - started;
  assert.ok(ms < 100, `took ${ms.toFixed(1)} ms`);
  return ms;
}

describe('decodeAudio: hostile and broken files', function () {
  this.timeout(20000);
  const times = [];
  before(async () => {
    await decodeAudio(riff(fmt(), pcm())); // warm the decode thread
  });
  after(() => console.log(`      slowest refusal: ${Math.max(...times).toFixed(1)} ms of ${times.length}`));
  const refuse = async (...args) => times.push(await rejectsFast(...args));

  it('skips cue, smpl, LIST and fact chunks whose counts claim 10^9 entries, by their sizes alone', async () => {
    const huge = Buffer.alloc(8);
    huge.writeUInt32LE(1e9, 0);
    huge.writeUInt32LE(1e9, 4);
    const smpl = Buffer.alloc(36);
    smpl.writeUInt32LE(1e9, 28); // sample loops
    const started = performance.now();
    const decoded = await decodeAudio(riff(chunk('cue ', huge), chunk('smpl', smpl), chunk('LIST', huge), fmt(), chunk('fact', huge), pcm(10)));
    assert.equal(decoded.samples.length, 20);
    assert.ok(performance.now() - started < 100);
  });

  it('allocates nothing from what a hostile file declares: 200 of them leave RSS within 64 MiB', async () => {
    const hostile = [
      riff(chunk('cue ', Buffer.alloc(8), 1e9), fmt(), pcm()),
      riff(fmt(), chunk('data', Buffer.alloc(64), 0xfffffff0)),
      riff(fmt({ channels: 65535, block: 2 }), pcm()),
      riff(fmt({ rate: 1 }), pcm()),
      riff(fmt({ tag: 0x02, bits: 4, block: 2048 }), chunk('data', Buffer.alloc(64), 4e9)),
    ];
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 200; i++) await decodeAudio(hostile[i % hostile.length]).catch((err) => assert.ok(err.code, err.message));
    const grownMiB = (process.memoryUsage().rss - before) / 1048576;
    assert.ok(grownMiB < 64, `RSS grew ${grownMiB.toFixed(1)} MiB`);
  });

  it('refuses chunks whose sizes run past the end of the file', async () => {
    for (const id of ['cue ', 'smpl', 'LIST', 'fact', 'fmt ']) {
      await refuse(riff(chunk(id, Buffer.alloc(8), 1e9), fmt(), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /claims/);
    }
    await refuse(riff(fmt(), chunk('data', Buffer.alloc(64), 1e9)), 'ERR_RTMIXER_MALFORMED_FILE', /truncated/);
  });

  it('refuses 0 channels, 65 535 channels, 1 Hz and 10 MHz', async () => {
    await refuse(riff(fmt({ channels: 0, block: 2 }), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /0 channels/);
    await refuse(riff(fmt({ channels: 65535, block: 2 }), pcm()), 'ERR_RTMIXER_DECODE_LIMIT', /65535 channels/);
    await refuse(riff(fmt({ rate: 1 }), pcm()), 'ERR_RTMIXER_DECODE_LIMIT', /1 Hz/);
    await refuse(riff(fmt({ rate: 10e6 }), pcm()), 'ERR_RTMIXER_DECODE_LIMIT', /10000000 Hz/);
  });

  it('refuses every truncation of a header, and a header without data or fmt', async () => {
    const whole = riff(fmt(), chunk('LIST', Buffer.alloc(30)), pcm());
    const dataAt = whole.indexOf('data');
    for (let length = 0; length < dataAt + 8; length++) {
      const code = length < 12 ? /UNSUPPORTED_FORMAT|MALFORMED_FILE/ : /MALFORMED_FILE/;
      const started = performance.now();
      await assert.rejects(decodeAudio(whole.subarray(0, length)), (err) => code.test(err.code));
      times.push(performance.now() - started);
    }
    await refuse(riff(pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /before any fmt/);
    await refuse(riff(fmt()), 'ERR_RTMIXER_MALFORMED_FILE', /ended before its data/);
  });

  it('refuses contradictory fmt fields and impossible ADPCM blocks', async () => {
    await refuse(riff(fmt({ block: 0 }), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /block size of 0/);
    await refuse(riff(fmt({ block: 3 }), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /frames/);
    await refuse(riff(fmt({ bits: 12 * 8 }), pcm()), 'ERR_RTMIXER_UNSUPPORTED_FORMAT', /96-bit/);
    await refuse(riff(fmt({ tag: 0x11, bits: 4, block: 5 }), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /IMA ADPCM block/);
    await refuse(riff(fmt({ tag: 0x02, bits: 4, block: 256 }), pcm()), 'ERR_RTMIXER_MALFORMED_FILE', /Microsoft ADPCM/);
    await refuse(riff(fmt({ tag: 0x55 }), pcm()), 'ERR_RTMIXER_UNSUPPORTED_FORMAT', /MPEG Layer 3/);
  });

  it('refuses a file whose decoded size would pass maxBytes, before decoding it', async () => {
    const file = riff(fmt(), pcm(48000));
    const started = performance.now();
    await assert.rejects(decodeAudio(file, { maxBytes: 1000 }), (err) => err.code === 'ERR_RTMIXER_DECODE_LIMIT' && /maxBytes/.test(err.message));
    times.push(performance.now() - started);
    assert.equal((await decodeAudio(file, { maxBytes: 48000 * 2 * 4 })).samples.length, 96000);
  });

  it('stops a compressed file at maxBytes while decoding, and refuses a resample past it', async () => {
    const dir = tempDir('rtmixer-hostile-');
    try {
      const mp3 = path.join(dir, 't.mp3');
      run('sox', [source(dir), mp3]);
      await assert.rejects(decodeAudio(fs.readFileSync(mp3), { maxBytes: 50000 }), { code: 'ERR_RTMIXER_DECODE_LIMIT' });
      const wav = riff(fmt({ rate: 8000 }), pcm(8000));
      await assert.rejects(decodeAudio(wav, { maxBytes: 70000, sampleRate: 48000 }), { code: 'ERR_RTMIXER_DECODE_LIMIT' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives random damage to WAV, MP3, FLAC, Ogg and Opus files: decoded or a coded error, never a crash', async () => {
    const dir = tempDir('rtmixer-fuzz-');
    try {
      const src = source(dir, { seconds: 0.2 });
      const files = ['a.wav', 'b.mp3', 'c.flac', 'd.ogg'].map((name) => {
        const file = path.join(dir, name);
        run('sox', [src, ...(name === 'a.wav' ? ['-e', 'ms-adpcm'] : []), file]);
        return fs.readFileSync(file);
      });
      const opus = path.join(dir, 'e.opus');
      run('opusenc', ['--quiet', src, opus]);
      files.push(fs.readFileSync(opus));
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const outcomes = {};
      for (const original of files) {
        for (let round = 0; round < 6; round++) {
          const damaged = Buffer.from(original);
          for (let k = 0; k < 1 + round; k++) damaged[Math.floor(random() * Math.min(damaged.length, 400 + round * 200))] = Math.floor(random() * 256);
          const cut = round % 3 === 2 ? damaged.subarray(0, Math.floor(random() * damaged.length)) : damaged;
          const outcome = await decodeAudio(cut).then(() => 'decoded', (err) => err.code);
          assert.match(outcome, /^(decoded|ERR_RTMIXER_(MALFORMED_FILE|UNSUPPORTED_FORMAT|DECODE_LIMIT))$/);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        }
      }
      console.log(`      ${JSON.stringify(outcomes)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('aborts through an AbortSignal, and refuses bad options', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(decodeAudio(riff(fmt(), pcm()), { signal: controller.signal }), { code: 'ERR_RTMIXER_ABORTED' });
    await assert.rejects(decodeAudio(riff(fmt(), pcm()), { sampleRate: 4000 }), { code: 'ERR_RTMIXER_INVALID_ARGUMENT' });
    await assert.rejects(decodeAudio('not bytes'), { code: 'ERR_RTMIXER_INVALID_ARGUMENT' });
  });
});
