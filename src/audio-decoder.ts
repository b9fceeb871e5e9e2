// Audio as messages bring it, to interleaved float samples: a Float32Array,
// raw little-endian PCM Buffers (which may split a frame anywhere), or the
// bytes of a WAV file, whole or in chunks whose first one's header sets the
// format for the rest (the core `file in` node's "a msg per chunk" mode).
import { InvalidArgumentError } from './errors';
import { asBytes, asFloat32Array, FrameAssembler, SAMPLE_BYTES, SampleFormat } from './pcm';
import { describeValue } from './validate';
import { decodeWav, isWav, parseWavHeader } from './wav';

/** A WAV header larger than this (huge metadata before the data chunk) is refused. */
const MAX_HEADER_BYTES = 1 << 20;

export interface SampleDecoderOptions {
  /** Encoding of raw PCM Buffers (default float32). */
  format?: SampleFormat;
  /** Interleaved channels of Float32Arrays and raw Buffers; WAV files bring their own. */
  channels: number;
  /** The mixer's rate: a WAV stream must run at it; a whole WAV file is resampled to it if `resample`. */
  sampleRate: number;
  /** Resample a whole WAV file at another rate (default true); else that is an error. */
  resample?: boolean;
  /** How error messages name the audio (default "audio"). */
  name?: string;
}

/** Interleaved samples with `channels` per frame (possibly none yet, in a stream). */
export interface DecodedSamples {
  samples: Float32Array;
  channels: number;
  /** The rate a whole WAV file was resampled from. */
  resampledFrom?: number;
}

/**
 * Decodes the chunks of one stream in order. Each push() either succeeds and
 * advances the stream, or throws and leaves it exactly as it was, so a bad
 * chunk is dropped whole and the stream goes on.
 */
export class SampleDecoder {
  private readonly name: string;
  /** Frames of the Buffers that follow (the options' format, or a WAV header's). */
  private frames: FrameAssembler;
  /** Source channels, fixed by the first audio of the stream. */
  private fixedChannels: number | undefined;
  /** The start of a WAV file whose data chunk has not begun yet. */
  private header: Uint8Array | undefined;
  /** Bytes of WAV audio still to come; anything after it (trailing chunks) is not audio. */
  private dataLeft = Infinity;

  constructor(private readonly options: SampleDecoderOptions) {
    this.name = options.name ?? 'audio';
    this.frames = new FrameAssembler(options.channels, options.format ?? 'float32', this.name);
  }

  /** Source channels, once the stream has had audio (or a WAV header). */
  get channels(): number | undefined {
    return this.fixedChannels;
  }

  /** Bytes that did not make a whole frame, or an unfinished WAV header, at this point. */
  get pendingBytes(): number {
    return this.frames.pendingBytes + (this.header?.length ?? 0);
  }

  push(chunk: unknown): DecodedSamples {
    const floats = asFloat32Array(chunk);
    const bytes = floats ? undefined : asBytes(chunk);
    if (!floats && !bytes) {
      throw new InvalidArgumentError(
        `${this.name} must be a Float32Array of samples, a Buffer of raw ${this.frames.format} PCM, or the bytes of a WAV file; got ${describeValue(chunk)}`,
      );
    }
    if (floats && this.header) throw new InvalidArgumentError('A Float32Array came while the stream was still inside a WAV header: send the rest of the WAV file first');
    if (bytes && (this.header || (this.frames.pendingBytes === 0 && (this.dataLeft <= 0 || this.dataLeft === Infinity) && isWav(bytes)))) return this.wav(bytes);
    if (bytes && this.fixedChannels === undefined) refuseCompressed(bytes, this.name);
    return this.pcm(floats ?? bytes!, this.frames, this.dataLeft);
  }

  /** Whole frames of raw PCM (or a Float32Array); `dataLeft` bytes at most are audio. */
  private pcm(chunk: Float32Array | Uint8Array, frames: FrameAssembler, dataLeft: number): DecodedSamples {
    this.requireChannels(frames.channels, 'Raw PCM');
    // Bytes after the WAV's data chunk are other chunks (LIST, id3…), not audio.
    const audio = chunk instanceof Uint8Array && dataLeft < chunk.length ? chunk.subarray(0, Math.max(0, dataLeft)) : chunk;
    const samples = frames.push(audio);
    this.frames = frames;
    this.fixedChannels = frames.channels;
    if (dataLeft !== Infinity) this.dataLeft = dataLeft - audio.length;
    return { samples, channels: frames.channels };
  }

