// PortAudio's per-block status flags, turned into 'xrun' events.
import { STATUS_FLAGS, StatusFlagName } from './native';

export type XrunKind = StatusFlagName;

export interface XrunEvent {
  /** First frame of the block that carried the flags (mixer clock). */
  frame: number;
  /** frame in seconds */
  time: number;
  kinds: XrunKind[];
}

const FLAGS = Object.entries(STATUS_FLAGS).map(([kind, bit]) => [bit, kind as XrunKind] as const);

export function xrunEventFrom(frame: number, flags: number, sampleRate: number): XrunEvent {
  return { frame, time: frame / sampleRate, kinds: FLAGS.filter(([bit]) => flags & bit).map(([, kind]) => kind) };
}
