// MP3, FLAC, Ogg Vorbis and Ogg Opus through the WebAssembly builds of the
// reference decoders (libmpg123, libFLAC, libvorbis, libopus) from the
// wasm-audio-decoders project. They are ES modules, loaded on first use.
import { MalformedFileError } from './errors';
import { checkChannels, checkRate, OutputBudget } from './limits';
import { interleave } from './interleave';
import { AudioFormat, PushDecoder, PushDecoderOptions } from './push-decoder';
import { takeCodecLogs } from './codec-log';
import { OggOpusLength } from './ogg-opus-length';

export type CompressedKind = 'mp3' | 'flac' | 'vorbis' | 'opus';

interface Decoded {
  channelData: Float32Array[];
  bitDepth?: number;
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

interface WasmDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush?(): Promise<Decoded>;
  free(): void;
}

/** Input is fed in slices of this size, so one call's output stays bounded (a 3-byte Opus packet makes 120 ms). */
const SLICE = 16 * 1024;

const NAMES: Record<CompressedKind, string> = { mp3: 'MP3', flac: 'FLAC', vorbis: 'Ogg Vorbis', opus: 'Ogg Opus' };

async function createWasmDecoder(kind: CompressedKind): Promise<WasmDecoder> {
  let decoder: WasmDecoder;
  if (kind === 'mp3') decoder = new (await import('mpg123-decoder')).MPEGDecoder({ enableGapless: true });
  else if (kind === 'flac') decoder = new (await import('@wasm-audio-decoders/flac')).FLACDecoder();
  else if (kind === 'vorbis') decoder = new (await import('@wasm-audio-decoders/ogg-vorbis')).OggVorbisDecoder();
  else decoder = new (await import('ogg-opus-decoder')).OggOpusDecoder();
  await decoder.ready;
  return decoder;
}

export class CompressedDecoder implements PushDecoder {
  private decoder: WasmDecoder | undefined;
  private fmt: AudioFormat | undefined;
  private readonly budget: OutputBudget | undefined;
  private freed = false;
  private readonly opusLength: OggOpusLength | undefined;
  private framesOut = 0;

  /** `mono`: an MP3 whose header says one channel (libmpg123 here always returns two equal ones). */
  constructor(
    private readonly kind: CompressedKind,
    private readonly mono: boolean,
    options: PushDecoderOptions = {},
  ) {
    this.budget = options.maxBytes === undefined ? undefined : new OutputBudget(options.maxBytes);
    this.opusLength = kind === 'opus' ? new OggOpusLength() : undefined;
  }

  get format(): AudioFormat | undefined {
    return this.fmt;
  }

  async push(bytes: Uint8Array): Promise<Float32Array[]> {
    this.decoder ??= await createWasmDecoder(this.kind);
    const out: Float32Array[] = [];
    this.opusLength?.push(bytes);
    for (let at = 0; at < bytes.length; at += SLICE) {
      // The decoders copy their input into WebAssembly memory: a view is enough.
      this.collect(await this.decoder.decode(bytes.subarray(at, at + SLICE)), out);
    }
    return out;
  }

  async end(): Promise<Float32Array[]> {
    this.decoder ??= await createWasmDecoder(this.kind);
    const out: Float32Array[] = [];
    if (this.decoder.flush) this.collect(await this.decoder.flush(), out);
    this.trimOpusEnd(out);
    if (!this.fmt) {
      throw new MalformedFileError(`No audio could be decoded from the ${NAMES[this.kind]} data${detail(takeCodecLogs())}`);
    }
    return out;
  }

  free(): void {
    if (this.decoder && !this.freed) this.decoder.free();
    this.freed = true;
  }

  /** Cuts what the decoder gave past the stream's declared length (only from output not yet handed out). */
  private trimOpusEnd(out: Float32Array[]): void {
    const total = this.opusLength?.frames;
    if (total === undefined || !this.fmt) return;
    const channels = this.fmt.channels;
    let excess = this.framesOut - total;
    for (let i = out.length - 1; i >= 0 && excess > 0; i--) {
      const frames = out[i].length / channels;
      const cut = Math.min(frames, excess);
      out[i] = out[i].subarray(0, (frames - cut) * channels);
      excess -= cut;
      this.framesOut -= cut;
    }
  }

  private collect(result: Decoded, out: Float32Array[]): void {
    const logs = takeCodecLogs();
    if (result.errors.length > 0) {
      const messages = result.errors.map((e) => e.message).concat(logs);
      throw new MalformedFileError(`The ${NAMES[this.kind]} data is corrupt${detail(messages)}`);
    }
    const frames = result.samplesDecoded;
    if (frames === 0) return;
    const planes = this.mono ? result.channelData.slice(0, 1) : result.channelData;
    if (!this.fmt) {
      checkChannels(planes.length, `The ${NAMES[this.kind]} stream`);
      checkRate(result.sampleRate, `The ${NAMES[this.kind]} stream's sample rate`);
      this.fmt = { channels: planes.length, sampleRate: result.sampleRate };
    } else if (planes.length !== this.fmt.channels || result.sampleRate !== this.fmt.sampleRate) {
      throw new MalformedFileError(
        `The ${NAMES[this.kind]} stream changes format midway (${this.fmt.channels} ch ${this.fmt.sampleRate} Hz to ${planes.length} ch ${result.sampleRate} Hz); play its parts as separate files`,
      );
    }
    this.budget?.take(frames * planes.length);
    const samples = interleave(planes, frames);
    if (this.kind === 'flac' && result.bitDepth) rescaleFlac(samples, result.bitDepth);
    out.push(samples);
    this.framesOut += frames;
  }
}

/**
 * libFLAC's WebAssembly build divides by 2^(bits-1) - 1; sox, WAV and every other
 * decoder here by 2^(bits-1). Rescaled so a FLAC decodes sample for sample like its WAV.
 */
function rescaleFlac(samples: Float32Array, bits: number): void {
  const full = 2 ** (bits - 1);
  // Back to the integer the file holds (exact up to 24 bits), then to the usual scale.
  if (bits <= 24) for (let i = 0; i < samples.length; i++) samples[i] = Math.round(samples[i] * (full - 1)) / full;
  else for (let i = 0; i < samples.length; i++) samples[i] *= (full - 1) / full;
}

function detail(messages: string[]): string {
  const unique = [...new Set(messages.filter(Boolean))].slice(0, 3);
  return unique.length ? `: ${unique.join('; ')}` : '';
}
