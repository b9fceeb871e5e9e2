// msg.payload as audio: a Float32Array of interleaved samples, a Buffer of raw
// PCM in the node's format, or the bytes of a WAV file (detected by its header).
import { types } from 'node:util';
import { InvalidArgumentError } from '../../src/index';
import { describeValue } from '../../src/validate';
import { decodeWav, isWav } from './wav';

export type RawFormat = 'float32' | 'int16' | 'int32';
export const RAW_FORMATS: readonly RawFormat[] = ['float32', 'int16', 'int32'];

export interface AudioData {
  /** Interleaved samples, `channels` per frame. */
  samples: Float32Array;
  channels: number;
  /** Set when the payload was a WAV file that had to be resampled to the mixer's rate. */
  resampledFrom?: number;
}

export interface PayloadFormat {
  /** How raw PCM Buffers are encoded (little-endian). */
  format: RawFormat;
  /** Interleaved channels of a Float32Array or raw Buffer. */
  channels: number;
  /** The mixer's rate, which a WAV file must match or be resampled to. */
  sampleRate: number;
  resample: boolean;
}

const BYTES: Record<RawFormat, number> = { float32: 4, int16: 2, int32: 4 };

export function requireRawFormat(value: unknown): RawFormat {
  if (typeof value === 'string' && (RAW_FORMATS as readonly string[]).includes(value)) return value as RawFormat;
  throw new InvalidArgumentError(`format must be one of ${RAW_FORMATS.join(', ')}, got ${describeValue(value)}`);
}

/** Raw little-endian PCM to float samples in [-1, 1). */
export function decodeRaw(bytes: Uint8Array, format: RawFormat, channels: number): Float32Array {
  const frameBytes = BYTES[format] * channels;
  if (bytes.length === 0) throw new InvalidArgumentError('msg.payload is an empty Buffer: there is no audio in it');
  if (bytes.length % frameBytes !== 0) {
    throw new InvalidArgumentError(
      `msg.payload has ${bytes.length} bytes, which is not a whole number of ${channels}-channel ${format} frames ` +
        `(${frameBytes} bytes each). Check the node's format and channel count.`,
    );
  }
  // Copy into aligned memory: a Buffer may start at any byte offset. Not
  // bytes.slice(): on a Buffer that is a view, and .buffer the whole pool.
  const aligned = new Uint8Array(bytes).buffer;
  if (format === 'float32') return new Float32Array(aligned);
  const ints = format === 'int16' ? new Int16Array(aligned) : new Int32Array(aligned);
  const scale = format === 'int16' ? 1 / 32768 : 1 / 2147483648;
  const out = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) out[i] = ints[i] * scale;
  return out;
}

export function decodePayload(payload: unknown, how: PayloadFormat): AudioData {
  // A function node runs in its own vm context: its `new Float32Array()` is not
  // an instance of ours. View the same memory through this realm's constructor.
  if (types.isFloat32Array(payload) && !(payload instanceof Float32Array)) {
    const foreign = payload as Float32Array;
    payload = new Float32Array(foreign.buffer, foreign.byteOffset, foreign.length);
  }
  if (payload instanceof Float32Array) {
    if (payload.length % how.channels !== 0) {
      throw new InvalidArgumentError(
        `msg.payload has ${payload.length} samples, not a whole number of ${how.channels}-channel frames`,
      );
    }
    return { samples: payload, channels: how.channels };
  }
  if (payload instanceof Uint8Array) {
    if (isWav(payload)) return decodeWav(payload, how.sampleRate, how.resample);
    return { samples: decodeRaw(payload, how.format, how.channels), channels: how.channels };
  }
  throw new InvalidArgumentError(
    `msg.payload must be a Float32Array of samples, a Buffer of raw ${how.format} PCM, or the bytes of a WAV file; got ${describeValue(payload)}`,
  );
}
