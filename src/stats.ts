// The callback's statistics, in units a person reads: seconds and fractions.
import { Levels, levelsFromSums } from './levels';
import type { NativeStats } from './native';

/**
 * Level meters (Levels): `outputPeak`, `outputRms`, `inputPeak`, `inputRms`, one dBFS value per
 * channel over the same frames as the rest (the output measured after the mix is clamped, as the
 * device gets it; floor LEVEL_FLOOR_DBFS = -120 for silence); `levelSums` holds the raw figures.
 */
export interface Stats extends Levels {
  /** Callback blocks since the last fetch (the block that ran the fetch included). */
  blocks: number;
  frames: number;
  /** The frames these stats cover, [startFrame, endFrame) on the mixer clock: consecutive fetches tile it. */
  startFrame: number;
  endFrame: number;
  minBlockSize: number;
  maxBlockSize: number;
  /** PortAudio's status flags, counted per block. */
  inputUnderflows: number;
  inputOverflows: number;
  outputUnderflows: number;
  outputOverflows: number;
  outputPriming: number;
  /** Blocks that carried any under/overflow flag (JACK flags one xrun both ways: counted once). */
  xruns: number;
  /** Output samples the mix clamped to [-1, 1] (it clips, never wraps). */
  clippedSamples: number;
  /** Callback duration in seconds. */
  callbackDuration: { min: number; mean: number; max: number };
  /** Callback duration as a fraction of the block period (1 = all the time there is). */
  cpuLoad: { mean: number; max: number };
  lateStarts: number;
  droppedStarts: number;
  /** Frames of silence played because a ring buffer ran dry, over all actions. */
  underflowFrames: number;
  /** Frames a record ring buffer had no room for, over all actions. */
  overflowFrames: number;
  activeActions: number;
  maxActiveActions: number;
}

export function statsFromNative(s: NativeStats, sampleRate: number): Stats {
  const meanNs = s.blocks ? s.callbackNsSum / s.blocks : 0;
  const meanPeriodNs = s.blocks ? (s.frames / s.blocks / sampleRate) * 1e9 : 0;
  return {
    blocks: s.blocks,
    frames: s.frames,
    startFrame: s.firstFrame,
    endFrame: s.endFrame,
    minBlockSize: s.minBlockFrames,
    maxBlockSize: s.maxBlockFrames,
    inputUnderflows: s.inputUnderflows,
    inputOverflows: s.inputOverflows,
    outputUnderflows: s.outputUnderflows,
    outputOverflows: s.outputOverflows,
    outputPriming: s.outputPriming,
    xruns: s.xrunBlocks,
    clippedSamples: s.clippedSamples,
    callbackDuration: { min: s.callbackNsMin / 1e9, mean: meanNs / 1e9, max: s.callbackNsMax / 1e9 },
    cpuLoad: { mean: meanPeriodNs ? meanNs / meanPeriodNs : 0, max: s.loadMax },
    lateStarts: s.lateStarts,
    droppedStarts: s.droppedStarts,
    underflowFrames: s.actionUnderflowFrames,
    overflowFrames: s.actionOverflowFrames,
    activeActions: s.activeActions,
    maxActiveActions: s.maxActiveActions,
    ...levelsFromSums({
      frames: s.frames, outputPeak: s.outputPeak, outputSumSquares: s.outputSumSquares, inputPeak: s.inputPeak, inputSumSquares: s.inputSumSquares,
    }),
  };
}
