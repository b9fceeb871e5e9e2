// A lock-free single-producer/single-consumer ring of interleaved float frames,
// shared with the audio callback. JavaScript is one end, the callback the other.
import { InvalidArgumentError } from './errors';
import { callNative, native, NativeRingBuffer } from './native';
import { requireFiniteSamples, requireFloat32Array, requireInteger } from './validate';

export class RingBuffer {
  /** @internal */
  readonly native: NativeRingBuffer;

  /**
   * `frames` is rounded up to a power of two; the ring holds at most 2 GiB of
   * samples (TooLargeError), and NoMemoryError if that memory is not there.
   */
  constructor(frames: number, channels: number) {
    const addon = native();
    requireInteger('frames', frames, 1, addon.limits.maxRingFrames);
    requireInteger('channels', channels, 1, 64);
    this.native = callNative(() => new addon.NativeRingBuffer(frames, channels));
  }

  get capacity(): number {
    return this.native.capacity;
  }
  get channels(): number {
    return this.native.channels;
  }
  /** Frames ready to read. */
  get readAvailable(): number {
    return this.native.readAvailable;
  }
  /** Frames of free space. */
  get writeAvailable(): number {
    return this.native.writeAvailable;
  }
  get ended(): boolean {
    return this.native.ended;
  }
  /**
   * While an action uses the ring, the audio callback owns one end: '' when
   * free, 'play' (playRingbuffer: the callback reads, you write) or 'record'
   * (recordRingbuffer: the callback writes, you read).
   */
  get inUse(): '' | 'play' | 'record' {
    return this.native.inUse;
  }

  /**
   * Writes as many whole frames as fit; returns how many frames were written.
   * A NaN or Infinity anywhere in `samples` is refused and nothing is written.
   */
  write(samples: Float32Array): number {
    this.checkWritable(samples);
    requireFiniteSamples('samples', samples);
    return this.writeChecked(samples);
  }

  /** @internal write() for samples already checked with checkWritable and requireFiniteSamples. */
  writeChecked(samples: Float32Array): number {
    return callNative(() => this.native.write(samples));
  }

  /** @internal The checks of write() that do not look at each sample. */
  checkWritable(samples: Float32Array): void {
    requireFloat32Array('samples', samples);
    if (samples.length % this.channels !== 0) {
      throw new InvalidArgumentError(
        `samples has ${samples.length} values, not a whole number of ${this.channels}-channel frames`,
      );
    }
    if (this.ended) throw new InvalidArgumentError('Cannot write: end() was already called on this ring buffer');
  }

  /** Reads up to `frames` frames (default: all available). */
  read(frames?: number): Float32Array {
    if (frames !== undefined) requireInteger('frames', frames, 0);
    return callNative(() => this.native.read(frames));
  }

  /** Marks the end of the stream: a play action finishes once what was written has played. */
  end(): void {
    this.native.end();
  }
}

/** A stream's ring size: `frames` if given (64 to 2^24), else 200 ms at `sampleRate`. */
export function ringFramesOption(frames: number | undefined, sampleRate: number): number {
  return frames === undefined ? Math.round(sampleRate * 0.2) : requireInteger('ringFrames', frames, 64, 1 << 24);
}
