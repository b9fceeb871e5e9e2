// Turns the user's Mixer options into a validated native stream configuration.
import { resolveDevice, resolveHostApi, DeviceSelector, DeviceInfo, DeviceListing } from './devices';
import { InvalidArgumentError } from './errors';
import type { NativeStreamConfig } from './native';
import { describeValue, requireInteger } from './validate';

export interface MixerOptions {
  /** Device for both directions: an index or a case-insensitive name substring. */
  device?: DeviceSelector;
  inputDevice?: DeviceSelector;
  outputDevice?: DeviceSelector;
  /** Restricts device lookup to one host API (index or name substring, e.g. "JACK", "ALSA"). */
  hostApi?: DeviceSelector;
  /** Hz; default: the output device's default rate. */
  sampleRate?: number;
  /** Frames per callback; 0 (default) lets the host choose. */
  blockSize?: number;
  /** 'low' (default), 'high', or a suggested latency in seconds. */
  latency?: 'low' | 'high' | number;
  /** Default: up to 2, as the device allows. 0 makes an output-only stream. */
  inputChannels?: number;
  /** Default: up to 2, as the device allows. 0 makes an input-only stream. */
  outputChannels?: number;
  /** Most actions in flight at once (default 1024). */
  queueSize?: number;
}

export interface ResolvedStream {
  config: NativeStreamConfig;
  inputDevice?: DeviceInfo;
  outputDevice?: DeviceInfo;
}

const KNOWN_OPTIONS = new Set([
  'device', 'inputDevice', 'outputDevice', 'hostApi', 'sampleRate', 'blockSize', 'latency',
  'inputChannels', 'outputChannels', 'queueSize',
]);

function channelCount(name: string, value: unknown, device: DeviceInfo | undefined, max: number): number {
  if (value === undefined) return device ? Math.min(2, max) : 0;
  const n = requireInteger(name, value, 0, 64);
  if (n > max) {
    throw new InvalidArgumentError(
      `${name} is ${n}, but device "${device?.name}" has only ${max} ${name === 'inputChannels' ? 'input' : 'output'} channels`,
    );
  }
  return n;
}

function suggestedLatency(latency: unknown, device: DeviceInfo | undefined, dir: 'Input' | 'Output'): number {
  if (!device) return 0;
  if (latency === undefined || latency === 'low') return device[`defaultLow${dir}Latency`];
  if (latency === 'high') return device[`defaultHigh${dir}Latency`];
  if (typeof latency === 'number' && Number.isFinite(latency) && latency >= 0 && latency <= 10) return latency;
  throw new InvalidArgumentError(`latency must be 'low', 'high' or seconds from 0 to 10, got ${describeValue(latency)}`);
}

/** Resolves `options` against a device listing (PortAudio's, as of its last scan). */
export function resolveStream(options: MixerOptions, listing: DeviceListing): ResolvedStream {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Mixer options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new InvalidArgumentError(`Unknown Mixer option "${key}". Known options: ${[...KNOWN_OPTIONS].join(', ')}`);
    }
  }
  const { hostApis, devices } = listing;
  const hostApi = options.hostApi === undefined ? undefined : resolveHostApi(options.hostApi, hostApis);
  const wantsInput = options.inputChannels !== 0;
  const wantsOutput = options.outputChannels !== 0;
  if (!wantsInput && !wantsOutput) {
    throw new InvalidArgumentError('inputChannels and outputChannels are both 0: a stream needs at least one direction');
  }
  const outputDevice = wantsOutput
    ? resolveDevice(options.outputDevice ?? options.device, 'output', hostApi, devices, hostApis)
    : undefined;
  // Without an explicit choice, input follows the output device when it can record.
  let inputDevice: DeviceInfo | undefined;
  if (wantsInput) {
    const selector = options.inputDevice ?? options.device;
    if (selector === undefined && outputDevice && outputDevice.maxInputChannels > 0) inputDevice = outputDevice;
    else if (selector !== undefined || options.inputChannels !== undefined) {
      inputDevice = resolveDevice(selector, 'input', hostApi, devices, hostApis);
    } else {
      try {
        inputDevice = resolveDevice(undefined, 'input', hostApi, devices, hostApis);
      } catch {
        inputDevice = undefined; // output-only machine: no input unless asked for
      }
    }
  }
  const inputChannels = channelCount('inputChannels', options.inputChannels, inputDevice, inputDevice?.maxInputChannels ?? 0);
  const outputChannels = channelCount('outputChannels', options.outputChannels, outputDevice, outputDevice?.maxOutputChannels ?? 0);
  const rateDevice = outputDevice ?? inputDevice;
  const sampleRate =
    options.sampleRate === undefined ? (rateDevice?.defaultSampleRate ?? 48000) : options.sampleRate;
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate < 1000 || sampleRate > 768000) {
    throw new InvalidArgumentError(`sampleRate must be a number of Hz from 1000 to 768000, got ${describeValue(sampleRate)}`);
  }
  const blockSize = options.blockSize === undefined ? 0 : requireInteger('blockSize', options.blockSize, 0, 65536);
  const queueSize = options.queueSize === undefined ? 1024 : requireInteger('queueSize', options.queueSize, 1, 1 << 20);
  return {
    inputDevice: inputChannels ? inputDevice : undefined,
    outputDevice: outputChannels ? outputDevice : undefined,
    config: {
      inputDevice: inputChannels && inputDevice ? inputDevice.index : -1,
      outputDevice: outputChannels && outputDevice ? outputDevice.index : -1,
      inputChannels,
      outputChannels,
      sampleRate,
      blockSize,
      inputLatency: suggestedLatency(options.latency, inputDevice, 'Input'),
      outputLatency: suggestedLatency(options.latency, outputDevice, 'Output'),
      queueCapacity: queueSize,
    },
  };
}
