'use strict';
// Streaming decode: bytes pushed in the pieces a `file in` node sends, state
// kept between them; the frames equal a whole-file decode of the same bytes.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Writable } = require('node:stream');
const { decodeAudio, createAudioDecoder, AudioDecoderStream } = require('../..');
const { run, tempDir, source, join } = require('../helpers/decode-corpus');

describe('createAudioDecoder: streaming, state kept across chunks', function () {
  this.timeout(20000);
  let dir;
  const files = {};
  before(() => {
    dir = tempDir('rtmixer-stream-');
    const src = source(dir);
    for (const [name, args] of [['ima.wav', ['-e', 'ima-adpcm']], ['pcm.wav', ['-b', '24']], ['t.mp3', []], ['t.flac', []], ['t.ogg', []]]) {
      files[name] = path.join(dir, name);
      run('sox', [src, ...args, files[name]]);
    }
    files['t.opus'] = path.join(dir, 't.opus');
    run('opusenc', ['--quiet', src, files['t.opus']]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of ['ima.wav', 'pcm.wav', 't.mp3', 't.flac', 't.ogg', 't.opus']) {
    it(`${name} in odd-sized pieces decodes to the same frames as the whole file`, async () => {
      const bytes = fs.readFileSync(files[name]);
      const whole = await decodeAudio(bytes);
      const decoder = createAudioDecoder();
      const pending = [];
      for (let at = 0, size = 7; at < bytes.length; at += size, size = (size * 5) % 9001 + 1) pending.push(decoder.write(bytes.subarray(at, at + size)));
      pending.push(decoder.end());
      const outputs = await Promise.all(pending);
      const last = outputs[outputs.length - 1];
      assert.deepEqual([last.channels, last.sampleRate, last.format], [whole.channels, whole.sampleRate, whole.format]);
      assert.deepEqual(join(outputs.map((o) => o.samples)), whole.samples);
    });
  }

  it('streams a WAV whose writer could not fill in the data size, and resamples as it goes', async () => {
    const bytes = Buffer.from(fs.readFileSync(files['pcm.wav']));
    const dataAt = bytes.indexOf('data');
    bytes.writeUInt32LE(0xffffffff, dataAt + 4);
    const chunks = [];
    await pipeline(
      async function* () {
        for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096);
      },
      new AudioDecoderStream({ sampleRate: 48000 }),
      new Writable({ objectMode: true, write(chunk, _enc, done) { chunks.push(chunk); done(); } }),
    );
    assert.ok(chunks.length > 1, 'frames came out while bytes were still going in');
    assert.deepEqual([chunks[0].sampleRate, chunks[0].sourceRate, chunks[0].channels], [48000, 44100, 2]);
    const whole = await decodeAudio(fs.readFileSync(files['pcm.wav']), { sampleRate: 48000 });
    assert.deepEqual(join(chunks.map((c) => c.samples)), whole.samples);
  });

  it('a broken stream is a coded error from the write that finds it, and from the stream', async () => {
    const decoder = createAudioDecoder();
    const zeroChannels = Buffer.alloc(36);
    zeroChannels.write('RIFF\0\0\0\0WAVEfmt ', 'latin1');
    zeroChannels.writeUInt32LE(16, 16);
    zeroChannels.writeUInt16LE(1, 20); // PCM, and 0 channels (bytes 22-23 stay 0)
    await decoder.write(zeroChannels.subarray(0, 30)); // the fmt chunk is not complete yet: no verdict
    await assert.rejects(decoder.write(zeroChannels.subarray(30)), (err) => err.code === 'ERR_RTMIXER_MALFORMED_FILE' && /0 channels/.test(err.message));
    await assert.rejects(decoder.end(), /0 channels/); // a failed decoder repeats its error
    const stream = new AudioDecoderStream();
    await assert.rejects(
      pipeline(async function* () { yield Buffer.from('This is plainly text, not audio.'); }, stream, new Writable({ objectMode: true, write(c, e, d) { d(); } })),
      { code: 'ERR_RTMIXER_UNSUPPORTED_FORMAT' },
    );
  });
});
