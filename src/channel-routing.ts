// Which mixer outputs a sound's channels go to: the node's (or msg's) outputs
// list, or the automatic rule; a mono sound sent to several outputs is
// duplicated here, because the mixer maps each source channel to one output.
import { InvalidArgumentError } from './errors';
import { allChannels } from './validate';

export interface RoutedAudio {
  /** Interleaved samples, one column per entry of `outputs`. */
  samples: Float32Array;
  /** 1-based output channel for each column. */
  outputs: number[];
}

export interface ChannelRoute {
  /** 1-based output channel for each column the mixer is given. */
  outputs: number[];
  /** True when a mono sound must be copied into `outputs.length` columns first. */
  duplicate: boolean;
}

/**
 * Automatic (outputs undefined): as many channels as the mixer -> 1..n; mono ->
 * every output; fewer -> 1..k; more -> an error naming `setting`.
 * Explicit: one output per channel, or a mono sound on every listed output.
 */
export function planRoute(channels: number, outputs: number[] | undefined, mixerOutputs: number, setting: string): ChannelRoute {
  if (outputs === undefined) {
    if (channels === 1 && mixerOutputs > 1) return { outputs: allChannels(mixerOutputs), duplicate: true };
    if (channels <= mixerOutputs) return { outputs: allChannels(channels), duplicate: false };
    throw new InvalidArgumentError(
      `The sound has ${channels} channels but the mixer has only ${mixerOutputs} outputs: list an output for each channel ` +
        `in the node's Outputs setting or msg.outputs (e.g. "${example(channels, mixerOutputs)}"; channels sent to the same output are mixed)`,
    );
  }
  if (channels === outputs.length) return { outputs, duplicate: false };
  if (channels === 1) return { outputs, duplicate: true };
  throw new InvalidArgumentError(
    `The sound has ${channels} channels but ${setting} lists ${outputs.length} output${outputs.length === 1 ? '' : 's'} ` +
      `(${outputs.join(',')}): give one output channel per sound channel, or leave Outputs empty for the automatic choice`,
  );
}

/** planRoute() applied to the samples: a mono sound bound for several outputs comes back duplicated. */
export function routeChannels(samples: Float32Array, channels: number, outputs: number[] | undefined, mixerOutputs: number, setting: string): RoutedAudio {
  const route = planRoute(channels, outputs, mixerOutputs, setting);
  return { samples: route.duplicate ? duplicateMono(samples, route.outputs.length) : samples, outputs: route.outputs };
}

/** "1,2,1,2" for 4 channels on 2 outputs. */
function example(channels: number, outputs: number): string {
  return Array.from({ length: channels }, (_, i) => (i % Math.max(1, outputs)) + 1).join(',');
}

/** One column copied into `n` interleaved columns. */
export function duplicateMono(mono: Float32Array, n: number): Float32Array {
  const out = new Float32Array(mono.length * n);
  for (let i = 0, o = 0; i < mono.length; i++) {
    const s = mono[i];
    for (let c = 0; c < n; c++) out[o++] = s;
  }
  return out;
}
