// One continuous stream of audio chunks as messages bring them: Float32Arrays,
// raw little-endian PCM Buffers that may split a frame anywhere, or the bytes
// of a WAV file whose header sets the format for the chunks that follow (the
// core `file in` node's "a msg per chunk" mode), or a whole WAV in one message.
import { types } from 'node:util';
import { WaveFile } from 'wavefile';
import { InvalidArgumentError } from '../../src/index';
import { describeValue, requireFiniteSamples } from '../../src/validate';
import { decodeRaw, RawFormat, SAMPLE_BYTES, SampleFormat } from './pcm-samples';
import { decodeWav, isWav } from './wav';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** A WAV header larger than this (huge metadata before the data chunk) is refused. */
const MAX_HEADER_BYTES = 1 << 20;

/** What the start of a WAV file says about its audio. */
export interface WavHeader {
  channels: number;
  sampleRate: number;
  /** Streamable sample format, or undefined (compressed, 8-bit, 64-bit float, big-endian). */
  format: SampleFormat | undefined;
  /** Human description of the encoding, for error messages. */
  encoding: string;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of audio in the data chunk; undefined when the writer left it open (0 or 0xFFFFFFFF). */
  dataBytes: number | undefined;
}

/** Byte offset and declared size of the data chunk, walking the RIFF chunks; undefined if not in `bytes` yet. */
function findDataChunk(bytes: Uint8Array): { offset: number; size: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bigEndian = bytes[3] === 0x58; // RIFX
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = String.fromCharCode(bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]);
    const size = view.getUint32(pos + 4, !bigEndian);
    if (id === 'data') return { offset: pos + 8, size };
    pos += 8 + size + (size & 1);
  }
  return undefined;
}

/**
 * Parses the header at the start of `bytes` (which may be only the first
 * chunk of the file); undefined when the data chunk has not started yet.
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined {
  const data = findDataChunk(bytes);
  if (!data) return undefined;
  const wav = new WaveFile();
  try {
    // samples = false: wavefile reads the chunks without copying the audio.
    wav.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, data.offset), false);
  } catch (err) {
    throw new InvalidArgumentError(`msg.payload starts like a WAV file but its header cannot be read: ${(err as Error).message}`);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number; subformat?: number[] };
  if (!fmt.numChannels || !fmt.sampleRate) throw new InvalidArgumentError('The WAV header has no usable fmt chunk (channels or sample rate missing)');
  const code = fmt.audioFormat === WAVE_FORMAT_EXTENSIBLE && fmt.subformat?.length ? fmt.subformat[0] & 0xffff : fmt.audioFormat;
  let format: SampleFormat | undefined;
  if (code === WAVE_FORMAT_PCM && fmt.bitsPerSample === 16) format = 'int16';
  else if (code === WAVE_FORMAT_PCM && fmt.bitsPerSample === 24) format = 'int24';
  else if (code === WAVE_FORMAT_PCM && fmt.bitsPerSample === 32) format = 'int32';
  else if (code === WAVE_FORMAT_IEEE_FLOAT && fmt.bitsPerSample === 32) format = 'float32';
  const container = (wav as unknown as { container: string }).container;
  if (container === 'RIFX') format = undefined;
  const encoding =
    (code === WAVE_FORMAT_IEEE_FLOAT ? `${fmt.bitsPerSample}-bit float` : code === WAVE_FORMAT_PCM ? `${fmt.bitsPerSample}-bit integer` : `format code ${code}`) +
    (container === 'RIFX' ? ' big-endian (RIFX)' : '');
  let dataBytes: number | undefined = data.size;
  if (container === 'RF64' && data.size === 0xffffffff) {
    const ds64 = (wav as unknown as { ds64: { dataSizeHigh: number; dataSizeLow: number } }).ds64;
    dataBytes = ds64.dataSizeHigh * 2 ** 32 + ds64.dataSizeLow;
  }
  if (dataBytes === 0 || dataBytes === 0xffffffff) dataBytes = undefined;
  return { channels: fmt.numChannels, sampleRate: fmt.sampleRate, format, encoding, dataOffset: data.offset, dataBytes };
}

export interface StreamDefaults {
  /** Encoding of raw PCM Buffers (the node's format setting). */
  format: RawFormat;
  /** Interleaved channels of Float32Arrays and raw Buffers (the node's channels setting). */
  channels: number;
  /** The mixer's rate: a WAV stream must run at it; a whole WAV file is resampled to it if `resample`. */
  sampleRate: number;
  resample: boolean;
}

