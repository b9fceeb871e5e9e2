// The format of a sound file from its first bytes, never from its name.
import { UnsupportedFormatError } from './errors';

export type SoundFormat = 'wav' | 'mp3' | 'flac' | 'vorbis' | 'opus';

export interface Sniffed {
  format: SoundFormat;
  /** MP3 only: the first frame header says one channel. */
  mono: boolean;
}

/** Bytes of ID3 tag (album art) we hold while looking for the audio behind it. */
export const MAX_TAG_BYTES = 16 * 1024 * 1024;

const SUPPORTED = 'WAV, MP3, FLAC, Ogg Vorbis and Ogg Opus files are supported';

/** The format, or undefined while more bytes are needed to tell. */
export function sniff(b: Uint8Array, ended: boolean, strict = false): Sniffed | undefined {
  const need = (n: number) => {
    if (b.length >= n) return false;
    if (ended) throw new UnsupportedFormatError(`The data is too short (${b.length} bytes) to be a sound file. ${SUPPORTED}`);
    return true;
  };
  if (need(12)) return undefined;
  const tag = (at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (['RIFF', 'RIFX', 'RF64'].includes(tag(0)) && tag(8) === 'WAVE') return { format: 'wav', mono: false };
  if (tag(0) === 'fLaC') return { format: 'flac', mono: false };
  if (tag(0) === 'OggS') return sniffOgg(b, ended);
  if (tag(0).startsWith('ID3')) {
    // ID3v2: a 10-byte header whose size is four 7-bit bytes; the audio follows the tag.
    const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
    const start = 10 + size + (b[5] & 0x10 ? 10 : 0);
    if (start > MAX_TAG_BYTES) throw new UnsupportedFormatError(`The file starts with an ID3 tag of ${size} bytes, more than the ${MAX_TAG_BYTES} accepted`);
    if (need(start + 4)) return undefined;
    if (tag(start) === 'fLaC') return { format: 'flac', mono: false };
    const mp3 = mpegFrame(b, start);
    if (mp3) return mp3;
    throw new UnsupportedFormatError(`The file has an ID3 tag but no MP3 or FLAC audio right after it. ${SUPPORTED}`);
  }
  const mp3 = mpegFrame(b, 0, strict);
  if (mp3) return mp3;
  throw new UnsupportedFormatError(`${otherFormat(b, tag)}${SUPPORTED}`);
}

// kb/s by bitrate index: MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, and layers II/III.
const BITRATES = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const RATES = [44100, 48000, 32000];

/** The byte length of the MPEG audio frame whose header is at `at`, or undefined if it is not one. */
function mpegFrameLength(b: Uint8Array, at: number): number | undefined {
  if (b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (b[at + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = 4 - ((b[at + 1] >> 1) & 3); // 1, 2 or 3 (4: reserved)
  const index = b[at + 2] >> 4;
  const rateIndex = (b[at + 2] >> 2) & 3;
  if (version === 1 || layer === 4 || index === 15 || rateIndex === 3) return undefined;
  const table = version === 3 ? layer - 1 : layer === 1 ? 3 : 4;
  const kbps = BITRATES[table][index];
  const rate = RATES[rateIndex] / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const padding = (b[at + 2] >> 1) & 1;
  if (kbps === 0) return 0; // "free format": valid, length not known from the header
  if (layer === 1) return (Math.floor((12000 * kbps) / rate) + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72000 : 144000;
  return Math.floor((perFrame * kbps) / rate) + padding;
}

/**
 * A valid MPEG audio frame header at `at`. With `confirm`, the next frame's header must
 * follow where this one's length says (when the bytes reach it): one header alone is four
 * bytes that raw PCM could hold by chance.
 */
function mpegFrame(b: Uint8Array, at: number, confirm = false): Sniffed | undefined {
  const length = mpegFrameLength(b, at);
  if (length === undefined) return undefined;
  if (confirm && (length === 0 || b.length < at + length + 4 || mpegFrameLength(b, at + length) === undefined)) return undefined;
  return { format: 'mp3', mono: b[at + 3] >> 6 === 3 };
}

function sniffOgg(b: Uint8Array, ended: boolean): Sniffed | undefined {
  const segments = b[26];
  const start = 27 + (segments ?? 0);
  if (b.length < start + 8) {
    if (ended) throw new UnsupportedFormatError('The Ogg file ends inside its first page');
    return undefined;
  }
  const head = String.fromCharCode(...b.subarray(start, start + 8));
  if (head.startsWith('\x01vorbis')) return { format: 'vorbis', mono: false };
  if (head === 'OpusHead') return { format: 'opus', mono: false };
  if (head.startsWith('\x7fFLAC')) return { format: 'flac', mono: false };
  const what = head.startsWith('Speex') ? 'Ogg Speex' : head.startsWith('\x80theora') ? 'Ogg Theora (video)' : 'this Ogg codec';
  throw new UnsupportedFormatError(`${what} is not supported. ${SUPPORTED}; convert it, e.g. sox in.ogg out.flac`);
}

function otherFormat(b: Uint8Array, tag: (at: number) => string): string {
  if (tag(0) === 'FORM' && (tag(8) === 'AIFF' || tag(8) === 'AIFC')) return 'AIFF files are not supported (convert: sox in.aiff out.wav). ';
  if (tag(4) === 'ftyp') return 'MP4/M4A (AAC) files are not supported (convert to FLAC, Ogg or MP3). ';
  if (tag(0) === '.snd') return 'Sun/NeXT .au files are not supported (convert: sox in.au out.wav). ';
  if (tag(0) === 'wvpk' || tag(0) === 'MAC ') return 'WavPack and Monkey\'s Audio are not supported (convert to FLAC). ';
  if (b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return 'AAC (ADTS) files are not supported (convert to FLAC, Ogg or MP3). ';
  return 'The data is not a sound file this package reads. ';
}

/**
 * The sound-file format these bytes start with, or undefined when they are not one we read
 * (raw PCM, text, another container) or are too short to tell. Never throws.
 */
export function detectSoundFormat(bytes: Uint8Array): SoundFormat | undefined {
  try {
    return sniff(bytes, true, true)?.format;
  } catch {
    return undefined;
  }
}
