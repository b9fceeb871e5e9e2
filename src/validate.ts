// Argument checks shared by the Mixer and RingBuffer: each throws an
// InvalidArgumentError that says what was wrong and what is allowed.
import { InvalidArgumentError } from './errors';
import { limits } from './limits';

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'an Array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return typeof value;
}

export function requireFloat32Array(name: string, value: unknown): Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new InvalidArgumentError(
      `${name} must be a Float32Array of interleaved samples, got ${describeValue(value)}` +
        (Buffer.isBuffer(value) ? ' (convert raw PCM with new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4))' : ''),
    );
  }
  return value;
}

export function requireInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(`${name} must be an integer ${range}, got ${describeValue(value)}`);
  }
  return value;
}

export function requireFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${name} must be a finite number, got ${describeValue(value)}`);
  }
  return value;
}

export function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** Throws at the first NaN or ±Infinity: one would poison the whole mix. */
export function requireFiniteSamples(name: string, samples: Float32Array): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s - s !== 0) {
      throw new InvalidArgumentError(`${name} contains a non-finite sample (${s}) at index ${i}: every sample must be a finite number`);
    }
  }
}

/**
 * 1-based stream channels -> 0-based indices. `available` is the stream's
 * channel count in that direction.
 */
export function channelMap(name: string, channels: unknown, available: number): number[] {
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty array of channel numbers (1 to ${available}), got ${describeValue(channels)}`);
  }
  if (channels.length > 64) throw new InvalidArgumentError(`${name} may list at most 64 channels, got ${channels.length}`);
  // Every index, holes included (Array.prototype.map would skip them).
  const map: number[] = [];
  for (let i = 0; i < channels.length; i++) {
    const c: unknown = channels[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > available) {
      const got = i in channels ? describeValue(c) : 'nothing (a hole in a sparse array)';
      throw new InvalidArgumentError(
        `${name}[${i}] must be a channel number from 1 to ${available} (this stream has ${available}), got ${got}`,
      );
    }
    map.push(c - 1);
  }
  return map;
}

/** A linear gain: finite, from 0 to limits().maxGain (100, +40 dB), the same bound everywhere. */
export function requireGain(name: string, value: unknown): number {
  const max = limits().maxGain;
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) {
    throw new InvalidArgumentError(`${name} must be a linear gain from 0 to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * `options` must be an object (or undefined) with no key outside `allowed`: a
 * typo such as `fadeout` is an error, not an option silently ignored.
 */
export function requireOptions<T extends object>(what: string, options: T | undefined, allowed: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`The options of ${what} must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find((k) => k.toLowerCase() === key.toLowerCase());
    throw new InvalidArgumentError(
      `Unknown option "${key}" for ${what}${near ? ` (did you mean "${near}"?)` : ''}. Allowed: ${allowed.join(', ')}`,
    );
  }
  return options;
}

/** 1..n */
export function allChannels(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
