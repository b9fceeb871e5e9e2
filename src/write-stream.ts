// A Writable of interleaved float32 PCM that feeds a playRingbuffer action,
// with backpressure while the ring is full and 'finish' after the last frame played.
import { Writable } from 'node:stream';
import type { Action, ActionResult } from './action';
import { InvalidArgumentError, MixerClosedError, RtMixerError } from './errors';
import type { Mixer } from './mixer';
import { FrameAssembler } from './pcm';
import { RingBuffer, ringFramesOption } from './ringbuffer';
import { requireFiniteSamples, requireGain, requireInteger } from './validate';

export interface AudioWriteStreamOptions {
  /** 1-based output channels, one per interleaved channel of the input (default: all output channels). */
  channels?: number[];
  /** Frames the ring holds at most (its memory is rounded up to a power of two); default 200 ms. */
  ringFrames?: number;
  /** Frames buffered before playback starts (default: half the ring); end() starts it too. */
  prefillFrames?: number;
  gain?: number;
  /** An earlier stream this one follows: playback starts only once that one's is over, so the two never overlap. */
  after?: AudioWriteStream;
}

export class AudioWriteStream extends Writable {
  readonly ring: RingBuffer;
  /** Frames the ring is filled to at most. */
  readonly ringFrames: number;
  /** The playRingbuffer action, once playback started. */
  action: Action | undefined;
  /** Playback's result, once over. */
  result: ActionResult | undefined;
  /**
   * Settles once playback is over, however it ended: played out, cancelled by
   * destroy(), or cut short by the mixer's close (`closed: true`). A stream
   * that never started reports startFrame -1 and 0 frames. Never rejects.
   */
  readonly done: Promise<ActionResult>;
  private settle!: (result: ActionResult) => void;
  private readonly assembler: FrameAssembler;
  private readonly prefill: number;
  private readonly retryMs: number;
  private ending = false;
  private finalCallback: ((error?: Error | null) => void) | undefined;
  private previous: AudioWriteStream | undefined;
  private readonly onMixerClose = () => this.destroy(new MixerClosedError('stream audio'));

  constructor(private readonly mixer: Mixer, private readonly options: AudioWriteStreamOptions = {}) {
    super({ objectMode: true, highWaterMark: 4 });
    if (options.gain !== undefined) requireGain('gain', options.gain); // now, not when playback starts
    const channels = options.channels?.length ?? mixer.outputChannels;
    this.ringFrames = ringFramesOption(options.ringFrames, mixer.sampleRate);
    this.ring = new RingBuffer(this.ringFrames, channels);
    this.prefill = options.prefillFrames === undefined ? this.ringFrames >> 1 : requireInteger('prefillFrames', options.prefillFrames, 1, this.ringFrames);
    this.assembler = new FrameAssembler(channels);
    // Retry a full ring about four times per ring length, at least every 2 ms.
    this.retryMs = Math.max(2, Math.floor((this.ringFrames / mixer.sampleRate) * 250));
    this.done = new Promise<ActionResult>((resolve) => (this.settle = resolve));
    this.previous = options.after;
    this.previous?.done.then(() => {
      this.previous = undefined;
      try {
        this.tryStart();
      } catch (err) {
        this.destroy(err as Error); // never an unhandled rejection
      }
    });
    mixer.once('close', this.onMixerClose);
  }

  /** Frames of silence played because the writer fell behind (live while playing). */
  get underflowFrames(): number {
    return this.action ? this.action.counters.underflowFrames : 0;
  }

  /** How full the ring is, 0 to 1. */
  get fill(): number {
    return Math.min(1, this.ring.readAvailable / this.ringFrames);
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let samples: Float32Array;
    try {
      samples = this.assembler.push(chunk);
      // Once per chunk, before any of it is written: a NaN or Infinity would
      // poison the mix, and a chunk is taken whole or not at all.
      this.ring.checkWritable(samples);
      requireFiniteSamples('chunk', samples);
    } catch (err) {
      callback(err as Error);
      return;
    }
    const pump = () => {
      if (this.destroyed || this.result) {
        callback(this.errored ?? new RtMixerError('ERR_RTMIXER_CLOSED', 'The stream was stopped before this chunk was played'));
        return;
      }
      try {
        const room = Math.min(this.ring.writeAvailable, this.ringFrames - this.ring.readAvailable);
        const frames = Math.min(Math.max(0, room), samples.length / this.ring.channels);
        const written = frames > 0 ? this.ring.writeChecked(samples.subarray(0, frames * this.ring.channels)) : 0;
        samples = samples.subarray(written * this.ring.channels);
        this.tryStart();
        if (samples.length === 0) callback();
        else setTimeout(pump, this.retryMs); // backpressure: the ring is full
      } catch (err) {
        callback(err as Error);
      }
    };
    pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.assembler.pendingBytes) {
      callback(new InvalidArgumentError(`The stream ended inside a frame (${this.assembler.pendingBytes} stray bytes)`));
      return;
    }
    this.ring.end();
    this.ending = true;
    this.finalCallback = callback;
    try {
      this.tryStart();
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (this.result) this.finalize(this.result);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.mixer.off('close', this.onMixerClose);
    if (this.action && !this.action.finished && !this.mixer.closed) this.mixer.cancel(this.action);
    if (!this.action) this.over(notStarted(this.mixer.closed));
    callback(error);
  }

  /** Starts playback once prefilled (or ending) and the stream it follows is over. */
  private tryStart(): void {
    if (this.action || this.destroyed || this.previous || this.result) return;
    if (!this.ending && this.ring.readAvailable < this.prefill) return;
    const action = this.mixer.playRingbuffer(this.ring, { channels: this.options.channels, gain: this.options.gain });
    this.action = action;
    action.done.then(
      (result) => this.over(result),
      (err: Error) => {
        this.over(notStarted(false));
        this.destroy(err);
      },
    );
  }

  private over(result: ActionResult): void {
    if (this.result) return;
    this.result = result;
    this.mixer.off('close', this.onMixerClose);
    this.settle(result);
    if (this.finalCallback) this.finalize(result);
  }

  private finalize(result: ActionResult): void {
    const callback = this.finalCallback!;
    this.finalCallback = undefined;
    if (!this.destroyed) callback(result.closed ? new MixerClosedError('finish the stream') : null);
  }
}

function notStarted(closed: boolean): ActionResult {
  return { startFrame: -1, frames: 0, late: 0, cancelled: true, closed, underflowFrames: 0, overflowFrames: 0 };
}