  private wav(chunk: Uint8Array): DecodedSamples {
    const bytes = this.header ? concat(this.header, chunk) : chunk;
    const header = parseWavHeader(bytes);
    if (!header) {
      if (bytes.length > MAX_HEADER_BYTES) throw new InvalidArgumentError(`The WAV header is larger than ${MAX_HEADER_BYTES} bytes: its data chunk never starts`);
      this.header = bytes.slice();
      return { samples: new Float32Array(0), channels: this.fixedChannels ?? 0 };
    }
    this.requireChannels(header.channels, 'The WAV file');
    if (header.dataBytes !== undefined && header.dataOffset + header.dataBytes <= bytes.length) {
      // The whole file is in this message: any encoding, resampled if allowed.
      const whole = decodeWav(bytes, this.options.sampleRate, this.options.resample ?? true);
      this.header = undefined;
      this.fixedChannels = whole.channels;
      return { samples: whole.samples, channels: whole.channels, resampledFrom: whole.resampledFrom };
    }
    if (header.sampleRate !== this.options.sampleRate) {
      throw new InvalidArgumentError(
        `The WAV stream is ${header.sampleRate} Hz but the mixer runs at ${this.options.sampleRate} Hz, and a WAV file that arrives ` +
          `in chunks cannot be resampled. Convert the file to ${this.options.sampleRate} Hz, send it in one message ` +
          `(with "resample" on), or set the mixer's sample rate to ${header.sampleRate}.`,
      );
    }
    if (!header.format) {
      throw new InvalidArgumentError(
        `The WAV stream is ${header.encoding}, which cannot be streamed in chunks: use 16-, 24- or 32-bit integer or 32-bit float ` +
          `little-endian PCM, or send the whole file in one message.`,
      );
    }
    const decoded = this.pcm(bytes.subarray(header.dataOffset), new FrameAssembler(header.channels, header.format, this.name), header.dataBytes ?? Infinity);
    this.header = undefined;
    return decoded;
  }

  private requireChannels(channels: number, what: string): void {
    if (this.fixedChannels !== undefined && this.fixedChannels !== channels) {
      throw new InvalidArgumentError(
        `${what} has ${channels} channel${channels === 1 ? '' : 's'} but this stream has ${this.fixedChannels}: ` +
          `a stream keeps its channel count (end it with msg.end first)`,
      );
    }
  }
}

/**
 * One complete sound: a Float32Array, a raw PCM Buffer of whole frames, or a
 * whole WAV file (resampled to `sampleRate` if `resample`).
 */
export function decodeSamples(payload: unknown, options: SampleDecoderOptions): DecodedSamples {
  const name = options.name ?? 'audio';
  const bytes = asBytes(payload);
  if (bytes && isWav(bytes)) return decodeWav(bytes, options.sampleRate, options.resample ?? true);
  if (bytes?.length === 0) throw new InvalidArgumentError(`${name} is an empty Buffer: there is no audio in it`);
  const decoder = new SampleDecoder(options);
  const decoded = decoder.push(payload);
  if (decoder.pendingBytes > 0) {
    const format = options.format ?? 'float32';
    throw new InvalidArgumentError(
      `${name} has ${bytes!.length} bytes, which is not a whole number of ${options.channels}-channel ${format} frames ` +
        `(${SAMPLE_BYTES[format] * options.channels} bytes each). Check the node's format and channel count.`,
    );
  }
  return decoded;
}

/** A compressed file's first bytes would play as loud noise: say what it is instead. */
function refuseCompressed(bytes: Uint8Array, name: string): void {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  const kind = head.startsWith('ID3') ? 'an MP3 file (ID3 tag)' : head === 'OggS' ? 'an Ogg file' : head === 'fLaC' ? 'a FLAC file' : undefined;
  if (kind) throw new InvalidArgumentError(`${name} looks like ${kind}: only raw PCM and WAV can be played. Decode the file to WAV or PCM first.`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
