'use strict';
// The decode threads: they never keep Node alive when idle but do while a
// decode is pending, refuse work past their queue bound, abort on a signal, and
// stop cleanly.
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { decodeAudio, createAudioDecoder, terminateDecodeThreads } = require('../..');

function wav(frames, rate = 48000) {
  const body = Buffer.alloc(frames * 4, 0x10);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0); head.writeUInt32LE(36 + body.length, 4); head.write('WAVEfmt ', 8); head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20); head.writeUInt16LE(2, 22); head.writeUInt32LE(rate, 24); head.writeUInt32LE(rate * 4, 28);
  head.writeUInt16LE(4, 32); head.writeUInt16LE(16, 34); head.write('data', 36); head.writeUInt32LE(body.length, 40);
  return Buffer.concat([head, body]);
}

describe('decode threads', function () {
  this.timeout(20000);

  it('a script that decodes exits by itself: a pending decode keeps Node alive, idle threads do not', () => {
    const root = path.join(__dirname, '..', '..');
    const script = `require(${JSON.stringify(root)}).decodeAudio(Buffer.from(${JSON.stringify(wav(100).toString('base64'))}, 'base64')).then((d) => console.log('frames', d.samples.length / d.channels))`;
    const started = Date.now();
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15000 });
    assert.equal(out.trim(), 'frames 100');
    assert.ok(Date.now() - started < 15000);
  });

  it(`refuses decodes past the queue bound with ERR_RTMIXER_QUEUE_FULL, and does the rest`, async () => {
    const file = wav(4800);
    const outcomes = await Promise.all(Array.from({ length: 80 }, () => decodeAudio(file).then(() => 'decoded', (err) => err.code)));
    const refused = outcomes.filter((o) => o === 'ERR_RTMIXER_QUEUE_FULL').length;
    assert.equal(refused, 80 - 64);
    assert.equal(outcomes.filter((o) => o === 'decoded').length, 64);
  });

  it('an AbortSignal stops a running decode; the thread serves the next one', async () => {
    const controller = new AbortController();
    const pending = decodeAudio(wav(48000 * 60, 44100), { sampleRate: 48000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { code: 'ERR_RTMIXER_ABORTED' });
    assert.equal((await decodeAudio(wav(10))).samples.length, 20);
  });

  it('terminateDecodeThreads() fails pending work with a coded error; the next decode starts them again', async () => {
    const decoder = createAudioDecoder({ sampleRate: 44100 });
    const pending = decoder.write(wav(48000 * 30)); // on its thread's queue as write() returns
    await terminateDecodeThreads();
    await assert.rejects(pending, { code: 'ERR_RTMIXER_ABORTED' });
    assert.equal((await decodeAudio(wav(10))).samples.length, 20);
  });
});
