// Audio as messages bring it, to interleaved float samples: a Float32Array,
// raw little-endian PCM Buffers (which may split a frame anywhere), or the
// bytes of a sound file. Sound files go through the one WAV parser and the
// compressed decoders of src/decode/: a small WAV at the mixer's rate is
// decoded right here (faster than a thread hop, so msg.at stays exact), the
// rest (big, resampled or compressed files) on the decode threads.
import { InvalidArgumentError } from './errors';
import { decodeAudio } from './decode/decode-audio';
import { DEFAULT_MAX_BYTES } from './decode/limits';
import { detectSoundFormat } from './decode/sniff';
import { Resampler } from './decode/resampler';
import { WavDecoder } from './decode/wav-decoder';
import { asBytes, asFloat32Array, concatSamples, FrameAssembler, SAMPLE_BYTES, SampleFormat } from './pcm';
import { describeValue } from './validate';

/** A WAV file up to this size at the mixer's rate is decoded on the caller's thread (a few ms at most). */
export const SYNC_WAV_BYTES = 1024 * 1024;

export interface SampleDecoderOptions {
  /** Encoding of raw PCM Buffers (default float32). */
  format?: SampleFormat;
  /** Interleaved channels of Float32Arrays and raw Buffers; sound files bring their own. */
  channels: number;
  /** The mixer's rate: a WAV stream must run at it; a whole file is resampled to it if `resample`. */
  sampleRate: number;
  /** Resample a whole file at another rate (default true); else that is an error. */
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
  /** Frames of the raw Buffers that follow. */
  private readonly frames: FrameAssembler;
  /** Source channels, fixed by the first audio of the stream. */
  private fixedChannels: number | undefined;
  /** The WAV file this stream is inside of, until it ends. */
  private wav: WavDecoder | undefined;
  /** Bytes given to `wav` whose frames have not come out yet (header, partial block). */
  private wavPending = 0;

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
    return this.frames.pendingBytes + this.wavPending;
  }

  push(chunk: unknown): DecodedSamples {
    const floats = asFloat32Array(chunk);
    const bytes = floats ? undefined : asBytes(chunk);
    if (!floats && !bytes) {
      throw new InvalidArgumentError(
        `${this.name} must be a Float32Array of samples, a Buffer of raw ${this.frames.format} PCM, or the bytes of a WAV file; got ${describeValue(chunk)}`,
      );
    }
    if (floats && this.wav && !this.wav.format) throw new InvalidArgumentError('A Float32Array came while the stream was still inside a WAV header: send the rest of the WAV file first');
    if (bytes && this.frames.pendingBytes === 0) {
      // After a WAV's data chunk, its trailing chunks (LIST, id3…) are skipped until a new file starts.
      const format = !this.wav || this.wav.finished ? detectSoundFormat(bytes) : undefined;
      if (format === 'wav') this.wav = new WavDecoder({ maxBytes: DEFAULT_MAX_BYTES });
      else if (format && this.fixedChannels === undefined) refuseCompressed(format, this.name);
      if (this.wav) return this.pushWav(this.wav, bytes);
    }
    if (bytes && this.fixedChannels === undefined) refuseByMagic(bytes, this.name);
    this.requireChannels(this.frames.channels, 'Raw PCM');
    const samples = this.frames.push(floats ?? bytes!);
    this.fixedChannels = this.frames.channels;
    return { samples, channels: this.frames.channels };
  }

  /** The next bytes of a WAV file; a new file (or raw PCM) may follow once its data chunk has ended. */
  private pushWav(wav: WavDecoder, bytes: Uint8Array): DecodedSamples {
    const fresh = !wav.format && this.wavPending === 0;
    let chunks: Float32Array[];
    try {
      chunks = wav.pushSync(bytes);
    } catch (err) {
      this.wav = undefined; // the file is refused whole: what follows starts afresh
      this.wavPending = 0;
      throw err;
    }
    const format = wav.format;
    if (!format) {
      this.wavPending += bytes.length;
      return { samples: new Float32Array(0), channels: this.fixedChannels ?? 0 };
    }
    if (format.sampleRate !== this.options.sampleRate) {
      this.wav = undefined;
      this.wavPending = 0;
      const whole = fresh && (this.options.resample ?? true) ? this.resampledWhole(bytes) : undefined;
      if (whole) return whole;
      throw new InvalidArgumentError(
        `The WAV stream is ${format.sampleRate} Hz but the mixer runs at ${this.options.sampleRate} Hz, and a WAV file that arrives ` +
          `in chunks cannot be resampled. Convert the file to ${this.options.sampleRate} Hz, send it in one message ` +
          `(with "resample" on), or set the mixer's sample rate to ${format.sampleRate}.`,
      );
    }
    try {
      this.requireChannels(format.channels, 'The WAV file');
    } catch (err) {
      this.wav = undefined;
      this.wavPending = 0;
      throw err;
    }
    this.wavPending = 0;
    this.fixedChannels = format.channels;
    return { samples: concatSamples(chunks), channels: format.channels };
  }

  /**
   * A small whole WAV file at another rate in one message, resampled here (the
   * old decoder did this too). Undefined if the message is not a whole file.
   */
  private resampledWhole(bytes: Uint8Array): DecodedSamples | undefined {
    if (bytes.length > SYNC_WAV_BYTES) return undefined;
    let decoded: DecodedSamples;
    let rate: number;
    try {
      const wav = new WavDecoder({ totalBytes: bytes.length, maxBytes: DEFAULT_MAX_BYTES });
      decoded = { samples: concatSamples([...wav.pushSync(bytes), ...wav.endSync()]), channels: wav.format!.channels };
      rate = wav.format!.sampleRate;
    } catch {
      return undefined; // only the start of a file: the rate error says what to do
    }
    this.requireChannels(decoded.channels, 'The WAV file');
    const resampler = new Resampler(decoded.channels, rate, this.options.sampleRate);
    const samples = concatSamples([resampler.process(decoded.samples), resampler.flush()]);
    this.fixedChannels = decoded.channels;
    return { samples, channels: decoded.channels, resampledFrom: rate };
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
 * Whether `decodeSamples()` of this payload would answer at once: audio that is
 * not a sound file, or a small WAV file at `sampleRate` (no resampling).
 */
export function decodesAtOnce(payload: unknown, sampleRate: number): boolean {
  const bytes = asFloat32Array(payload) ? undefined : asBytes(payload);
  if (!bytes) return true;
  const format = detectSoundFormat(bytes);
  if (!format) return true;
  if (format !== 'wav' || bytes.length > SYNC_WAV_BYTES) return false;
  // A header the parser refuses is refused here too, coded, in microseconds.
  const rate = wavRate(bytes);
  return rate === undefined || rate === sampleRate;
}

/**
 * One complete sound: a Float32Array, a raw PCM Buffer of whole frames, or a
 * whole sound file (WAV, MP3, FLAC, Ogg Vorbis/Opus; resampled to `sampleRate`
 * if `resample`). Answers synchronously when `decodesAtOnce()`, else with a
 * promise of the decode threads' result. A hostile or broken file is a coded error.
 */
export function decodeSamples(payload: unknown, options: SampleDecoderOptions): DecodedSamples | Promise<DecodedSamples> {
  const name = options.name ?? 'audio';
  const bytes = asFloat32Array(payload) ? undefined : asBytes(payload);
  if (bytes?.length === 0) throw new InvalidArgumentError(`${name} is an empty Buffer: there is no audio in it`);
  if (bytes && detectSoundFormat(bytes)) {
    if (decodesAtOnce(bytes, options.sampleRate)) return decodeWavHere(bytes);
    return decodeOnThread(bytes, options);
  }
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

/** A small WAV file at the mixer's rate, on this thread through the bounded parser. */
function decodeWavHere(bytes: Uint8Array): DecodedSamples {
  const wav = new WavDecoder({ totalBytes: bytes.length, maxBytes: DEFAULT_MAX_BYTES });
  const chunks = [...wav.pushSync(bytes), ...wav.endSync()];
  return { samples: concatSamples(chunks), channels: wav.format!.channels };
}

async function decodeOnThread(bytes: Uint8Array, options: SampleDecoderOptions): Promise<DecodedSamples> {
  const resample = options.resample ?? true;
  const file = await decodeAudio(bytes, { sampleRate: resample ? options.sampleRate : undefined });
  if (file.sampleRate !== options.sampleRate) {
    throw new InvalidArgumentError(
      `The ${file.format.toUpperCase()} file is ${file.sampleRate} Hz but the mixer runs at ${options.sampleRate} Hz. ` +
        `Turn on "resample" in the node, or set the mixer's sample rate to ${file.sampleRate}.`,
    );
  }
  return { samples: file.samples, channels: file.channels, resampledFrom: file.sourceRate !== file.sampleRate ? file.sourceRate : undefined };
}

/** The rate in a WAV header's fmt chunk, read with the bounded parser (header only). */
function wavRate(bytes: Uint8Array): number | undefined {
  const header = new WavDecoder({ totalBytes: bytes.length, headerOnly: true });
  try {
    header.pushSync(bytes);
  } catch {
    return undefined; // refused: decodeWavHere() reports it, coded, on this thread
  }
  return header.format?.sampleRate;
}

/** A compressed file's chunks cannot play in a stream yet: say what it is instead of playing noise. */
function refuseCompressed(format: string, name: string): void {
  const kind = format === 'vorbis' ? 'an Ogg Vorbis file' : format === 'opus' ? 'an Ogg Opus file' : `a${format === 'mp3' ? 'n' : ''} ${format.toUpperCase()} file`;
  throw new InvalidArgumentError(
    `${name} looks like ${kind}: a stream in chunks plays raw PCM and WAV only. Decode the file to WAV or PCM first, or send it whole to play-buffer.`,
  );
}

/** The start of a compressed file too short to decode would play as loud noise: say what it is instead. */
function refuseByMagic(bytes: Uint8Array, name: string): void {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  const kind = head.startsWith('ID3') ? 'an MP3 file (ID3 tag)' : head === 'OggS' ? 'an Ogg file' : head === 'fLaC' ? 'a FLAC file' : undefined;
  if (kind) throw new InvalidArgumentError(`${name} looks like ${kind} but is not one this package reads: only raw PCM and WAV can be played in a stream. Decode the file to WAV or PCM first.`);
}

