// What a mixer config node offers the nodes that use it. Kept apart from the
// node's implementation so user nodes depend on this contract only.
import type { Mixer, Stats } from '../../src/index';

export type MixerState = 'opening' | 'open' | 'error' | 'closed';

export interface MixerUser {
  readonly id: string;
  /** Called on every change of the shared stream's state (and once on registration). */
  mixerStateChanged(state: MixerState, error?: Error): void;
}

/** Gets every stats snapshot the config node fetches, with the stream's rate. */
export type StatsListener = (stats: Stats, sampleRate: number) => void;

export interface MixerConfigApi {
  readonly id: string;
  readonly state: MixerState;
  register(user: MixerUser): void;
  deregister(user: MixerUser): void;
  /** The open Mixer, or a thrown RtMixerError that says why there is none. */
  mixer(): Mixer;
  /** Fetches the stream's stats once and hands the snapshot to every listener. */
  refreshStats(): Promise<void>;
  addStatsListener(listener: StatsListener): void;
  removeStatsListener(listener: StatsListener): void;
}
