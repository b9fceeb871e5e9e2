// What play(), record(), cancel() and friends return: a handle whose `done`
// settles when the audio callback has handed the action back.
import { LateStartError } from './errors';
import type { Stats } from './stats';

export type ActionKind = 'play' | 'record' | 'playRingbuffer' | 'recordRingbuffer' | 'cancel' | 'setGain' | 'fetchStats';

export interface ActionResult {
  /** Frame (on mixer.currentFrame's clock) of the first processed sample; -1 if it never started. */
  startFrame: number;
  /** Frames played or recorded. */
  frames: number;
  /** How many frames after its `at` the action started (allowBelated), else 0. */
  late: number;
  /** Stopped by cancel() (or by close(), see `closed`). */
  cancelled: boolean;
  /** The mixer closed before the action finished. */
  closed: boolean;
  /** For cancel() and setGain(): whether the target was still playing or waiting. */
  targetFound?: boolean;
  /** record(): the recorded interleaved samples, one column per recorded channel. */
  samples?: Float32Array;
  /** Ring buffer actions: frames of silence played / frames dropped. */
  underflowFrames: number;
  overflowFrames: number;
  /** fetchStats(): the snapshot. */
  stats?: Stats;
}

export interface LiveCounters {
  underflowFrames: number;
  overflowFrames: number;
}

export class Action {
  readonly id: number;
  readonly kind: ActionKind;
  /** The requested start frame, or undefined for "as soon as possible". */
  readonly at: number | undefined;
  /** Settles when the callback hands the action back. Rejects with LateStartError (dropped start) or ActionFinishedError (setGain too late). */
  readonly done: Promise<ActionResult>;
  private settle!: (r: ActionResult) => void;
  private fail!: (e: Error) => void;
  private settled = false;
  private lastCounters: LiveCounters = { underflowFrames: 0, overflowFrames: 0 };

  /** @internal The Mixer that made it: ids are per mixer, so another mixer must refuse it. */
  readonly owner: object;

  /** @internal */
  constructor(
    id: number,
    kind: ActionKind,
    at: number | undefined,
    private readonly readLive: (id: number) => LiveCounters | null,
    owner: object,
  ) {
    this.id = id;
    this.owner = owner;
    this.kind = kind;
    this.at = at;
    this.done = new Promise<ActionResult>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    // A dropped start must never become an unhandled rejection that kills the
    // process just because nobody awaited `done`.
    this.done.catch(() => undefined);
  }

  /** True once the callback has handed the action back. */
  get finished(): boolean {
    return this.settled;
  }

  /** Underflow/overflow frames so far, read live from the running action. */
  get counters(): LiveCounters {
    if (!this.settled) this.lastCounters = this.readLive(this.id) ?? this.lastCounters;
    return this.lastCounters;
  }

  /** @internal */
  resolve(result: ActionResult): void {
    if (this.settled) return;
    this.settled = true;
    this.lastCounters = { underflowFrames: result.underflowFrames, overflowFrames: result.overflowFrames };
    this.settle(result);
  }

  /** @internal */
  rejectLate(lateFrames: number): void {
    this.reject(new LateStartError(this.at ?? 0, lateFrames));
  }

  /** @internal */
  reject(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.fail(error);
  }
}
