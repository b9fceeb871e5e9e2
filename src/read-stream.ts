// A Readable of recorded float32 PCM (Buffers of interleaved frames) fed by a
// recordRingbuffer action. When the consumer is slow it stops draining the
// ring, so the callback drops new frames and counts them: 'overflow' events.
import { Readable } from 'node:stream';
import type { Action } from './action';
import { MixerClosedError } from './errors';
import type { Mixer } from './mixer';
import { bufferOf } from './pcm';
import { RingBuffer, ringFramesOption } from './ringbuffer';
import { requireInteger } from './validate';

export interface AudioReadStreamOptions {
  /** 1-based input channels to record (default: all input channels). */
  channels?: number[];
  /** Ring size in frames (rounded up to a power of two); default 200 ms. */
  ringFrames?: number;
  /** How often the ring is drained, in ms (default 10). */
  pollMs?: number;
}

export class AudioReadStream extends Readable {
  readonly ring: RingBuffer;
  readonly action: Action;
  private wanted = false;
  private reportedOverflow = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onMixerClose = () => this.destroy(new MixerClosedError('record'));

  constructor(private readonly mixer: Mixer, options: AudioReadStreamOptions = {}) {
    super({ highWaterMark: 64 * 1024 });
    const channels = options.channels?.length ?? mixer.inputChannels;
    const frames = ringFramesOption(options.ringFrames, mixer.sampleRate);
    const pollMs = options.pollMs === undefined ? 10 : requireInteger('pollMs', options.pollMs, 1, 1000);
    this.ring = new RingBuffer(frames, channels);
    this.action = mixer.recordRingbuffer(this.ring, { channels: options.channels });
    this.timer = setInterval(() => this.drain(), pollMs);
    mixer.once('close', this.onMixerClose);
  }

  /** Frames the callback had to drop because the consumer was slow. */
  get overflowFrames(): number {
    return this.action.counters.overflowFrames;
  }

  override _read(): void {
    this.wanted = true;
    this.drain();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearInterval(this.timer);
    this.mixer.off('close', this.onMixerClose);
    if (!this.action.finished && !this.mixer.closed) this.mixer.cancel(this.action);
    callback(error);
  }

  private drain(): void {
    const overflow = this.overflowFrames;
    if (overflow > this.reportedOverflow) {
      this.reportedOverflow = overflow;
      this.emit('overflow', { frames: overflow });
    }
    if (!this.wanted || this.ring.readAvailable === 0) return;
    this.wanted = this.push(bufferOf(this.ring.read()));
  }
}
