// Streaming decode: bytes in as they arrive (a `file in` node's chunks), frames
// out as soon as they decode. The decoder's state lives on one decode thread
// for the whole stream, so an hour-long file is never held in memory at once.
import { Transform, TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors';
import { describeValue } from '../validate';
import { MalformedFileError } from './errors';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './limits';
import { Reply } from './protocol';
import { SoundFormat } from './sniff';
import { pickSlot, send, slotAlive, workerAt } from './worker-pool';

export interface AudioDecoderOptions {
  /** Resample to this rate (8000..384000) when the stream's rate differs. */
  sampleRate?: number;
}

export interface DecodedChunk {
  /** Interleaved frames decoded from the bytes so far (may be empty while a header arrives). */
  samples: Float32Array;
  /** Undefined until the header has been read. */
  channels?: number;
  sampleRate?: number;
  sourceRate?: number;
  format?: SoundFormat;
}

export interface AudioDecoder {
  /** Decodes the next bytes of the file. Calls are answered in order; await each or not. */
  write(bytes: Uint8Array): Promise<DecodedChunk>;
  /** The file has ended: the last frames (and an error if it stopped mid-header). Frees the decoder. */
  end(): Promise<DecodedChunk>;
  /** Frees the decoder without waiting for the rest. */
  close(): void;
}

let nextSession = 1;

export function createAudioDecoder(options: AudioDecoderOptions = {}): AudioDecoder {
  const { sampleRate } = options;
  if (sampleRate !== undefined && (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE)) {
    throw new InvalidArgumentError(`sampleRate must be an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${describeValue(sampleRate)}`);
  }
  const session = nextSession++;
  const slot = pickSlot();
  let opened: Promise<Reply> | undefined;
  let thread: Worker | undefined;
  let closed = false;
  let failed: Error | undefined; // the first error: every later call reports it again

  // Session messages bypass the pool's bound: refusing one midway would break the stream.
  const open = () => {
    opened ??= send(slot, { type: 'open', session, settings: { sampleRate } }, [], false);
    thread = workerAt(slot);
    return opened;
  };
  const toChunk = (reply: Reply): DecodedChunk => ({
    samples: new Float32Array(reply.samples ?? new ArrayBuffer(0)),
    channels: reply.channels,
    sampleRate: reply.sampleRate,
    sourceRate: reply.sourceRate,
    format: reply.format as SoundFormat | undefined,
  });
  const request = async (type: 'push' | 'end', bytes?: Uint8Array): Promise<DecodedChunk> => {
    if (failed) throw failed;
    if (closed) throw new InvalidArgumentError('The audio decoder has ended or was closed');
    const copy = bytes ? new Uint8Array(bytes) : undefined;
    const ready = open();
    if (!slotAlive(slot, thread)) throw new MalformedFileError('The decoder thread stopped; start a new decoder');
    const pending = type === 'push'
      ? send(slot, { type, session, bytes: (copy as Uint8Array).buffer as ArrayBuffer }, [(copy as Uint8Array).buffer as ArrayBuffer], false)
      : send(slot, { type, session }, [], false);
    if (type === 'end') closed = true;
    try {
      await ready;
      return toChunk(await pending);
    } catch (err) {
      failed ??= err as Error;
      throw failed;
    }
  };
  return {
    write(bytes) {
      if (!(bytes instanceof Uint8Array)) {
        return Promise.reject(new InvalidArgumentError(`write() takes bytes (Buffer or Uint8Array), got ${describeValue(bytes)}`));
      }
      return request('push', bytes);
    },
    end() {
      return request('end');
    },
    close() {
      if (closed) return;
      closed = true;
      if (opened && slotAlive(slot, thread)) send(slot, { type: 'close', session }, [], false).catch(() => undefined);
    },
  };
}

/**
 * The streaming decoder as a Transform: sound-file bytes in, DecodedChunk objects
 * out (only chunks with frames). Errors are coded, like decodeAudio()'s.
 */
export class AudioDecoderStream extends Transform {
  private readonly decoder: AudioDecoder;

  constructor(options: AudioDecoderOptions = {}) {
    super({ readableObjectMode: true });
    this.decoder = createAudioDecoder(options);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decoder.write(chunk).then((out) => {
      if (out.samples.length > 0) this.push(out);
      callback();
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.decoder.end().then((out) => {
      if (out.samples.length > 0) this.push(out);
      callback();
    }, callback);
  }

  override _destroy(err: Error | null, callback: (error: Error | null) => void): void {
    this.decoder.close();
    callback(err);
  }
}
