// A short sine on one output channel, so that an installer can tell which
// speaker is which output.
import type { Action } from './action';
import type { Mixer } from './mixer';
import { requireInteger } from './validate';

export interface TestToneOptions {
  /** Hz (default 1000). */
  frequency?: number;
  /** Seconds (default 0.5). */
  seconds?: number;
  /** Peak level in dBFS (default -12). */
  level?: number;
}

/** Plays the tone on the 1-based output `channel`, with 10 ms fades so it does not click. */
export function playTestTone(mixer: Mixer, channel: unknown, { frequency = 1000, seconds = 0.5, level = -12 }: TestToneOptions = {}): Action {
  const out = requireInteger('channel', channel, 1, Math.max(1, mixer.outputChannels));
  const amplitude = 10 ** (level / 20);
  const tone = new Float32Array(Math.round(seconds * mixer.sampleRate));
  for (let i = 0; i < tone.length; i++) tone[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / mixer.sampleRate);
  return mixer.play(tone, { channels: [out], fadeIn: 0.01, fadeOut: 0.01 });
}
