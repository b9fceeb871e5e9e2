// The stats node's view of the mixer's statistics. Every fetch resets the
// core's counters and hands the same snapshot to every listener, so each
// stats node adds the snapshots it is given into its own window (counts add,
// minima and maxima combine, means are weighted by blocks) and takes the
// window when it reports; running totals add up the windows. Xruns flagged
// while the stream settles (a snapshot that starts in its first
// STARTUP_SECONDS) are counted apart, as startupXruns: JACK and ALSA report
// some right after a stream opens, and they are no sign of an overload.
import { emptyLevels, mergeLevels } from './levels';
import type { Stats } from './stats';

export interface StatsTotals {
  xruns: number;
  inputUnderflows: number;
  inputOverflows: number;
  outputUnderflows: number;
  outputOverflows: number;
  lateStarts: number;
  droppedStarts: number;
  blocks: number;
  /** When the totals started: the node's deploy or its last msg.reset (ISO date). */
  since: string;
}

const SUMMED = [
  'blocks', 'frames', 'inputUnderflows', 'inputOverflows', 'outputUnderflows', 'outputOverflows', 'outputPriming',
  'xruns', 'clippedSamples', 'lateStarts', 'droppedStarts', 'underflowFrames', 'overflowFrames',
] as const;

const TOTALLED = ['xruns', 'inputUnderflows', 'inputOverflows', 'outputUnderflows', 'outputOverflows', 'lateStarts', 'droppedStarts', 'blocks'] as const;

/** How long after a stream opens its xruns count as start-up xruns. */
export const STARTUP_SECONDS = 0.5;
const FLAGS = ['xruns', 'inputUnderflows', 'inputOverflows', 'outputUnderflows', 'outputOverflows'] as const;

/** A report: the window's stats, and the xruns of the stream's start-up it covered. */
export type StatsReport = Stats & { startupXruns: number };

export function emptyStats(): Stats {
  return {
    blocks: 0, frames: 0, startFrame: 0, endFrame: 0, minBlockSize: 0, maxBlockSize: 0, clippedSamples: 0,
    inputUnderflows: 0, inputOverflows: 0, outputUnderflows: 0, outputOverflows: 0, outputPriming: 0, xruns: 0,
    callbackDuration: { min: 0, mean: 0, max: 0 }, cpuLoad: { mean: 0, max: 0 },
    lateStarts: 0, droppedStarts: 0, underflowFrames: 0, overflowFrames: 0, activeActions: 0, maxActiveActions: 0, ...emptyLevels(),
  };
}

/** `b` merged into `a` (a new object): what one fetch over both periods would have returned. */
export function mergeStats(a: Stats, b: Stats): Stats {
  const out = { ...emptyStats(), ...mergeLevels(a, b) }; // meters: peaks by max, RMS from summed squares
  for (const key of SUMMED) out[key] = a[key] + b[key];
  // Minima and means only over windows that saw blocks (an empty one reports 0).
  const both = a.blocks > 0 && b.blocks > 0;
  const only = a.blocks > 0 ? a : b;
  out.minBlockSize = both ? Math.min(a.minBlockSize, b.minBlockSize) : only.minBlockSize;
  out.maxBlockSize = Math.max(a.maxBlockSize, b.maxBlockSize);
  out.startFrame = a.blocks > 0 ? a.startFrame : b.startFrame;
  out.endFrame = b.blocks > 0 ? b.endFrame : a.endFrame;
  const weighted = (x: number, y: number) => (out.blocks > 0 ? (x * a.blocks + y * b.blocks) / out.blocks : 0);
  out.callbackDuration = {
    min: both ? Math.min(a.callbackDuration.min, b.callbackDuration.min) : only.callbackDuration.min,
    mean: weighted(a.callbackDuration.mean, b.callbackDuration.mean),
    max: Math.max(a.callbackDuration.max, b.callbackDuration.max),
  };
  out.cpuLoad = { mean: weighted(a.cpuLoad.mean, b.cpuLoad.mean), max: Math.max(a.cpuLoad.max, b.cpuLoad.max) };
  // A level, not a count: the latest snapshot's.
  out.activeActions = b.activeActions;
  out.maxActiveActions = Math.max(a.maxActiveActions, b.maxActiveActions);
  return out;
}

export class StatsWindow {
  private window: Stats = emptyStats();
  private startupXruns = 0;
  private sums: StatsTotals = StatsWindow.zeroTotals();

  private static zeroTotals(): StatsTotals {
    return {
      xruns: 0, inputUnderflows: 0, inputOverflows: 0, outputUnderflows: 0, outputOverflows: 0,
      lateStarts: 0, droppedStarts: 0, blocks: 0, since: new Date().toISOString(),
    };
  }

  /** A snapshot from the config node (arrow function: passed as the listener). */
  readonly add = (stats: Stats, sampleRate = 0): void => {
    if (stats.startFrame < STARTUP_SECONDS * sampleRate) {
      this.startupXruns += stats.xruns;
      stats = { ...stats };
      for (const key of FLAGS) stats[key] = 0;
    }
    this.window = mergeStats(this.window, stats);
  };

  /** The window since the last take (added to the totals), and a new empty one. */
  take(): StatsReport {
    const taken = { ...this.window, startupXruns: this.startupXruns };
    this.window = emptyStats();
    this.startupXruns = 0;
    for (const key of TOTALLED) this.sums[key] += taken[key];
    return taken;
  }

  get totals(): StatsTotals {
    return { ...this.sums };
  }

  /** Drops the window and zeroes the totals (msg.reset). */
  reset(): void {
    this.window = emptyStats();
    this.startupXruns = 0;
    this.sums = StatsWindow.zeroTotals();
  }
}
