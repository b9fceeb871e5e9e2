// Play options as messages (Node-RED's msg, a JSON body) carry them: numbers
// or strings, msg.at / msg.delay, msg.loop... checked with errors that name
// the message property, then handed to play() as PlayOptions.
import { InvalidArgumentError } from './errors';
import type { PlayOptions } from './mixer';
import { optionalNumber } from './text-options';
import { describeValue } from './validate';

/** The highest gain a message or node setting accepts. */
export const MAX_GAIN = 100;
/** The longest fade a message or node setting accepts, in seconds. */
export const MAX_FADE_S = 3600;

/** What a message may carry; any other property is ignored. */
export type MessageFields = Record<string, unknown>;

/** The mixer's clock, to turn msg.delay into a start frame. */
export interface MixerClock {
  readonly currentFrame: number;
  readonly sampleRate: number;
}

/**
 * The start frame a message asks for: msg.at (a frame on the mixer's clock)
 * or msg.delay (milliseconds from now); undefined = as soon as possible.
 */
export function startFrame(msg: MessageFields, mixer: MixerClock): number | undefined {
  if (msg.at !== undefined && msg.delay !== undefined) throw new InvalidArgumentError('Give msg.at or msg.delay, not both');
  if (msg.at !== undefined) {
    if (typeof msg.at !== 'number' || !Number.isInteger(msg.at) || msg.at < 0) {
      throw new InvalidArgumentError(`msg.at must be a frame number (an integer >= 0 on the mixer's clock), got ${describeValue(msg.at)}`);
    }
    return msg.at;
  }
  const delay = optionalNumber('msg.delay (ms)', msg.delay, 0, 3600e3);
  return delay === undefined ? undefined : mixer.currentFrame + Math.round((delay / 1000) * mixer.sampleRate);
}

function loopOption(value: unknown): boolean | number | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidArgumentError(`msg.loop must be true (loop until msg.stop) or the number of extra passes (an integer >= 0), got ${describeValue(value)}`);
}

function frameOption(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidArgumentError(`${name} must be a frame index within the sound (an integer >= 0), got ${describeValue(value)}`);
}

/** The node's own settings that a message may override. */
export interface MessageDefaults {
  gain?: number;
  fadeIn?: number;
  fadeOut?: number;
}

/**
 * msg.gain, msg.fadeIn/fadeOut (s), msg.loop, msg.loopStart/loopEnd (frames)
 * and msg.at / msg.delay as PlayOptions (no channels). msg.at is exact (a start
 * that has passed is dropped with an error); msg.delay is relative to now, so a
 * few frames late beats not at all.
 */
export function messagePlayOptions(msg: MessageFields, mixer: MixerClock, defaults: MessageDefaults = {}): PlayOptions {
  const loop = loopOption(msg.loop);
  const fadeIn = msg.fadeIn !== undefined ? optionalNumber('msg.fadeIn (s)', msg.fadeIn, 0, MAX_FADE_S) : defaults.fadeIn;
  // A sound that loops until stopped has no end to fade out at: it fades out
  // when stopped, with the stop message's fadeOut, instead of the default.
  const fadeOut = msg.fadeOut !== undefined ? optionalNumber('msg.fadeOut (s)', msg.fadeOut, 0, MAX_FADE_S) : loop === true ? undefined : defaults.fadeOut;
  const options: PlayOptions = {
    gain: msg.gain !== undefined ? optionalNumber('msg.gain', msg.gain, 0, MAX_GAIN) : defaults.gain,
    fadeIn: fadeIn || undefined,
    fadeOut: fadeOut || undefined,
    loop,
    loopStart: frameOption('msg.loopStart', msg.loopStart),
    loopEnd: frameOption('msg.loopEnd', msg.loopEnd),
  };
  const at = startFrame(msg, mixer);
  if (at !== undefined) {
    options.at = at;
    options.allowBelated = msg.at === undefined;
  }
  return options;
}
