// The config node's editor fields (strings) as validated Mixer options.
import type { MixerOptions } from '../../src/index';
import { optionalNumber } from './msg-options';
import type { NodeDefinition } from './red-types';

export interface ConfigDefinition extends NodeDefinition {
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

/** The editor's strings as Mixer options; a bad value throws before any device is touched. */
export function mixerOptionsFrom(def: ConfigDefinition): MixerOptions {
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
