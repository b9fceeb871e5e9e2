'use strict';
// WAV files as the nodes read them (decodeSamples over src/decode/'s parser) and
// write them (encodeWav, src/wav.ts): every integer depth scaled to [-1, 1), float
// files exact, the extensible header's float sub-format honoured, round trips.
const assert = require('node:assert/strict');
const { WaveFile } = require('wavefile');
const { decodeSamples, detectSoundFormat, encodeWav } = require('../../dist/src/index.js');

/** The nodes' decode of a whole file for a 48 kHz mixer (a small one answers at once). */
const decodeWav = (bytes, rate = 48000, resample = true) => decodeSamples(bytes, { channels: 2, sampleRate: rate, resample });

function wavOf(bitDepth, samples, channels = 1, rate = 48000) {
  const wav = new WaveFile();
  wav.fromScratch(channels, rate, bitDepth, samples);
  return Buffer.from(wav.toBuffer());
}

/** The same float samples in a WAVE_FORMAT_EXTENSIBLE file with the IEEE-float sub-format. */
function extensibleFloatWav(samples, channels) {
  const data = Buffer.from(new Float32Array(samples).buffer);
  const fmt = Buffer.alloc(48);
  fmt.write('fmt ', 0);
  fmt.writeUInt32LE(40, 4);
  fmt.writeUInt16LE(0xfffe, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(48000, 12);
  fmt.writeUInt32LE(48000 * 4 * channels, 16);
  fmt.writeUInt16LE(4 * channels, 20);
  fmt.writeUInt16LE(32, 22);
  fmt.writeUInt16LE(22, 24);
  fmt.writeUInt16LE(32, 26);
  fmt.writeUInt32LE(3, 28); // channel mask: front left and right
  fmt.writeUInt16LE(3, 32); // KSDATAFORMAT_SUBTYPE_IEEE_FLOAT ...
  Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]).copy(fmt, 34);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0);
  dataHeader.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0);
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('WAV decoding for the nodes', () => {
  it('scales 8, 16, 24 and 32-bit integer samples to [-1, 1)', () => {
    assert.deepEqual(Array.from(decodeWav(wavOf('8', [0, 128, 192, 255])).samples), [-1, 0, 0.5, 127 / 128]);
    assert.deepEqual(Array.from(decodeWav(wavOf('16', [-32768, 0, 16384, 32767])).samples), [-1, 0, 0.5, 32767 / 32768]);
    assert.deepEqual(Array.from(decodeWav(wavOf('24', [-8388608, 4194304])).samples), [-1, 0.5]);
    assert.deepEqual(Array.from(decodeWav(wavOf('32', [-2147483648, 1073741824])).samples), [-1, 0.5]);
  });

  it('reads big-endian RIFX files the same', () => {
    const wav = new WaveFile();
    wav.fromScratch(2, 48000, '24', [-8388608, 4194304, 0, 8388607]);
    wav.toRIFX();
    const decoded = decodeWav(Buffer.from(wav.toBuffer()));
    assert.deepEqual(Array.from(decoded.samples), [-1, 0.5, 0, 8388607 / 8388608]);
  });

  it('reads float files exactly, also with the extensible header', () => {
    const values = [0.5, -0.25, 0.125, 1];
    const plain = decodeWav(wavOf('32f', values, 2));
    assert.deepEqual({ samples: Array.from(plain.samples), channels: plain.channels }, { samples: values, channels: 2 });
    const extensible = decodeWav(extensibleFloatWav(values, 2));
    assert.deepEqual({ samples: Array.from(extensible.samples), channels: extensible.channels }, { samples: values, channels: 2 });
  });

  it('refuses another rate unless resampling, and resamples to the length the rate asks for', async () => {
    const file = wavOf('16', new Int16Array(4410).fill(1000), 1, 44100);
    await assert.rejects(decodeWav(file, 48000, false), /44100 Hz but the mixer runs at 48000 Hz/);
    const resampled = await decodeWav(file, 48000, true);
    assert.equal(resampled.resampledFrom, 44100);
    assert.ok(Math.abs(resampled.samples.length - 4800) <= 2, `${resampled.samples.length} frames`);
  });

  it('says what is wrong with a broken file, with a code', () => {
    const broken = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WAVE'), Buffer.alloc(8)]);
    assert.equal(detectSoundFormat(broken), 'wav');
    assert.throws(() => decodeWav(broken), (err) => /^ERR_RTMIXER_/.test(err.code) && /WAV/.test(err.message));
    assert.equal(detectSoundFormat(Buffer.from('not a wav file at all')), undefined);
  });

  it('encodes 16-bit and float WAV files that decode back to the same samples', () => {
    const samples = new Float32Array([0, 0.5, -0.5, 0.999, -1, 0.25]);
    const float = decodeWav(encodeWav(samples, 2, 48000, 'wav-float'));
    assert.deepEqual(Array.from(float.samples), Array.from(samples));
    assert.equal(float.channels, 2);
    const pcm16 = decodeWav(encodeWav(samples, 2, 48000, 'wav'));
    for (let i = 0; i < samples.length; i++) assert.ok(Math.abs(pcm16.samples[i] - samples[i]) <= 1 / 32768, `sample ${i}`);
  });
});
