// Little-endian PCM bytes to float samples in [-1, 1): the one place the nodes
// decode raw sample data (payload Buffers, streamed chunks, WAV data chunks).
import { InvalidArgumentError } from '../../src/index';

export type RawFormat = 'float32' | 'int16' | 'int32';
export const RAW_FORMATS: readonly RawFormat[] = ['float32', 'int16', 'int32'];

/** Every little-endian sample encoding the nodes decode (the raw-PCM setting offers RAW_FORMATS). */
export type SampleFormat = RawFormat | 'int24';
export const SAMPLE_BYTES: Record<SampleFormat, number> = { float32: 4, int16: 2, int24: 3, int32: 4 };

/** Raw little-endian PCM to float samples in [-1, 1). */
export function decodeRaw(bytes: Uint8Array, format: SampleFormat, channels: number): Float32Array {
  const frameBytes = SAMPLE_BYTES[format] * channels;
  if (bytes.length === 0) throw new InvalidArgumentError('msg.payload is an empty Buffer: there is no audio in it');
  if (bytes.length % frameBytes !== 0) {
    throw new InvalidArgumentError(
      `msg.payload has ${bytes.length} bytes, which is not a whole number of ${channels}-channel ${format} frames ` +
        `(${frameBytes} bytes each). Check the node's format and channel count.`,
    );
  }
  if (format === 'int24') return decodeInt24(bytes);
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

function decodeInt24(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 3);
  for (let i = 0, b = 0; i < out.length; i++, b += 3) {
    // Sign-extend the top byte: << 8 >> 8 does that on the 24-bit value.
    out[i] = (((bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16)) << 8) >> 8) / 8388608;
  }
  return out;
}
