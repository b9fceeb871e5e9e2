// Settings given as text (an editor's fields, a config file) or as message
// values, checked with the same rules: each bad value throws an
// InvalidArgumentError that names the setting, the allowed range and the value.
import { InvalidArgumentError } from './errors';
import type { MixerOptions } from './mixer-options';
import { SAMPLE_BYTES, SampleFormat } from './pcm';
import { detectSoundFormat } from './decode';
import { describeValue } from './validate';

/** Raw PCM encodings a Buffer of samples may be in. */
export const RAW_FORMATS = ['float32', 'int16', 'int32'] as const;

/** '1,2' / '1 2' / [1, 2] / 1 -> [1, 2]; '' or undefined -> undefined (automatic). */
export function channelList(name: string, value: unknown): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'number' ? [value] : typeof value === 'string' ? value.split(/[\s,;]+/).filter(Boolean) : null;
  const bad = () => new InvalidArgumentError(`${name} must list 1-based channel numbers like "1,2", got ${describeValue(value)}`);
  if (!items || items.length === 0) throw bad();
  return items.map((item) => {
    const n = typeof item === 'string' ? Number(item) : item;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw bad();
    return n;
  });
}

/** A number as text or a number; '' or undefined -> undefined. */
export function optionalNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(`${name} must be a number ${range}, got ${describeValue(value)}`);
  }
  return n;
}

/** A number > 0 and <= max, as text or a number (required). */
export function positiveNumber(name: string, value: unknown, max: number, unit: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > max) {
    throw new InvalidArgumentError(`${name} must be a number of ${unit} greater than 0 and at most ${max}, got ${describeValue(value)}`);
  }
  return n;
}

/** Throws when a listed 1-based channel is not one the mixer has in that direction. */
export function requireChannelsWithin(list: number[], available: number, setting: string, direction: 'input' | 'output'): void {
  const channel = list.find((c) => c > available);
  if (channel === undefined) return;
  throw new InvalidArgumentError(
    `${setting} lists ${direction} channel ${channel}, but the mixer has ${available} ${direction} channel${available === 1 ? '' : 's'} (1 to ${available})`,
  );
}

/** A count of interleaved channels (1 to 64); '' or undefined -> undefined. */
export function channelCount(name: string, value: unknown): number | undefined {
  const n = optionalNumber(name, value, 1, 64);
  if (n !== undefined && !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number of channels from 1 to 64, got ${describeValue(value)}`);
  return n;
}

/** The first of `values` that is set (an override before a setting). */
export function firstSet<T>(...values: (T | undefined | null | '')[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v as T;
  return undefined;
}

/** A choice: one of `allowed`; '' or undefined -> the first. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (value === undefined || value === '') return allowed[0];
  if (allowed.includes(value as T)) return value as T;
  throw new InvalidArgumentError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`);
}

/** What a refused payload's audio was (format, frames, channels), to report instead of a copy of the audio. */
export function describePayload(payload: ArrayBufferView, format: SampleFormat = 'float32', channels = 1): string {
  const bytes = payload.byteLength;
  let what: string;
  const file = payload instanceof Uint8Array ? detectSoundFormat(payload) : undefined;
  if (file) what = `a${file === 'opus' ? 'n' : ''} ${file === 'vorbis' ? 'Ogg Vorbis' : file.toUpperCase()} file`;
  else if (payload instanceof Uint8Array) what = `${format} PCM, ${Math.floor(bytes / SAMPLE_BYTES[format] / channels)} frames × ${channels} channels`;
  else if (payload.constructor.name === 'Float32Array') what = `Float32Array, ${Math.floor(bytes / 4 / channels)} frames × ${channels} channels`;
  else what = payload.constructor.name;
  return `[audio not passed on: ${what}, ${bytes} bytes]`;
}

/** The fields of a mixer set up as text (all optional; '' = the default). */
export interface MixerTextOptions {
  device?: string;
  hostApi?: string;
  sampleRate?: string | number;
  blockSize?: string | number;
  latency?: string;
  inputChannels?: string | number;
  outputChannels?: string | number;
}

/** A device given as digits is an index; anything else a name substring. */
function selector(value: string | undefined): number | string | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Text fields as Mixer options; a bad value throws before any device is touched. */
export function mixerOptionsFromText(def: MixerTextOptions): MixerOptions {
  const options: MixerOptions = {};
  const device = selector(def.device);
  const hostApi = selector(def.hostApi);
  if (device !== undefined) options.device = device;
  if (hostApi !== undefined) options.hostApi = hostApi;
  const sampleRate = optionalNumber('Sample rate', def.sampleRate, 0);
  if (sampleRate) options.sampleRate = sampleRate;
  const blockSize = optionalNumber('Block size', def.blockSize, 0, 65536);
  if (blockSize !== undefined) options.blockSize = blockSize;
  const latency = (def.latency ?? '').trim();
  if (latency === 'low' || latency === 'high') options.latency = latency;
  else if (latency !== '') options.latency = optionalNumber('Latency (s)', latency, 0, 10);
  const inputs = optionalNumber('Input channels', def.inputChannels, 0, 64);
  const outputs = optionalNumber('Output channels', def.outputChannels, 0, 64);
  if (inputs !== undefined) options.inputChannels = inputs;
  if (outputs !== undefined) options.outputChannels = outputs;
  return options;
}