/** What one message decoded to: interleaved samples with `channels` per frame (possibly none yet). */
export interface DecodedChunk {
  samples: Float32Array;
  channels: number;
  /** The rate a whole WAV file was resampled from. */
  resampledFrom?: number;
}

interface DecoderState {
  /** Source channels, fixed by the first audio of the stream. */
  channels: number | undefined;
  /** Encoding of the Buffers that follow (the node's, or the WAV header's). */
  format: SampleFormat;
  /** Channels of the Buffers that follow. */
  byteChannels: number;
  /** Bytes of a frame still waiting for the rest of it. */
  carry: Uint8Array;
  /** The start of a WAV file whose data chunk has not begun yet. */
  header: Uint8Array | undefined;
  /** Bytes of WAV audio still to come; anything after it (trailing chunks) is not audio. */
  dataLeft: number;
}

/**
 * Decodes the chunks of one stream in order. Each push() either succeeds and
 * advances the stream, or throws and leaves it exactly as it was, so a bad
 * chunk is dropped whole and the stream goes on.
 */
export class StreamDecoder {
  private state: DecoderState;

  constructor(private readonly defaults: StreamDefaults) {
    this.state = { channels: undefined, format: defaults.format, byteChannels: defaults.channels, carry: new Uint8Array(0), header: undefined, dataLeft: Infinity };
  }

  /** Source channels, once the stream has had audio (or a WAV header). */
  get channels(): number | undefined {
    return this.state.channels;
  }

  /** Bytes that did not make a whole frame, or an unfinished WAV header, at this point. */
  get pendingBytes(): number {
    return this.state.carry.length + (this.state.header?.length ?? 0);
  }

  get insideHeader(): boolean {
    return this.state.header !== undefined;
  }

  push(payload: unknown): DecodedChunk {
    const next: DecoderState = { ...this.state };
    let decoded: DecodedChunk;
    if (types.isFloat32Array(payload)) {
      decoded = this.floats(payload as Float32Array, next);
    } else if (types.isUint8Array(payload)) {
      decoded = this.bytes(payload as Uint8Array, next);
    } else {
      throw new InvalidArgumentError(
        `msg.payload must be a Float32Array of interleaved samples, a Buffer of raw ${this.defaults.format} PCM, or WAV file bytes; got ${describeValue(payload)}`,
      );
    }
    requireFiniteSamples('msg.payload', decoded.samples);
    this.state = next;
    return decoded;
  }

  private floats(payload: Float32Array, next: DecoderState): DecodedChunk {
    if (next.header) throw new InvalidArgumentError('A Float32Array came while the stream was still inside a WAV header: send the rest of the WAV file first');
    if (next.carry.length) {
      throw new InvalidArgumentError(`A Float32Array came after a Buffer that ended inside a frame (${next.carry.length} stray bytes): send whole frames`);
    }
    const channels = next.channels ?? this.defaults.channels;
    if (payload.length % channels !== 0) {
      throw new InvalidArgumentError(
        `msg.payload is a Float32Array of ${payload.length} samples, not a whole number of ${channels}-channel frames ` +
          `(${payload.length % channels} samples of a partial frame at the end). Check the node's channels setting.`,
      );
    }
    next.channels = channels;
    // A copy in this realm: it may wait in the queue, and the sender may reuse its array.
    const samples = new Float32Array(payload.length);
    samples.set(payload);
    return { samples, channels };
  }

