// msg.payload as audio: a Float32Array of interleaved samples, a Buffer of raw
// PCM in the node's format, or the bytes of a WAV file (detected by its header).
import { types } from 'node:util';
import { InvalidArgumentError } from '../../src/index';
import { describeValue } from '../../src/validate';
import { decodeRaw, RAW_FORMATS, RawFormat } from './pcm-samples';
import { decodeWav, isWav } from './wav';

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

export function requireRawFormat(value: unknown): RawFormat {
  if (typeof value === 'string' && (RAW_FORMATS as readonly string[]).includes(value)) return value as RawFormat;
  throw new InvalidArgumentError(`format must be one of ${RAW_FORMATS.join(', ')}, got ${describeValue(value)}`);
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
