'use strict';
// decodeAudio() against Debian's reference decoders, on a corpus that sox,
// opusenc and lame write at test time: every WAV encoding sample for sample as
// sox decodes it (within one step of the source's depth), the compressed
// formats within their codecs' tolerance. The figures are printed.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio, detectSoundFormat } = require('../..');
const { run, runAll, tempDir, source, soxDecode, soxDecodeAll, compare } = require('../helpers/decode-corpus');

const STEP16 = 1 / 32768;

const cases = [
  // name, sox options, tolerance (one step of the source's depth; 0 = exact)
  ['8-bit unsigned', ['-b', '8', '-e', 'unsigned-integer'], 0],
  ['16-bit', ['-b', '16', '-e', 'signed-integer'], 0],
  ['24-bit', ['-b', '24', '-e', 'signed-integer'], 0],
  ['32-bit integer', ['-b', '32', '-e', 'signed-integer'], 2 ** -31],
  ['32-bit float', ['-b', '32', '-e', 'floating-point'], 0],
  ['64-bit float', ['-b', '64', '-e', 'floating-point'], 2 ** -24],
  ['A-law', ['-e', 'a-law'], 0],
  ['µ-law', ['-e', 'u-law'], 0],
  ['IMA ADPCM', ['-e', 'ima-adpcm'], 0],
  ['MS ADPCM', ['-e', 'ms-adpcm'], 0],
];

