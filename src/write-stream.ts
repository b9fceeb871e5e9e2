// A Writable of interleaved float32 PCM that feeds a playRingbuffer action,
// with backpressure while the ring is full and 'finish' after the last frame played.
import { Writable } from 'node:stream';
import type { Action, ActionResult } from './action';
import { InvalidArgumentError, MixerClosedError } from './errors';
import type { Mixer } from './mixer';
import { FrameAssembler } from './pcm';
import { RingBuffer, ringFramesOption } from './ringbuffer';
import { requireInteger } from './validate';

export interface AudioWriteStreamOptions {
  /** 1-based output channels, one per interleaved channel of the input (default: all output channels). */
  channels?: number[];
  /** Ring size in frames (rounded up to a power of two); default 200 ms. */
  ringFrames?: number;
  /** Frames buffered before playback starts (default: half the ring); end() starts it too. */
  prefillFrames?: number;
  gain?: number;
}

export class AudioWriteStream extends Writable {
  readonly ring: RingBuffer;
  /** The playRingbuffer action, once playback started. */
  action: Action | undefined;
  /** Playback's result, once finished. */
  result: ActionResult | undefined;
  private readonly assembler: FrameAssembler;
  private readonly prefill: number;
  private readonly retryMs: number;
  private readonly onMixerClose = () => this.destroy(new MixerClosedError('stream audio'));

  constructor(private readonly mixer: Mixer, private readonly options: AudioWriteStreamOptions = {}) {
    super({ objectMode: true, highWaterMark: 4 });
    const channels = options.channels?.length ?? mixer.outputChannels;
    const frames = ringFramesOption(options.ringFrames, mixer.sampleRate);
    this.ring = new RingBuffer(frames, channels);
    this.prefill = options.prefillFrames === undefined ? this.ring.capacity >> 1 : requireInteger('prefillFrames', options.prefillFrames, 1, this.ring.capacity);
    this.assembler = new FrameAssembler(channels);
    // Retry a full ring about four times per ring length, at least every 2 ms.
    this.retryMs = Math.max(2, Math.floor((this.ring.capacity / mixer.sampleRate) * 250));
    mixer.once('close', this.onMixerClose);
  }

  /** Frames of silence played because the writer fell behind (live while playing). */
  get underflowFrames(): number {
    return this.action ? this.action.counters.underflowFrames : 0;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let samples: Float32Array;
    try {
      samples = this.assembler.push(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    const pump = () => {
      if (this.destroyed) return;
      try {
        const written = samples.length ? this.ring.write(samples) : 0;
        samples = samples.subarray(written * this.ring.channels);
        if (!this.action && this.ring.readAvailable >= this.prefill) this.start();
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
    try {
      this.ring.end();
      if (!this.action) this.start();
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.action!.done.then(
      (result) => {
        this.result = result;
        this.mixer.off('close', this.onMixerClose);
        callback(result.closed ? new MixerClosedError('finish the stream') : null);
      },
      (err: Error) => callback(err),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.mixer.off('close', this.onMixerClose);
    if (this.action && !this.action.finished && !this.mixer.closed) this.mixer.cancel(this.action);
    callback(error);
  }

  private start(): void {
    this.action = this.mixer.playRingbuffer(this.ring, { channels: this.options.channels, gain: this.options.gain });
  }
}