  private bytes(payload: Uint8Array, next: DecoderState): DecodedChunk {
    let bytes = payload;
    if (next.header) {
      bytes = concat(next.header, payload);
      next.header = undefined;
    } else if (next.carry.length === 0 && (next.dataLeft <= 0 || next.dataLeft === Infinity) && isWav(bytes)) {
      // A (new) WAV file starts here.
    } else {
      if (next.channels === undefined) refuseCompressed(bytes);
      return this.pcm(bytes, next);
    }
    const header = parseWavHeader(bytes);
    if (!header) {
      if (bytes.length > MAX_HEADER_BYTES) throw new InvalidArgumentError(`The WAV header is larger than ${MAX_HEADER_BYTES} bytes: its data chunk never starts`);
      next.header = bytes.slice();
      return { samples: new Float32Array(0), channels: next.channels ?? 0 };
    }
    this.requireChannels(next, header.channels, 'The WAV file');
    if (header.dataBytes !== undefined && header.dataOffset + header.dataBytes <= bytes.length) {
      // The whole file is in this message: any encoding, resampled if allowed.
      const wav = decodeWav(bytes, this.defaults.sampleRate, this.defaults.resample);
      next.channels = wav.channels;
      return { samples: wav.samples, channels: wav.channels, resampledFrom: wav.resampledFrom };
    }
    if (header.sampleRate !== this.defaults.sampleRate) {
      throw new InvalidArgumentError(
        `The WAV stream is ${header.sampleRate} Hz but the mixer runs at ${this.defaults.sampleRate} Hz, and a WAV file that arrives ` +
          `in chunks cannot be resampled. Convert the file to ${this.defaults.sampleRate} Hz, send it in one message ` +
          `(with "resample" on), or set the mixer's sample rate to ${header.sampleRate}.`,
      );
    }
    if (!header.format) {
      throw new InvalidArgumentError(
        `The WAV stream is ${header.encoding}, which cannot be streamed in chunks: use 16-, 24- or 32-bit integer or 32-bit float ` +
          `little-endian PCM, or send the whole file in one message.`,
      );
    }
    next.channels = header.channels;
    next.byteChannels = header.channels;
    next.format = header.format;
    next.dataLeft = header.dataBytes ?? Infinity;
    return this.pcm(bytes.subarray(header.dataOffset), next);
  }

  /** Raw PCM in the stream's byte format; a partial frame waits for the next chunk. */
  private pcm(input: Uint8Array, next: DecoderState): DecodedChunk {
    this.requireChannels(next, next.byteChannels, 'Raw PCM');
    let bytes = input;
    if (next.dataLeft !== Infinity) {
      // Bytes after the WAV's data chunk are other chunks (LIST, id3…), not audio.
      bytes = bytes.subarray(0, Math.max(0, Math.min(bytes.length, next.dataLeft)));
      next.dataLeft -= bytes.length;
    }
    const channels = next.byteChannels;
    const frameBytes = SAMPLE_BYTES[next.format] * channels;
    const all = next.carry.length ? concat(next.carry, bytes) : bytes;
    const whole = all.length - (all.length % frameBytes);
    next.carry = all.slice(whole);
    next.channels = channels;
    return { samples: whole ? decodeRaw(all.subarray(0, whole), next.format, channels) : new Float32Array(0), channels };
  }

  private requireChannels(next: DecoderState, channels: number, what: string): void {
    if (next.channels !== undefined && next.channels !== channels) {
      throw new InvalidArgumentError(
        `${what} has ${channels} channel${channels === 1 ? '' : 's'} but this stream has ${next.channels}: ` +
          `a stream keeps its channel count (end it with msg.end first)`,
      );
    }
  }
}

/** A compressed file's first bytes would play as loud noise: say what it is instead. */
function refuseCompressed(bytes: Uint8Array): void {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  const kind = head.startsWith('ID3') ? 'an MP3 file (ID3 tag)' : head === 'OggS' ? 'an Ogg file' : head === 'fLaC' ? 'a FLAC file' : undefined;
  if (kind) {
    throw new InvalidArgumentError(`msg.payload looks like ${kind}: this node plays raw PCM and WAV only. Decode the file to WAV or PCM first.`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
