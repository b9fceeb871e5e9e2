// Node settings and their msg overrides: the editor saves strings, messages
// carry numbers or arrays; both go through the same checks.
import { describeValue, InvalidArgumentError, detectSoundFormat, Mixer, SAMPLE_BYTES, SampleFormat } from '../../src/index';
import type { NodeMessage } from './red-types';

/** The highest gain a node accepts (a setting or msg.gain). */
export const MAX_GAIN = 100;

/** '1,2' / '1 2' / [1, 2] / 1 -> [1, 2]; '' or undefined -> undefined (automatic). */
export function channelList(name: string, value: unknown): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'number' ? [value] : typeof value === 'string' ? value.split(/[\s,;]+/).filter(Boolean) : null;
  if (!items || items.length === 0) {
    throw new InvalidArgumentError(`${name} must list 1-based channel numbers like "1,2", got ${describeValue(value)}`);
  }
  return items.map((item) => {
    const n = typeof item === 'string' ? Number(item) : item;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must list 1-based channel numbers like "1,2", got ${describeValue(value)}`);
    }
    return n;
  });
}

/** A number from the editor (string) or a message; '' or undefined -> undefined. */
export function optionalNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(`${name} must be a number ${range}, got ${describeValue(value)}`);
  }
  return n;
}

/** Throws when a listed 1-based channel is not one the mixer has in that direction. */
export function requireChannelsWithin(list: number[], available: number, setting: string, direction: 'input' | 'output'): void {
  for (const channel of list) {
    if (channel > available) {
      throw new InvalidArgumentError(
        `${setting} lists ${direction} channel ${channel}, but the mixer has ${available} ${direction} channel${available === 1 ? '' : 's'} ` +
          `(1 to ${available})`,
      );
    }
  }
}

/** A count of interleaved channels (1 to 64); '' or undefined -> undefined. */
export function channelCount(name: string, value: unknown): number | undefined {
  const n = optionalNumber(name, value, 1, 64);
  if (n !== undefined && !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number of channels from 1 to 64, got ${describeValue(value)}`);
  return n;
}

/** The first of `values` that is set (msg override before node setting). */
export function firstSet<T>(...values: (T | undefined | null | '')[]): T | undefined {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v as T;
  return undefined;
}

/**
 * The start frame a message asks for: msg.at (a frame on the mixer's clock)
 * or msg.delay (milliseconds from now); undefined = as soon as possible.
 */
export function startFrame(msg: NodeMessage, mixer: Mixer): number | undefined {
  if (msg.at !== undefined && msg.delay !== undefined) throw new InvalidArgumentError('Give msg.at or msg.delay, not both');
  if (msg.at !== undefined) {
    if (typeof msg.at !== 'number' || !Number.isInteger(msg.at) || msg.at < 0) {
      throw new InvalidArgumentError(`msg.at must be a frame number (an integer >= 0 on the mixer's clock), got ${describeValue(msg.at)}`);
    }
    return msg.at;
  }
  const delay = optionalNumber('msg.delay (ms)', msg.delay, 0, 3600e3);
  return delay === undefined ? undefined : mixer.currentFrame + Math.round((delay / 1000) * mixer.sampleRate);
}

/** The message a node sends on, with a new payload and without the audio it came with. */
export function reply(msg: NodeMessage, payload: unknown, extra: Record<string, unknown> = {}): NodeMessage {
  return { ...msg, ...extra, payload };
}

/**
 * What a refused message's audio was (format, frames, channels): Catch nodes
 * get this instead of a deep copy of the audio.
 */
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

/** msg.outputs / msg.inputs, else the node's setting; checked against the mixer's channels. `name` is what errors call it. */
export function channelsFor(msg: NodeMessage, key: 'outputs' | 'inputs', setting: number[] | undefined, available: number): { list?: number[]; name: string } {
  const fromMsg = msg[key] !== undefined && msg[key] !== null && msg[key] !== '';
  const name = fromMsg ? `msg.${key}` : key === 'outputs' ? "the node's Outputs setting" : 'inputs';
  const list = fromMsg ? channelList(name, msg[key]) : setting;
  if (list) requireChannelsWithin(list, available, name, key === 'outputs' ? 'output' : 'input');
  return { list, name };
}

/** A choice from the editor: one of `allowed`, '' or undefined -> the first. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (value === undefined || value === '') return allowed[0];
  if (allowed.includes(value as T)) return value as T;
  throw new InvalidArgumentError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`);
}

/** Raw PCM encodings the play nodes offer for Buffers. */
export const RAW_FORMATS = ['float32', 'int16', 'int32'] as const;
