// A push decoder for any supported format: holds the first bytes until the
// format can be told from them, then hands everything to that format's decoder.
import { CompressedDecoder } from './compressed-decoder';
import { concatBytes } from './bytes';
import { AudioFormat, PushDecoder, PushDecoderOptions } from './push-decoder';
import { Sniffed, sniff, SoundFormat } from './sniff';
import { WavDecoder } from './wav-decoder';

export class AnyFormatDecoder implements PushDecoder {
  private inner: PushDecoder | undefined;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  kind: SoundFormat | undefined;

  constructor(private readonly options: PushDecoderOptions = {}) {}

  get format(): AudioFormat | undefined {
    return this.inner?.format;
  }

  async push(bytes: Uint8Array): Promise<Float32Array[]> {
    if (this.inner) return this.inner.push(bytes);
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    return this.open(false);
  }

  async end(): Promise<Float32Array[]> {
    if (!this.inner) {
      const out = await this.open(true);
      return out.concat(await (this.inner as unknown as PushDecoder).end());
    }
    return this.inner.end();
  }

  free(): void {
    this.inner?.free();
  }

  private async open(ended: boolean): Promise<Float32Array[]> {
    const all = concatBytes(this.held, this.heldBytes);
    this.held = [all];
    const found = sniff(all, ended);
    if (!found) return [];
    this.inner = create(found, this.options);
    this.kind = found.format;
    this.held = [];
    return this.inner.push(all);
  }
}

function create(found: Sniffed, options: PushDecoderOptions): PushDecoder {
  return found.format === 'wav' ? new WavDecoder(options) : new CompressedDecoder(found.format, found.mono, options);
}