describe('decodeAudio: every WAV encoding, as sox decodes it', function () {
  this.timeout(20000);
  let dir;
  const fileOf = (label, channels) => path.join(dir, `${label.replace(/\W/g, '')}-${channels}.wav`);
  before(async () => {
    dir = tempDir('rtmixer-decode-');
    // The whole corpus and sox's decodes of it, made concurrently up front.
    const sources = [1, 2].map((channels) => source(dir, { channels }));
    await runAll(cases.flatMap(([label, args]) => [1, 2].map((channels) => ['sox', [sources[channels - 1], ...args, fileOf(label, channels)]])));
    await soxDecodeAll([...sources, ...cases.flatMap(([label]) => [1, 2].map((channels) => fileOf(label, channels)))]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** sox writes `src` with these options; returns the file. */
  function soxWrite(name, args, src = source(dir)) {
    const file = path.join(dir, name);
    run('sox', [src, ...args, file]);
    return file;
  }

  for (const [label, args, tolerance] of cases) {
    for (const channels of [1, 2]) {
      it(`${label}, ${channels} channel${channels > 1 ? 's' : ''}`, async () => {
        const src = source(dir, { channels });
        const file = fileOf(label, channels);
        const ours = await decodeAudio(fs.readFileSync(file));
        const ref = soxDecode(file);
        assert.deepEqual([ours.format, ours.channels, ours.sampleRate], ['wav', channels, 44100]);
        // ADPCM pads its last block: we stop at the fact chunk's count (the source's length), sox decodes the padding too.
        assert.equal(ours.samples.length, soxDecode(src).length, 'as many frames as the source');
        const { max } = compare(ours.samples, ref);
        assert.ok(max <= tolerance, `${label}: differs from sox by ${max}`);
      });
    }
  }

  it('extensible headers with 6 and 8 channels, 24-bit, at 8 kHz and 96 kHz', async () => {
    for (const [channels, rate] of [[6, 96000], [8, 8000]]) {
      const file = soxWrite(`ext-${channels}.wav`, ['-b', '24'], source(dir, { channels, rate }));
      assert.equal(fs.readFileSync(file).readUInt16LE(20), 0xfffe, 'sox wrote WAVE_FORMAT_EXTENSIBLE');
      const ours = await decodeAudio(fs.readFileSync(file));
      assert.deepEqual([ours.channels, ours.sampleRate], [channels, rate]);
      assert.equal(compare(ours.samples, soxDecode(file)).max, 0);
      assert.equal(ours.samples.length, soxDecode(file).length);
    }
  });

  it('IMA and MS ADPCM with 4 channels (their nibbles interleave per channel)', async () => {
    const src = source(dir, { channels: 4, rate: 22050 });
    for (const encoding of ['ima-adpcm', 'ms-adpcm']) {
      const file = soxWrite(`${encoding}-4.wav`, ['-e', encoding], src);
      const ours = await decodeAudio(fs.readFileSync(file));
      assert.equal(ours.channels, 4);
      assert.equal(ours.samples.length, soxDecode(src).length);
      assert.equal(compare(ours.samples, soxDecode(file)).max, 0, encoding);
    }
  });

  it('big-endian RIFX files', async () => {
    const file = soxWrite('rifx.wav', ['-b', '24', '-B']);
    assert.equal(fs.readFileSync(file).toString('latin1', 0, 4), 'RIFX');
    const ours = await decodeAudio(fs.readFileSync(file));
    assert.equal(compare(ours.samples, soxDecode(file)).max, 0);
  });

  it('refuses GSM 6.10 with a code that names it and how to convert it', async () => {
    const file = soxWrite('gsm.wav', ['-r', '8000', '-c', '1', '-e', 'gsm-full-rate']);
    await assert.rejects(decodeAudio(fs.readFileSync(file)), (err) =>
      err.code === 'ERR_RTMIXER_UNSUPPORTED_FORMAT' && /GSM 6\.10/.test(err.message) && /sox in\.wav -e signed-integer -b 16 out\.wav/.test(err.message));
  });
});

describe('decodeAudio: MP3, FLAC, Ogg Vorbis and Opus against sox and opusdec', function () {
  this.timeout(20000);
  let dir;
  const f = {};
  before(async () => {
    dir = tempDir('rtmixer-decode-');
    const stereo = source(dir);
    const mono = source(dir, { channels: 1 });
    const names = { wav24: 'w24', flac16: 't16.flac', flac24: 't24.flac', 'mp3-2': 't2.mp3', 'mp3-1': 't1.mp3', lame: 'lame.mp3', ogg: 't.ogg', opus: 't.opus', aiff: 't.aiff', misnamed: 'flac-named' };
    for (const [key, name] of Object.entries(names)) f[key] = path.join(dir, name);
    await runAll([
      ['sox', [stereo, '-b', '24', `${f.wav24}.wav`]],
      ['sox', [stereo, f.flac16]],
      ['sox', [stereo, '-C', '192', f['mp3-2']]],
      ['sox', [mono, '-C', '192', f['mp3-1']]],
      ['lame', ['--quiet', '-b', '192', stereo, f.lame]],
      ['sox', [stereo, f.ogg]],
      ['opusenc', ['--quiet', stereo, f.opus]],
      ['sox', [stereo, f.aiff]],
      ['sox', [stereo, '-t', 'flac', `${f.misnamed}.wav`]],
    ]);
    await runAll([['sox', [`${f.wav24}.wav`, f.flac24]], ['opusdec', ['--quiet', '--float', '--rate', '48000', f.opus, `${f.opus}.wav`]]]);
    await soxDecodeAll([stereo, mono, `${f.wav24}.wav`, f.flac16, f.flac24, f['mp3-2'], f['mp3-1'], f.ogg, `${f.opus}.wav`]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function against(file, reference) {
    const ours = await decodeAudio(fs.readFileSync(file));
    const figures = compare(ours.samples, reference);
    console.log(`      ${path.basename(file)}: ${ours.samples.length / ours.channels} frames (reference ${reference.length / ours.channels}), max difference ${figures.max.toExponential(2)}, SNR ${figures.snrDb.toFixed(1)} dB`);
    return { ours, ...figures };
  }

  it('FLAC 16 and 24-bit: exactly the samples of the WAV it was made from', async () => {
    for (const [file, wav] of [[f.flac16, source(dir)], [f.flac24, `${f.wav24}.wav`]]) {
      const { ours, max } = await against(file, soxDecode(file));
      assert.equal(ours.format, 'flac');
      assert.equal(max, 0);
      assert.deepEqual(ours.samples, soxDecode(wav));
    }
  });

  it('MP3 (stereo and mono): as sox (libmad) decodes it, within 1e-4', async () => {
    for (const channels of [2, 1]) {
      const file = f[`mp3-${channels}`];
      const { ours, max } = await against(file, soxDecode(file));
      assert.deepEqual([ours.format, ours.channels, ours.sampleRate], ['mp3', channels, 44100]);
      assert.ok(max < 1e-4, `max difference ${max}`);
    }
  });

  it('MP3 gapless: a LAME-tagged file decodes to exactly its source length, aligned with it', async () => {
    const { ours, snrDb } = await against(f.lame, soxDecode(source(dir)));
    assert.equal(ours.samples.length, soxDecode(source(dir)).length, 'encoder delay and padding removed');
    assert.ok(snrDb > 25, `SNR against the source ${snrDb} dB: delay not removed?`);
  });

  it('Ogg Vorbis: as sox decodes it, within one 16-bit step (sox reads Vorbis as 16-bit)', async () => {
    const { ours, max } = await against(f.ogg, soxDecode(f.ogg));
    assert.equal(ours.format, 'vorbis');
    assert.equal(ours.samples.length, soxDecode(f.ogg).length);
    assert.ok(max <= STEP16, `max difference ${max}`);
  });

  it('Ogg Opus: as opusdec decodes it at 48 kHz, within 1e-3', async () => {
    const reference = soxDecode(`${f.opus}.wav`);
    const { ours, max } = await against(f.opus, reference);
    assert.deepEqual([ours.format, ours.sampleRate], ['opus', 48000]);
    assert.equal(ours.samples.length, reference.length);
    assert.ok(max < 1e-3, `max difference ${max}`);
  });

  it('tells formats by content, not name, and names what it refuses', async () => {
    assert.equal((await decodeAudio(fs.readFileSync(`${f.misnamed}.wav`))).format, 'flac');
    assert.deepEqual(
      [f.flac16, f['mp3-2'], f.ogg, f.opus, `${f.wav24}.wav`, f.aiff].map((file) => detectSoundFormat(fs.readFileSync(file))),
      ['flac', 'mp3', 'vorbis', 'opus', 'wav', undefined],
    );
    assert.equal(detectSoundFormat(new Uint8Array(4096)), undefined, 'raw PCM silence is not a sound file');
    await assert.rejects(decodeAudio(fs.readFileSync(f.aiff)), (err) => err.code === 'ERR_RTMIXER_UNSUPPORTED_FORMAT' && /AIFF/.test(err.message));
    await assert.rejects(decodeAudio(Buffer.from('hello, this is not audio at all')), { code: 'ERR_RTMIXER_UNSUPPORTED_FORMAT' });
  });
});
