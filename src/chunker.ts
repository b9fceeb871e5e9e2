// Continuous recording: the blocks drained from a ring buffer (any length)
// regrouped into chunks of exactly `chunkFrames` frames, in order, with no
// frame lost or repeated at a seam, each tagged with the mixer frame of its
// first sample.

export interface Chunk {
  /** Interleaved samples in new memory (never shared with the ring or another chunk). */
  samples: Float32Array;
  frames: number;
  /** Mixer frame of the chunk's first sample. */
  startFrame: number;
}

interface Block {
  samples: Float32Array;
  startFrame: number;
}

export class ChunkAssembler {
  private blocks: Block[] = [];
  /** Frames of blocks[0] already handed out. */
  private offset = 0;
  private buffered = 0;

  constructor(
    readonly channels: number,
    readonly chunkFrames: number,
  ) {}

  /** Frames waiting for the next chunk. */
  get bufferedFrames(): number {
    return this.buffered;
  }

  /** Adds a block of interleaved frames whose first frame is `startFrame` on the mixer clock. */
  push(samples: Float32Array, startFrame: number): void {
    if (samples.length === 0) return;
    this.blocks.push({ samples, startFrame });
    this.buffered += samples.length / this.channels;
  }

  /** The next full chunk, or undefined while fewer than chunkFrames frames wait. */
  next(): Chunk | undefined {
    return this.buffered >= this.chunkFrames ? this.take(this.chunkFrames) : undefined;
  }

  /** Everything that waits (shorter than a chunk), or undefined if nothing does. */
  rest(): Chunk | undefined {
    return this.buffered > 0 ? this.take(this.buffered) : undefined;
  }

  private take(frames: number): Chunk {
    const ch = this.channels;
    const out = new Float32Array(frames * ch);
    const startFrame = this.blocks[0].startFrame + this.offset;
    let filled = 0;
    while (filled < frames) {
      const block = this.blocks[0];
      const blockFrames = block.samples.length / ch;
      const n = Math.min(frames - filled, blockFrames - this.offset);
      out.set(block.samples.subarray(this.offset * ch, (this.offset + n) * ch), filled * ch);
      filled += n;
      this.offset += n;
      if (this.offset === blockFrames) {
        this.blocks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= frames;
    return { samples: out, frames, startFrame };
  }
}
