// The part of a chunked stream that decodes on the decode threads: a
// compressed file (MP3, FLAC, Ogg Vorbis/Opus) or a WAV file at another rate,
// its bytes arriving in any pieces. The decoder's state stays on its thread
// between chunks, and each chunk is decoded only once `pace()` allows, so the
// decoded audio waiting to play stays a chunk or two however long the file is.
import { AudioDecoder, createAudioDecoder, DecodedChunk } from './decode/audio-decoder';
import { SoundFormat } from './decode/sniff';
import { InvalidArgumentError } from './errors';

const NAMES: Record<SoundFormat, string> = { wav: 'WAV', mp3: 'MP3', flac: 'FLAC', vorbis: 'Ogg Vorbis', opus: 'Ogg Opus' };

export interface ThreadedStreamOptions {
  /** The rate the audio must come out at (the mixer's). */
  sampleRate: number;
  /** Resample a file at another rate (else that is an error). */
  resample: boolean;
  /** Awaited before each chunk is decoded (e.g. until the audio before it is in the ring). */
  pace?: () => Promise<unknown>;
  /** Takes the file's channel count once known; throws if the stream cannot. */
  channels(channels: number): void;
}

/** Interleaved frames of `channels` (0 until the header has been read). */
export interface ThreadedOutput {
  samples: Float32Array;
  channels: number;
}

export class ThreadedStream {
  private readonly decoder: AudioDecoder;
  private tail: Promise<unknown> = Promise.resolve();
  private channels = 0;
  /** After an error the rest of the file is skipped: one error per file, not one per chunk. */
  private failed = false;

  constructor(private readonly options: ThreadedStreamOptions) {
    this.decoder = createAudioDecoder({ sampleRate: options.resample ? options.sampleRate : undefined });
  }

  /** The next bytes of the file; results come in the order of the calls. */
  push(bytes: Uint8Array): Promise<ThreadedOutput> {
    return this.next(() => this.decoder.write(bytes));
  }

  /** The file has ended: its last frames (a truncated file is an error). */
  end(): Promise<ThreadedOutput> {
    return this.next(() => this.decoder.end());
  }

  /** Drops the decoder's state without waiting for what is queued. */
  close(): void {
    this.failed = true;
    this.decoder.close();
  }

  private next(step: () => Promise<DecodedChunk>): Promise<ThreadedOutput> {
    const result = this.tail.then(async () => {
      // A failed write is its own message's error; here it only means the ring will not wait.
      if (!this.failed) await this.options.pace?.().catch(() => undefined);
      if (this.failed) return { samples: new Float32Array(0), channels: this.channels };
      try {
        return this.check(await step());
      } catch (err) {
        this.close();
        throw err;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private check(chunk: DecodedChunk): ThreadedOutput {
    if (chunk.channels !== undefined && this.channels === 0) {
      if (chunk.sampleRate !== this.options.sampleRate) {
        throw new InvalidArgumentError(
          `The ${NAMES[chunk.format ?? 'wav']} stream is ${chunk.sampleRate} Hz but the mixer runs at ` +
            `${this.options.sampleRate} Hz. Turn on "resample", or set the mixer's sample rate to ${chunk.sampleRate}.`,
        );
      }
      this.options.channels(chunk.channels);
      this.channels = chunk.channels;
    }
    return { samples: chunk.samples, channels: this.channels };
  }
}
