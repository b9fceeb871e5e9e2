// PortAudio's per-block status flags, turned into 'xrun' events.
export type XrunKind = 'inputUnderflow' | 'inputOverflow' | 'outputUnderflow' | 'outputOverflow' | 'primingOutput';

export interface XrunEvent {
  /** First frame of the block that carried the flags (mixer clock). */
  frame: number;
  /** frame in seconds */
  time: number;
  kinds: XrunKind[];
}

const FLAGS: [number, XrunKind][] = [
  [0x1, 'inputUnderflow'],
  [0x2, 'inputOverflow'],
  [0x4, 'outputUnderflow'],
  [0x8, 'outputOverflow'],
  [0x10, 'primingOutput'],
];

export function xrunEventFrom(frame: number, flags: number, sampleRate: number): XrunEvent {
  return { frame, time: frame / sampleRate, kinds: FLAGS.filter(([bit]) => flags & bit).map(([, kind]) => kind) };
}
