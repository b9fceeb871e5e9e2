// Options that shape a sound inside the callback: fades, loops, gain ramps.
// Durations are seconds (a number) or exact frames ({ frames: n }).
import { InvalidArgumentError } from './errors';
import { limits } from './limits';
import { describeValue, requireInteger } from './validate';

export type Duration = number | { frames: number };

/** Longest fade or ramp, in frames (RTM_MAX_SHAPE_FRAMES in native/core/rtm_contract.h: the core counts them in 32 bits). */
export const MAX_SHAPE_FRAMES = 2 ** 31 - 1;
export type FadeCurve = 'linear' | 'equal-power';

export interface ShapeOptions {
  /** Fade-in length. */
  fadeIn?: Duration;
  /** Fade-out length, ending on the sound's last frame (loops included). */
  fadeOut?: Duration;
  /** Fade curve, default 'linear'. 'equal-power' is sin(t·π/2). */
  curve?: FadeCurve;
  /** true: loop until cancelled; n: play the loop region n more times. */
  loop?: number | boolean;
  /** Loop region [loopStart, loopEnd) in frames; default the whole sound. */
  loopStart?: number;
  loopEnd?: number;
}

export interface NativeShape {
  fadeIn: number;
  fadeOut: number;
  curve: number;
  loops: number;
  loopStart: number;
  loopEnd: number;
}

/** The option names that shape a play() sound (fades, loops). */
export const SHAPE_OPTIONS = ['fadeIn', 'fadeOut', 'curve', 'loop', 'loopStart', 'loopEnd'] as const;

/** Frames of a fade or ramp, at most MAX_SHAPE_FRAMES (12.4 hours at 48 kHz). */
export function durationToFrames(name: string, value: Duration | undefined, sampleRate: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError(`${name} must be seconds >= 0 or { frames: n }, got ${describeValue(value)}`);
    }
    const frames = Math.round(value * sampleRate);
    if (frames > MAX_SHAPE_FRAMES) {
      throw new InvalidArgumentError(`${name} of ${value} s is ${frames} frames; the most is ${MAX_SHAPE_FRAMES} (${(MAX_SHAPE_FRAMES / sampleRate / 3600).toFixed(1)} h)`);
    }
    return frames;
  }
  if (typeof value === 'object' && value !== null && 'frames' in value) {
    return requireInteger(`${name}.frames`, value.frames, 0, MAX_SHAPE_FRAMES);
  }
  throw new InvalidArgumentError(`${name} must be seconds >= 0 or { frames: n }, got ${describeValue(value)}`);
}

export function curveCode(curve: unknown): number {
  if (curve === undefined || curve === 'linear') return 0;
  if (curve === 'equal-power') return 1;
  throw new InvalidArgumentError(`curve must be 'linear' or 'equal-power', got ${describeValue(curve)}`);
}

export function shapeFor(options: ShapeOptions, frames: number, sampleRate: number): NativeShape {
  const fadeIn = durationToFrames('fadeIn', options.fadeIn, sampleRate);
  const fadeOut = durationToFrames('fadeOut', options.fadeOut, sampleRate);
  const loopStart = options.loopStart === undefined ? 0 : requireInteger('loopStart', options.loopStart, 0, frames - 1);
  const loopEnd = options.loopEnd === undefined ? frames : requireInteger('loopEnd', options.loopEnd, 1, frames);
  if (loopEnd <= loopStart) {
    throw new InvalidArgumentError(`loopEnd (${loopEnd}) must be after loopStart (${loopStart})`);
  }
  let loops = 0;
  if (options.loop === true) loops = -1;
  else if (options.loop === false || options.loop === undefined) loops = 0;
  else loops = requireInteger('loop', options.loop, 0, limits().maxLoops);
  if (loops === -1 && fadeOut > 0) {
    throw new InvalidArgumentError('fadeOut needs an end: a sound that loops forever fades out through cancel(action, { fadeOut })');
  }
  return { fadeIn, fadeOut, curve: curveCode(options.curve), loops, loopStart, loopEnd: loopEnd === frames ? 0 : loopEnd };
}
