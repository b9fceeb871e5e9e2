// A lock-free single-producer/single-consumer ring of interleaved float frames,
// shared with the audio callback. JavaScript is one end, the callback the other.
import { InvalidArgumentError } from './errors';
import { native, NativeRingBuffer } from './native';
import { requireFloat32Array, requireInteger } from './validate';

export class RingBuffer {
  /** @internal */
  readonly native: NativeRingBuffer;

  /** `frames` is rounded up to a power of two. */
  constructor(frames: number, channels: number) {
    requireInteger('frames', frames, 1, 1 << 26);
    requireInteger('channels', channels, 1, 64);
    this.native = new (native().NativeRingBuffer)(frames, channels);
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

  /** Writes as many whole frames as fit; returns how many frames were written. */
  write(samples: Float32Array): number {
    requireFloat32Array('samples', samples);
    if (samples.length % this.channels !== 0) {
      throw new InvalidArgumentError(
        `samples has ${samples.length} values, not a whole number of ${this.channels}-channel frames`,
      );
    }
    if (this.ended) throw new InvalidArgumentError('Cannot write: end() was already called on this ring buffer');
    return this.native.write(samples);
  }

  /** Reads up to `frames` frames (default: all available). */
  read(frames?: number): Float32Array {
    if (frames !== undefined) requireInteger('frames', frames, 0);
    return this.native.read(frames);
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
