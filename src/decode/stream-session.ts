// One streaming decode inside a worker: the format decoder's state and, once
// the format is known, a resampler to the caller's rate, kept between pushes.
import { concat } from './interleave';
import { checkRate } from './limits';
import { AnyFormatDecoder } from './open-decoder';
import { Resampler } from './resampler';

export interface SessionOutput {
  samples: Float32Array;
  channels?: number;
  sampleRate?: number;
  sourceRate?: number;
  format?: string;
}

export class StreamSession {
  private readonly decoder = new AnyFormatDecoder();
  private resampler: Resampler | undefined;

  constructor(private readonly targetRate: number | undefined) {
    if (targetRate !== undefined) checkRate(targetRate, 'The requested sample rate');
  }

  async push(bytes: Uint8Array): Promise<SessionOutput> {
    return this.output(await this.decoder.push(bytes), false);
  }

  async end(): Promise<SessionOutput> {
    return this.output(await this.decoder.end(), true);
  }

  free(): void {
    this.decoder.free();
  }

  private output(chunks: Float32Array[], ending: boolean): SessionOutput {
    const format = this.decoder.format;
    if (!format) return { samples: new Float32Array(0) };
    let samples = concat(chunks);
    const target = this.targetRate ?? format.sampleRate;
    if (target !== format.sampleRate) {
      this.resampler ??= new Resampler(format.channels, format.sampleRate, target);
      const body = this.resampler.process(samples);
      samples = ending ? concat([body, this.resampler.flush()]) : body;
    }
    return { samples, channels: format.channels, sampleRate: target, sourceRate: format.sampleRate, format: this.decoder.kind };
  }
}
