// A Readable of recorded float32 PCM (Buffers of interleaved frames) fed by a
// recordRingbuffer action. When the consumer is slow it stops draining the
// ring, so the callback drops new frames and counts them: 'overflow' events.
import { Readable } from 'node:stream';
import type { Action } from './action';
import { MixerClosedError } from './errors';
import type { Mixer, RecordOptions } from './mixer';
import { bufferOf } from './pcm';
import { RingBuffer, ringFramesOption } from './ringbuffer';
import { requireInteger } from './validate';

export interface AudioReadStreamOptions extends RecordOptions {
  /** Ring size in frames (rounded up to a power of two); default 200 ms. */
  ringFrames?: number;
  /** How often the ring is drained, in ms (default 10). */
  pollMs?: number;
}

export class AudioReadStream extends Readable {
  readonly ring: RingBuffer;
  readonly action: Action;
  private wanted = false;
  /** Frames pushed so far, and the frames dropped before them. */
  private delivered = 0;
  private lost = 0;
  /** The overflow count the last 'overflow' event carried. */
  private reported = 0;
  /** [stream position, frames dropped before it], one entry per position where that count grew. */
  private readonly gaps: [number, number][] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly onMixerClose = () => this.destroy(new MixerClosedError('record'));

  constructor(private readonly mixer: Mixer, private readonly options: AudioReadStreamOptions = {}) {
    super({ highWaterMark: 64 * 1024 });
    const channels = options.channels?.length ?? mixer.inputChannels;
    const frames = ringFramesOption(options.ringFrames, mixer.sampleRate);
    const pollMs = options.pollMs === undefined ? 10 : requireInteger('pollMs', options.pollMs, 1, 1000);
    this.ring = new RingBuffer(frames, channels);
    this.action = mixer.recordRingbuffer(this.ring, { channels: options.channels, at: options.at, allowBelated: options.allowBelated });
    this.timer = setInterval(() => this.drain(), pollMs);
    this.action.done.then(
      () => this.ended(),
      (err: Error) => this.destroy(err),
    );
    mixer.once('close', this.onMixerClose);
  }

  /** Frames the callback had to drop because the consumer was slow. */
  get overflowFrames(): number {
    return this.action.counters.overflowFrames;
  }

  /**
   * The mixer frame at which the frame at `position` (frames counted from the
   * stream's start, as delivered) was recorded; undefined without `at`.
   * Dropped frames make the gaps between the two.
   */
  frameAt(position: number): number | undefined {
    if (this.options.at === undefined) return undefined;
    let lostBefore = 0;
    for (const [at, lost] of this.gaps) if (at <= position) lostBefore = lost;
    return this.options.at + position + lostBefore;
  }

  /** Stops recording: what the ring still holds is pushed, then the stream ends. */
  stop(): void {
    if (!this.action.finished && !this.mixer.closed) this.mixer.cancel(this.action);
  }

  override _read(): void {
    this.wanted = true;
    this.drain();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearInterval(this.timer);
    this.mixer.off('close', this.onMixerClose);
    this.stop();
    callback(error);
  }

  private drain(force = false): void {
    let block: Float32Array | undefined;
    if ((this.wanted || force) && this.ring.readAvailable > 0) block = this.ring.read();
    // Read after the ring: the callback drops frames only while the ring is
    // full, so every drop counted now came after the frames just read.
    const overflow = this.overflowFrames;
    if (overflow > this.reported) {
      this.reported = overflow;
      this.emit('overflow', { frames: overflow });
    }
    if (!block) return;
    this.wanted = this.push(bufferOf(block));
    this.delivered += block.length / this.ring.channels;
    if (overflow > this.lost) this.gaps.push([this.delivered, overflow]);
    this.lost = overflow;
  }

  /** The action is back (stopped): the last frames, then the end. */
  private ended(): void {
    clearInterval(this.timer);
    if (this.destroyed) return;
    this.drain(true);
    this.push(null);
  }
}
