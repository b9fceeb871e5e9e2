// The fmt chunk of a WAV file read into what the sample decoders need, with
// every field checked: a refused encoding names itself and the sox command
// that converts it; a field that contradicts another is a malformed file.
import { MalformedFileError, UnsupportedFormatError } from './errors';
import { checkChannels, checkRate } from './limits';

export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw' | 'ima-adpcm' | 'ms-adpcm';

export interface WavFormat {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  /** Bytes per sample in the container (pcm, float, alaw, mulaw). */
  sampleBytes: number;
  /** Bytes of one block: a frame for PCM, an ADPCM block otherwise. */
  blockBytes: number;
  /** Frames that one whole block decodes to. */
  framesPerBlock: number;
  /** MS ADPCM predictor coefficient pairs from the file. */
  coefficients?: Int16Array;
}

const TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0022: 'DSP Group TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0045: 'G.726 ADPCM',
  0x0050: 'MPEG audio',
  0x0055: 'MPEG Layer 3 (MP3 in a WAV container)',
  0x0064: 'G.726 ADPCM',
  0x0160: 'Windows Media Audio',
  0x0161: 'Windows Media Audio',
  0x2000: 'Dolby AC-3',
};

const CONVERT = 'Convert it to 16-bit PCM, e.g. sox in.wav -e signed-integer -b 16 out.wav';

function refuse(tag: number): never {
  const name = TAG_NAMES[tag] ?? `format tag 0x${tag.toString(16).padStart(4, '0')}`;
  throw new UnsupportedFormatError(`WAV files encoded as ${name} are not supported. ${CONVERT}`);
}

/** Reads a fmt chunk body (`le`: little-endian RIFF, else big-endian RIFX). */
export function parseWavFormat(body: Uint8Array, le: boolean): WavFormat {
  if (body.length < 16) throw new MalformedFileError(`The WAV fmt chunk is ${body.length} bytes, shorter than the 16 every format needs`);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  let tag = view.getUint16(0, le);
  const channels = view.getUint16(2, le);
  const sampleRate = view.getUint32(4, le);
  const blockBytes = view.getUint16(12, le);
  const bits = view.getUint16(14, le);
  const extraSize = body.length >= 18 ? Math.min(view.getUint16(16, le), body.length - 18) : 0;
  if (channels === 0) throw new MalformedFileError('The WAV fmt chunk declares 0 channels');
  checkChannels(channels, 'The WAV file');
  checkRate(sampleRate, "The WAV file's sample rate");
  if (tag === 0xfffe) {
    // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
    if (extraSize < 22) throw new MalformedFileError('The WAV extensible fmt chunk is too short to hold its sub-format');
    tag = view.getUint16(24, le);
  }
  if (blockBytes === 0) throw new MalformedFileError('The WAV fmt chunk declares a block size of 0 bytes');
  const base = { channels, sampleRate, blockBytes };
  switch (tag) {
    case 0x0001:
      return linear('pcm', base, bits, [1, 2, 3, 4]);
    case 0x0003:
      return linear('float', base, bits, [4, 8]);
    case 0x0006:
      return linear('alaw', base, bits, [1]);
    case 0x0007:
      return linear('mulaw', base, bits, [1]);
    case 0x0011:
      if (!le) throw new UnsupportedFormatError(`Big-endian (RIFX) IMA ADPCM WAV files are not supported. ${CONVERT}`);
      return imaAdpcm(base, bits, view, extraSize);
    case 0x0002:
      if (!le) throw new UnsupportedFormatError(`Big-endian (RIFX) Microsoft ADPCM WAV files are not supported. ${CONVERT}`);
      return msAdpcm(base, view, extraSize);
    default:
      return refuse(tag);
  }
}

type Base = Pick<WavFormat, 'channels' | 'sampleRate' | 'blockBytes'>;

function linear(encoding: WavEncoding, base: Base, bits: number, widths: number[]): WavFormat {
  const sampleBytes = Math.ceil(bits / 8);
  if (!widths.includes(sampleBytes)) {
    const what = encoding === 'pcm' ? 'integer PCM' : encoding === 'float' ? 'floating-point' : encoding;
    throw new UnsupportedFormatError(`WAV files of ${bits}-bit ${what} samples are not supported. ${CONVERT}`);
  }
  if (base.blockBytes !== sampleBytes * base.channels) {
    throw new MalformedFileError(
      `The WAV fmt chunk declares ${base.blockBytes}-byte frames, but ${base.channels} channels of ${bits}-bit samples take ${sampleBytes * base.channels}`,
    );
  }
  return { ...base, encoding, sampleBytes, framesPerBlock: 1 };
}

function imaAdpcm(base: Base, bits: number, view: DataView, extraSize: number): WavFormat {
  if (bits !== 4) throw new UnsupportedFormatError(`WAV files of ${bits}-bit IMA ADPCM are not supported (only 4-bit). ${CONVERT}`);
  const header = 4 * base.channels;
  if (base.blockBytes <= header || (base.blockBytes - header) % header !== 0) {
    throw new MalformedFileError(`An IMA ADPCM block of ${base.blockBytes} bytes cannot hold ${base.channels} channels`);
  }
  const most = 1 + ((base.blockBytes - header) * 2) / base.channels;
  const declared = extraSize >= 2 ? view.getUint16(18, true) : most;
  if (declared < 1 || declared > most) {
    throw new MalformedFileError(`The IMA ADPCM fmt chunk declares ${declared} frames per block; ${base.blockBytes}-byte blocks hold at most ${most}`);
  }
  return { ...base, encoding: 'ima-adpcm', sampleBytes: 0, framesPerBlock: declared };
}

function msAdpcm(base: Base, view: DataView, extraSize: number): WavFormat {
  const header = 7 * base.channels;
  if (extraSize < 4) throw new MalformedFileError('The Microsoft ADPCM fmt chunk lacks its frames-per-block and coefficient count');
  if (base.blockBytes < header) {
    throw new MalformedFileError(`A Microsoft ADPCM block of ${base.blockBytes} bytes cannot hold the headers of ${base.channels} channels`);
  }
  const declared = view.getUint16(18, true);
  const most = 2 + Math.floor(((base.blockBytes - header) * 2) / base.channels);
  if (declared < 2 || declared > most) {
    throw new MalformedFileError(`The Microsoft ADPCM fmt chunk declares ${declared} frames per block; ${base.blockBytes}-byte blocks hold at most ${most}`);
  }
  const count = view.getUint16(20, true);
  // The coefficients must lie inside the fmt chunk: the count cannot make us read or allocate more.
  if (count < 1 || 4 + 4 * count > extraSize) {
    throw new MalformedFileError(`The Microsoft ADPCM fmt chunk declares ${count} coefficient pairs but holds ${Math.max(0, Math.floor((extraSize - 4) / 4))}`);
  }
  const coefficients = new Int16Array(2 * count);
  for (let i = 0; i < 2 * count; i++) coefficients[i] = view.getInt16(22 + 2 * i, true);
  return { ...base, encoding: 'ms-adpcm', sampleBytes: 0, framesPerBlock: declared, coefficients };
}
