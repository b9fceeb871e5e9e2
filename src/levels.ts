// Level meters: the callback measures, per channel, the peak and the sum of
// squares of the mixed output and of the inputs over each stats window. Here
// they become dBFS, and two windows combine exactly (peaks by max, RMS from
// the summed squares and frames), as the Node-RED stats node needs.

/** The dBFS reported for silence and anything quieter: a number survives JSON, -Infinity does not. */
export const LEVEL_FLOOR_DBFS = -120;

/** The meters' raw figures over a window, one entry per channel (peaks linear, 1 = full scale). */
export interface LevelSums {
  /** Frames the sums cover. */
  frames: number;
  outputPeak: number[];
  outputSumSquares: number[];
  inputPeak: number[];
  inputSumSquares: number[];
}

/** Levels per channel in dBFS (0 = full scale; at least LEVEL_FLOOR_DBFS). */
export interface Levels {
  outputPeak: number[];
  outputRms: number[];
  inputPeak: number[];
  inputRms: number[];
  /** The raw figures these come from: what windows combine by (mergeLevels). */
  levelSums: LevelSums;
}

/** A linear amplitude (1 = full scale) in dBFS, floored at LEVEL_FLOOR_DBFS. */
export function toDbfs(linear: number): number {
  return linear > 0 ? Math.max(LEVEL_FLOOR_DBFS, 20 * Math.log10(linear)) : LEVEL_FLOOR_DBFS;
}

export function levelsFromSums(sums: LevelSums): Levels {
  const rms = (squares: number[]) => squares.map((sq) => toDbfs(sums.frames > 0 ? Math.sqrt(sq / sums.frames) : 0));
  return {
    outputPeak: sums.outputPeak.map(toDbfs),
    outputRms: rms(sums.outputSumSquares),
    inputPeak: sums.inputPeak.map(toDbfs),
    inputRms: rms(sums.inputSumSquares),
    levelSums: sums,
  };
}

/** The levels of a window with no blocks. */
export function emptyLevels(): Levels {
  return levelsFromSums({ frames: 0, outputPeak: [], outputSumSquares: [], inputPeak: [], inputSumSquares: [] });
}

const combine = (a: number[], b: number[], f: (x: number, y: number) => number) =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) => f(a[i] ?? 0, b[i] ?? 0));

/** The levels over two consecutive windows: what one fetch over both would have reported. */
export function mergeLevels(a: { levelSums: LevelSums }, b: { levelSums: LevelSums }): Levels {
  const x = a.levelSums, y = b.levelSums;
  const add = (p: number, q: number) => p + q;
  return levelsFromSums({
    frames: x.frames + y.frames,
    outputPeak: combine(x.outputPeak, y.outputPeak, Math.max),
    outputSumSquares: combine(x.outputSumSquares, y.outputSumSquares, add),
    inputPeak: combine(x.inputPeak, y.inputPeak, Math.max),
    inputSumSquares: combine(x.inputSumSquares, y.inputSumSquares, add),
  });
}
