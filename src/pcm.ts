// PCM chunks as Node streams and Node-RED messages carry them: Float32Arrays
// of interleaved samples, or Buffers of little-endian samples that may split a
// frame anywhere. Decoding writes straight into the Float32Array that is
// returned: one copy, whatever the Buffer's byte offset.
import { types } from 'node:util';
import { InvalidArgumentError } from './errors';
import { describeValue, requireFiniteSamples } from './validate';

/** Little-endian sample encodings of raw PCM. */
export type SampleFormat = 'float32' | 'int16' | 'int24' | 'int32';
export const SAMPLE_BYTES: Readonly<Record<SampleFormat, number>> = { float32: 4, int16: 2, int24: 3, int32: 4 };

/**
 * A Float32Array of this realm over the same memory (a Node-RED function node
 * runs in its own vm context, whose Float32Array is not ours), or undefined.
 */
export function asFloat32Array(value: unknown): Float32Array | undefined {
  if (value instanceof Float32Array) return value;
  if (!types.isFloat32Array(value)) return undefined;
  const foreign = value as Float32Array;
  return new Float32Array(foreign.buffer, foreign.byteOffset, foreign.length);
}

/** Bytes (a Buffer or any Uint8Array) as this realm's Uint8Array view, or undefined. */
export function asBytes(value: unknown): Uint8Array | undefined {
  if (!types.isUint8Array(value)) return undefined;
  const bytes = value as { buffer: ArrayBufferLike; byteOffset: number; length: number };
  return value instanceof Uint8Array ? value : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Decodes `bytes` (whole samples) into `out` from index `at`, scaled to [-1, 1). */
function decodeInto(out: Float32Array, at: number, bytes: Uint8Array, format: SampleFormat): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / SAMPLE_BYTES[format];
  if (format === 'float32') for (let i = 0; i < n; i++) out[at + i] = view.getFloat32(4 * i, true);
  else if (format === 'int16') for (let i = 0; i < n; i++) out[at + i] = view.getInt16(2 * i, true) / 32768;
  else if (format === 'int32') for (let i = 0; i < n; i++) out[at + i] = view.getInt32(4 * i, true) / 2147483648;
  // int24: the low 16 bits unsigned, the top byte signed.
  else for (let i = 0; i < n; i++) out[at + i] = (view.getUint16(3 * i, true) + view.getInt8(3 * i + 2) * 65536) / 8388608;
}

/** Whole little-endian samples as float samples in [-1, 1), in new memory. */
export function decodePcm(bytes: Uint8Array, format: SampleFormat): Float32Array {
  const out = new Float32Array(Math.floor(bytes.length / SAMPLE_BYTES[format]));
  decodeInto(out, 0, bytes.subarray(0, out.length * SAMPLE_BYTES[format]), format);
  return out;
}

/**
 * Collects chunks into whole frames, carrying a partial frame's bytes to the
 * next chunk. A chunk is taken whole or refused whole (the carry unchanged):
 * a refused chunk leaves the stream as it was. Float samples are checked for
 * NaN and Infinity, which would poison the whole mix.
 */
export class FrameAssembler {
  private carry: Uint8Array = new Uint8Array(0);
  private readonly frameBytes: number;

  constructor(
    readonly channels: number,
    readonly format: SampleFormat = 'float32',
    /** How error messages name a chunk. */
    private readonly name = 'The chunk',
  ) {
    this.frameBytes = SAMPLE_BYTES[format] * channels;
  }

  /** Bytes of a frame still waiting for the rest of it. */
  get pendingBytes(): number {
    return this.carry.length;
  }

  /** The whole frames this chunk completes: the Float32Array itself, or new memory decoded from bytes. */
  push(chunk: unknown): Float32Array {
    const floats = asFloat32Array(chunk);
    if (floats) return this.floats(floats);
    const bytes = asBytes(chunk);
    if (!bytes) {
      throw new InvalidArgumentError(
        `Audio chunks must be Buffers of ${this.format} PCM or Float32Arrays of interleaved samples, got ${describeValue(chunk)}`,
      );
    }
    // The carried bytes and the head of this chunk make the first frame.
    const need = this.carry.length ? this.frameBytes - this.carry.length : 0;
    if (bytes.length < need) {
      this.carry = concat(this.carry, bytes);
      return new Float32Array(0);
    }
    const wholeEnd = need + Math.floor((bytes.length - need) / this.frameBytes) * this.frameBytes;
    const headSamples = need ? this.channels : 0;
    const out = new Float32Array(headSamples + (wholeEnd - need) / SAMPLE_BYTES[this.format]);
    if (need) decodeInto(out, 0, concat(this.carry, bytes.subarray(0, need)), this.format);
    decodeInto(out, headSamples, bytes.subarray(need, wholeEnd), this.format);
    if (this.format === 'float32') requireFiniteSamples(this.name, out);
    this.carry = bytes.slice(wholeEnd);
    return out;
  }

  private floats(samples: Float32Array): Float32Array {
    if (this.carry.length) {
      throw new InvalidArgumentError(
        `A Float32Array came after a Buffer that ended inside a frame (${this.carry.length} stray bytes): send whole frames`,
      );
    }
    if (samples.length % this.channels !== 0) {
      throw new InvalidArgumentError(
        `${this.name} is a Float32Array of ${samples.length} samples, not a whole number of ${this.channels}-channel frames ` +
          `(${samples.length % this.channels} samples of a partial frame at the end)`,
      );
    }
    requireFiniteSamples(this.name, samples);
    return samples;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A Float32Array's samples as a Buffer over the same memory. */
export function bufferOf(samples: Float32Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** The chunks end to end in one array (the chunk itself when there is one). */
export function concatSamples(chunks: Float32Array[]): Float32Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
