// Audio as messages bring it, to interleaved float samples: a Float32Array,
// raw little-endian PCM Buffers (which may split a frame anywhere), or the
// bytes of a sound file. Sound files go through the one WAV parser and the
// compressed decoders of src/decode/: a small WAV at the mixer's rate is
// decoded right here (faster than a thread hop, so msg.at stays exact), the
// rest (big, resampled or compressed files) on the decode threads. A stream
// of chunks does the same: a WAV at the mixer's rate here, chunk by chunk; a
// compressed file or a WAV at another rate on a decode thread (ThreadedStream).
import { InvalidArgumentError } from './errors';
import { decodeAudio } from './decode/decode-audio';
import { DEFAULT_MAX_BYTES } from './decode/limits';
import { detectSoundFormat } from './decode/sniff';
import { Resampler } from './decode/resampler';
import { concatBytes } from './decode/bytes';
import { ThreadedStream } from './threaded-stream';
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
  /**
   * A stream decoded on a thread (a compressed file, a WAV at another rate) waits for this
   * before decoding each chunk, so decoded audio does not pile up ahead of playback.
   */
  pace?: () => Promise<unknown>;
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
 * chunk is dropped whole and the stream goes on. A stream that starts with a
 * compressed file (or a WAV at another rate, resampled) is decoded on a
 * decode thread: push() then answers with promises, in order, and end() gives
 * the last frames; after an error the rest of that file is skipped.
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
  /** The file decoding on a thread, until the stream ends. */
  private threaded: ThreadedStream | undefined;
  /** The stream's first bytes, while too few to tell raw PCM from a sound file. */
  private head: Uint8Array | undefined;

  /** `whole`: each push is a whole payload (decodeSamples), never the start of a longer stream. */
  constructor(private readonly options: SampleDecoderOptions, private readonly whole = false) {
    this.name = options.name ?? 'audio';
    this.frames = new FrameAssembler(options.channels, options.format ?? 'float32', this.name);
  }

  /** Source channels, once the stream has had audio (or a WAV header). */
  get channels(): number | undefined {
    return this.fixedChannels;
  }

  /** Bytes that did not make a whole frame, or an unfinished WAV header, at this point. */
  get pendingBytes(): number {
    return this.frames.pendingBytes + this.wavPending + (this.head?.length ?? 0);
  }

  push(chunk: unknown): DecodedSamples | Promise<DecodedSamples> {
    const floats = asFloat32Array(chunk);
    const bytes = floats ? undefined : asBytes(chunk);
    if (!floats && !bytes) {
      throw new InvalidArgumentError(
        `${this.name} must be a Float32Array of samples, a Buffer of raw ${this.frames.format} PCM, or the bytes of a WAV file; got ${describeValue(chunk)}`,
      );
    }
    if (floats && this.head) throw new InvalidArgumentError('A Float32Array came after the first bytes of a byte stream: send more bytes first');
    if (!bytes || this.whole || this.fixedChannels !== undefined || this.wav || this.threaded) return this.decode(floats, bytes);
    // The stream's start, at any byte position: held until it tells what it is.
    const held = this.head;
    const all = held ? concatBytes([held, bytes], held.length + bytes.length) : bytes;
    this.head = undecided(all) ? all : undefined;
    if (this.head) return { samples: new Float32Array(0), channels: 0 };
    try {
      return this.decode(undefined, all);
    } catch (err) {
      this.head = held; // refused: the stream is as it was
      throw err;
    }
  }

  private decode(floats: Float32Array | undefined, bytes: Uint8Array | undefined): DecodedSamples | Promise<DecodedSamples> {
    if (floats && ((this.wav && !this.wav.format) || this.threaded)) {
      throw new InvalidArgumentError('A Float32Array came in the middle of a sound file: send the rest of the file (or end the stream) first');
    }
    if (this.threaded) return this.threaded.push(bytes!);
    if (bytes && this.frames.pendingBytes === 0) {
      // After a WAV's data chunk, its trailing chunks (LIST, id3…) are skipped until a new file starts.
      const format = !this.wav || this.wav.finished ? detectSoundFormat(bytes) : undefined;
      if (format === 'wav') this.wav = new WavDecoder({ maxBytes: DEFAULT_MAX_BYTES });
      // A compressed file, also one whose start (a long ID3 tag) does not tell the format yet.
      else if (this.fixedChannels === undefined && (format || compressedMagic(bytes))) return this.startThreaded(bytes);
      if (this.wav) return this.pushWav(this.wav, bytes);
    }
    this.requireChannels(this.frames.channels, 'Raw PCM');
    const samples = this.frames.push(floats ?? bytes!);
    this.fixedChannels = this.frames.channels;
    return { samples, channels: this.frames.channels };
  }

  /** The stream's sound file has ended: its last frames (from a decode thread), else none. */
  end(): DecodedSamples | Promise<DecodedSamples> {
    const { threaded, head } = this;
    this.threaded = this.head = undefined;
    if (head) return this.decode(undefined, head); // a stream shorter than its sniffing: raw PCM
    return threaded ? threaded.end() : { samples: new Float32Array(0), channels: this.fixedChannels ?? 0 };
  }

  /** Stops a decode on a thread without waiting for it. */
  close(): void {
    this.threaded?.close();
    this.threaded = undefined;
  }

  private startThreaded(bytes: Uint8Array): Promise<DecodedSamples> {
    const { sampleRate, resample = true, pace } = this.options;
    this.threaded = new ThreadedStream({
      sampleRate,
      resample,
      pace,
      channels: (channels) => {
        this.requireChannels(channels, 'The file');
        this.fixedChannels = channels;
      },
    });
    return this.threaded.push(bytes);
  }

  /** The next bytes of a WAV file; a new file (or raw PCM) may follow once its data chunk has ended. */
  private pushWav(wav: WavDecoder, bytes: Uint8Array): DecodedSamples | Promise<DecodedSamples> {
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
      const resample = this.options.resample ?? true;
      const whole = fresh && resample ? this.resampledWhole(bytes) : undefined;
      if (whole) return whole;
      // The whole header came in this chunk: the file is resampled as it streams, on a decode thread.
      if (fresh && resample && this.fixedChannels === undefined) return this.startThreaded(bytes);
      throw new InvalidArgumentError(
        `The WAV stream is ${format.sampleRate} Hz but the mixer runs at ${this.options.sampleRate} Hz` +
          (resample ? ', and its header was split over chunks, so it cannot be resampled as it streams. ' : '. ') +
          `Turn on "resample" and send the file from its start, convert it to ${this.options.sampleRate} Hz, ` +
          `or set the mixer's sample rate to ${format.sampleRate}.`,
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
  if (bytes) refuseByMagic(bytes, name);
  const decoder = new SampleDecoder(options, true);
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

/** Bytes held at a stream's start while they may still become a sound file's header. */
const MAX_HEAD_BYTES = 4096;

/**
 * Whether a stream's first bytes are too few to tell: fewer than a WAV's RIFF header, or an
 * MPEG frame header not yet followed by the next one (raw PCM may start like one by chance).
 */
function undecided(b: Uint8Array): boolean {
  if (b.length < 12) return true;
  return b.length < MAX_HEAD_BYTES && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && detectSoundFormat(b) === undefined;
}

/** What a compressed file starts with, named; undefined for anything else. */
function compressedMagic(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  return head.startsWith('ID3') ? 'an MP3 file (ID3 tag)' : head === 'OggS' ? 'an Ogg file' : head === 'fLaC' ? 'a FLAC file' : undefined;
}

/** A whole payload that starts like a compressed file but is too short to decode would play as loud noise: say what it is instead. */
function refuseByMagic(bytes: Uint8Array, name: string): void {
  const kind = compressedMagic(bytes);
  if (kind) throw new InvalidArgumentError(`${name} looks like ${kind} but is not one this package reads. Send the whole file, or decode it to WAV or PCM first.`);
}

