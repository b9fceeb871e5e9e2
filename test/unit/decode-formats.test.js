'use strict';
// decodeAudio() against Debian's reference decoders, on a corpus that sox,
// opusenc and lame write at test time: every WAV encoding sample for sample as
// sox decodes it (within one step of the source's depth), the compressed
// formats within their codecs' tolerance. The figures are printed.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio } = require('../..');
const { run, tempDir, source, soxDecode, opusdecDecode, compare } = require('../helpers/decode-corpus');

const STEP16 = 1 / 32768;

describe('decodeAudio: every WAV encoding, as sox decodes it', function () {
  this.timeout(20000);
  let dir;
  before(() => {
    dir = tempDir('rtmixer-decode-');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** sox writes `src` with these options; returns the file. */
  function soxWrite(name, args, src = source(dir)) {
    const file = path.join(dir, name);
    run('sox', [src, ...args, file]);
    return file;
  }

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
  for (const [label, args, tolerance] of cases) {
    for (const channels of [1, 2]) {
      it(`${label}, ${channels} channel${channels > 1 ? 's' : ''}`, async () => {
        const src = source(dir, { channels });
        const file = soxWrite(`${label.replace(/\W/g, '')}-${channels}.wav`, args, src);
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
  before(() => {
    dir = tempDir('rtmixer-decode-');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function against(file, reference) {
    const ours = await decodeAudio(fs.readFileSync(file));
    const figures = compare(ours.samples, reference);
    console.log(`      ${path.basename(file)}: ${ours.samples.length / ours.channels} frames (reference ${reference.length / ours.channels}), max difference ${figures.max.toExponential(2)}, SNR ${figures.snrDb.toFixed(1)} dB`);
    return { ours, ...figures };
  }

  it('FLAC 16 and 24-bit: exactly the samples of the WAV it was made from', async () => {
    for (const bits of ['16', '24']) {
      const wav = path.join(dir, `flac-src-${bits}.wav`);
      run('sox', [source(dir), '-b', bits, wav]);
      const file = path.join(dir, `t${bits}.flac`);
      run('sox', [wav, file]);
      const { ours, max } = await against(file, soxDecode(file));
      assert.equal(ours.format, 'flac');
      assert.equal(max, 0);
      assert.equal(ours.samples.length, soxDecode(wav).length);
    }
  });

  it('MP3 (stereo and mono): as sox (libmad) decodes it, within 1e-4', async () => {
    for (const channels of [2, 1]) {
      const file = path.join(dir, `t${channels}.mp3`);
      run('sox', [source(dir, { channels }), '-C', '192', file]);
      const { ours, max } = await against(file, soxDecode(file));
      assert.deepEqual([ours.format, ours.channels, ours.sampleRate], ['mp3', channels, 44100]);
      assert.ok(max < 1e-4, `max difference ${max}`);
    }
  });

  it('MP3 gapless: a LAME-tagged file decodes to exactly its source length, aligned with it', async () => {
    const src = source(dir);
    const file = path.join(dir, 'lame.mp3');
    run('lame', ['--quiet', '-b', '192', src, file]);
    const { ours, snrDb } = await against(file, soxDecode(src));
    assert.equal(ours.samples.length, soxDecode(src).length, 'encoder delay and padding removed');
    assert.ok(snrDb > 30, `SNR against the source ${snrDb} dB: delay not removed?`);
  });

  it('Ogg Vorbis: as sox decodes it, within one 16-bit step (sox reads Vorbis as 16-bit)', async () => {
    const file = path.join(dir, 't.ogg');
    run('sox', [source(dir), file]);
    const { ours, max } = await against(file, soxDecode(file));
    assert.equal(ours.format, 'vorbis');
    assert.equal(ours.samples.length, soxDecode(file).length);
    assert.ok(max <= STEP16, `max difference ${max}`);
  });

  it('Ogg Opus: as opusdec decodes it at 48 kHz, within 1e-3', async () => {
    const file = path.join(dir, 't.opus');
    run('opusenc', ['--quiet', source(dir), file]);
    const reference = opusdecDecode(file);
    const { ours, max } = await against(file, reference);
    assert.deepEqual([ours.format, ours.sampleRate], ['opus', 48000]);
    assert.equal(ours.samples.length, reference.length);
    assert.ok(max < 1e-3, `max difference ${max}`);
  });

  it('tells formats by content, not name, and names what it refuses', async () => {
    const flac = path.join(dir, 'named-wrong.wav');
    run('sox', [source(dir), '-t', 'flac', flac]);
    assert.equal((await decodeAudio(fs.readFileSync(flac))).format, 'flac');
    const aiff = path.join(dir, 't.aiff');
    run('sox', [source(dir), aiff]);
    await assert.rejects(decodeAudio(fs.readFileSync(aiff)), (err) => err.code === 'ERR_RTMIXER_UNSUPPORTED_FORMAT' && /AIFF/.test(err.message));
    await assert.rejects(decodeAudio(Buffer.from('hello, this is not audio at all')), { code: 'ERR_RTMIXER_UNSUPPORTED_FORMAT' });
  });
});
