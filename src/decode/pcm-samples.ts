// Whole frames of linear WAV samples (integer, float, A-law, µ-law) to
// interleaved float32, scaled as sox scales them: integers divided by 2^(bits-1)
// of their container, 8-bit unsigned around 128, floats as they are.
import { ALAW_TABLE, MULAW_TABLE } from './g711';
import { WavFormat } from './wav-format';

/** Decodes into `into` when given (at its start), else into a new array; returns the samples written. */
export function decodeLinear(bytes: Uint8Array, fmt: WavFormat, le: boolean, into?: Float32Array): Float32Array {
  const n = Math.floor(bytes.length / fmt.sampleBytes);
  const out = into ? into.subarray(0, n) : new Float32Array(n);
  switch (fmt.encoding) {
    case 'alaw':
      for (let i = 0; i < n; i++) out[i] = ALAW_TABLE[bytes[i]];
      return out;
    case 'mulaw':
      for (let i = 0; i < n; i++) out[i] = MULAW_TABLE[bytes[i]];
      return out;
    case 'float':
      return fmt.sampleBytes === 4 ? float32(bytes, n, le, out) : float64(bytes, n, le, out);
    default:
      return integer(bytes, n, fmt.sampleBytes, le, out);
  }
}

/** A typed-array view when the bytes are aligned and little-endian (the common case, no per-sample calls). */
function aligned(bytes: Uint8Array, width: number, le: boolean): boolean {
  return le && bytes.byteOffset % width === 0;
}

function integer(bytes: Uint8Array, n: number, width: number, le: boolean, out: Float32Array): Float32Array {
  if (width === 1) {
    for (let i = 0; i < n; i++) out[i] = (bytes[i] - 128) / 128; // 8-bit WAV is unsigned
  } else if (width === 2) {
    if (aligned(bytes, 2, le)) {
      const s = new Int16Array(bytes.buffer, bytes.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = s[i] / 32768;
    } else {
      const v = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
      for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, le) / 32768;
    }
  } else if (width === 3) {
    const [lo, hi] = le ? [0, 2] : [2, 0];
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      // (hi << 24) >> 8 sign-extends the top byte.
      out[i] = ((((bytes[j + hi] << 24) >> 8) | (bytes[j + 1] << 8) | bytes[j + lo]) / 8388608);
    }
  } else if (aligned(bytes, 4, le)) {
    const s = new Int32Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = s[i] / 2147483648;
  } else {
    const v = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
    for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, le) / 2147483648;
  }
  return out;
}

function float32(bytes: Uint8Array, n: number, le: boolean, out: Float32Array): Float32Array {
  if (aligned(bytes, 4, le)) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
  } else {
    const v = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
    for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, le);
  }
  return out;
}

function float64(bytes: Uint8Array, n: number, le: boolean, out: Float32Array): Float32Array {
  if (aligned(bytes, 8, le)) {
    out.set(new Float64Array(bytes.buffer, bytes.byteOffset, n));
  } else {
    const v = new DataView(bytes.buffer, bytes.byteOffset, n * 8);
    for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, le);
  }
  return out;
}
