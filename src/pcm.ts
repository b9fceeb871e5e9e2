// Float32 PCM chunks as Node streams carry them: Buffers (any byte offset,
// possibly splitting a frame) or Float32Arrays.
import { InvalidArgumentError } from './errors';
import { describeValue } from './validate';

/** Collects chunks into whole frames, carrying a partial frame's bytes to the next chunk. */
export class FrameAssembler {
  private carry = new Uint8Array(0);
  constructor(private readonly channels: number) {}

  /** The whole frames this chunk completes, as a new Float32Array. */
  push(chunk: unknown): Float32Array {
    const bytesPerFrame = 4 * this.channels;
    if (chunk instanceof Float32Array) {
      if (this.carry.length) throw new InvalidArgumentError('A Float32Array chunk came after a Buffer that ended inside a frame');
      if (chunk.length % this.channels !== 0) {
        throw new InvalidArgumentError(`A Float32Array chunk of ${chunk.length} samples is not a whole number of ${this.channels}-channel frames`);
      }
      return chunk;
    }
    if (!(chunk instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        `Audio chunks must be Buffers of float32 PCM or Float32Arrays of interleaved samples, got ${describeValue(chunk)}`,
      );
    }
    const bytes = new Uint8Array(this.carry.length + chunk.length);
    bytes.set(this.carry);
    bytes.set(chunk, this.carry.length);
    const whole = bytes.length - (bytes.length % bytesPerFrame);
    this.carry = bytes.slice(whole);
    // A copy: aligned for Float32Array, and never the caller's memory.
    return new Float32Array(bytes.buffer.slice(0, whole));
  }

  /** Bytes of a frame still waiting for the rest of it. */
  get pendingBytes(): number {
    return this.carry.length;
  }
}

/** A Float32Array's samples as a Buffer over the same memory. */
export function bufferOf(samples: Float32Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}
