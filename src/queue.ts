// Gapless sequences: each item names its predecessor, and the callback starts
// it on the frame right after the predecessor ends, with no JavaScript at the
// seam. Items may be appended while the queue plays.
import type { Action, ActionResult } from './action';
import { InvalidArgumentError } from './errors';
import type { Mixer, PlayOptions, StartOptions } from './mixer';
import { Sound } from './sound';
import { describeValue } from './validate';

/** A sound (samples or a loaded Sound), or one with its own play options (everything but at/after). */
export type QueueItem = Float32Array | Sound | ({ samples: Float32Array | Sound } & Omit<PlayOptions, 'at' | 'after'>);

export class Queue {
  /** Every item's action, in order, appended ones included. */
  readonly items: Action[] = [];

  /** @internal use mixer.queue() */
  constructor(private readonly mixer: Mixer, items: QueueItem[], private readonly start: StartOptions) {
    if (!Array.isArray(items)) throw new InvalidArgumentError(`queue() needs an array of sounds, got ${describeValue(items)}`);
    for (const item of items) this.append(item);
  }

  /** Adds an item after the last one; gapless if the last one is still playing or waiting. */
  append(item: QueueItem): Action {
    const { samples, options } = split(item);
    const last = this.items[this.items.length - 1];
    const action = last
      ? this.mixer.play(samples, { ...options, after: last })
      : this.mixer.play(samples, { ...options, at: this.start.at, allowBelated: this.start.allowBelated });
    this.items.push(action);
    return action;
  }

  /** Settles when every item so far has. */
  get done(): Promise<ActionResult[]> {
    return Promise.all(this.items.map((a) => a.done));
  }

  /** Cancels every item not yet finished (the playing one may fade out). */
  cancel(options: { at?: number; fadeOut?: PlayOptions['fadeOut'] } = {}): void {
    // Last item first: the callback may take the cancels in two blocks, and a
    // waiting item whose predecessor's cancel came first would start at the
    // seam and play until its own cancel arrived (seen: 128-448 frames).
    for (const action of [...this.items].reverse()) if (!action.finished) this.mixer.cancel(action, options);
  }
}

function split(item: QueueItem): { samples: Float32Array | Sound; options: Omit<PlayOptions, 'at' | 'after'> } {
  if (item instanceof Float32Array || item instanceof Sound) return { samples: item, options: {} };
  if (typeof item === 'object' && item !== null && 'samples' in item) {
    const { samples, ...options } = item;
    if ('at' in options || 'after' in options) {
      throw new InvalidArgumentError('A queue item cannot have its own at or after: the queue decides when it starts');
    }
    return { samples, options };
  }
  throw new InvalidArgumentError(`A queue item must be a Float32Array or { samples, ...options } (or a loaded Sound), got ${describeValue(item)}`);
}
