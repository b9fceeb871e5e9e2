// decodeAudio(): a whole sound file to interleaved float32 samples, on a
// decode thread, so the caller's event loop (Node-RED's flows) never waits.
import { InvalidArgumentError } from '../errors';
import { describeValue } from '../validate';
import { DecodeAbortedError } from './errors';
import { copyInSlices } from './copy-in-slices';
import { DEFAULT_MAX_BYTES, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './limits';
import { sniff, SoundFormat } from './sniff';
import { WavDecoder } from './wav-decoder';
import { pickSlot, send } from './worker-pool';

export interface DecodeOptions {
  /** Resample to this rate (8000..384000) when the file's rate differs. */
  sampleRate?: number;
  /** Largest decoded (and resampled) float32 output, in bytes; default 1 GiB. */
  maxBytes?: number;
  /** Aborts the decode: the promise rejects with ERR_RTMIXER_ABORTED. */
  signal?: AbortSignal;
}

export interface DecodedAudio {
  /** Interleaved: `channels` samples per frame. */
  samples: Float32Array;
  channels: number;
  sampleRate: number;
  /** The file's own rate (differs from sampleRate when it was resampled). */
  sourceRate: number;
  /** What the content was recognised as. */
  format: SoundFormat;
}

export async function decodeAudio(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(input instanceof Uint8Array)) {
    throw new InvalidArgumentError(`decodeAudio() takes the bytes of a sound file (Buffer or Uint8Array), got ${describeValue(bytes)}`);
  }
  const settings = checkOptions(options);
  const { signal } = options;
  if (signal?.aborted) throw new DecodeAbortedError();
  await refuseEarly(input, settings.maxBytes);
  const slot = pickSlot();
  const bytesForThread = await handOver(input, slot);
  if (signal?.aborted) throw new DecodeAbortedError();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const transfer = bytesForThread instanceof ArrayBuffer ? [bytesForThread] : [];
  const reply = send(slot, { type: 'decode', bytes: bytesForThread, settings, cancel }, transfer);
  if (!signal) return toDecoded(await reply);
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => {
      Atomics.store(cancel, 0, 1);
      reject(new DecodeAbortedError());
    }, { once: true });
  });
  reply.catch(() => undefined); // settled after an abort: nobody waits for it
  return toDecoded(await Promise.race([reply, aborted]));
}

/**
 * What the header alone refuses (not a sound file we read; a WAV whose fmt, sizes, rate,
 * channels or decoded size are out of bounds) is refused here, in microseconds, without
 * waiting for a decode thread: a hostile file costs the caller nothing but this check.
 */
async function refuseEarly(input: Uint8Array, maxBytes: number): Promise<void> {
  if (sniff(input, true)?.format !== 'wav') return;
  const header = new WavDecoder({ totalBytes: input.length, maxBytes, headerOnly: true });
  await header.push(input);
  await header.end();
}

/** Above this, the copy goes into shared memory that the decode thread allocated and touched. */
const SHARED_FROM = 1024 * 1024;

/**
 * The caller's bytes, copied (their Buffer stays theirs and usable) in slices, a turn each.
 * A large file is copied into shared memory whose pages the decode thread has already
 * faulted in: a fresh 100 MB buffer costs this machine ~1 s of page faults, which would
 * otherwise land on the event loop; a plain copy into touched pages takes a few ms.
 */
async function handOver(input: Uint8Array, slot: number): Promise<ArrayBuffer | SharedArrayBuffer> {
  if (input.length < SHARED_FROM) return (await copyInSlices(input)).buffer as ArrayBuffer;
  const { shared } = await send(slot, { type: 'alloc', size: input.length });
  const target = new Uint8Array(shared as SharedArrayBuffer);
  await copyInSlices(input, target);
  return shared as SharedArrayBuffer;
}

function toDecoded(reply: { samples?: ArrayBuffer; channels?: number; sampleRate?: number; sourceRate?: number; format?: string }): DecodedAudio {
  return {
    samples: new Float32Array(reply.samples as ArrayBuffer),
    channels: reply.channels as number,
    sampleRate: reply.sampleRate as number,
    sourceRate: reply.sourceRate as number,
    format: reply.format as SoundFormat,
  };
}

function checkOptions(options: DecodeOptions): { sampleRate?: number; maxBytes: number } {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`decodeAudio() options must be an object, got ${describeValue(options)}`);
  const { sampleRate, maxBytes = DEFAULT_MAX_BYTES } = options;
  if (sampleRate !== undefined && (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE)) {
    throw new InvalidArgumentError(`sampleRate must be an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${describeValue(sampleRate)}`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) {
    throw new InvalidArgumentError(`maxBytes must be a positive number of bytes, got ${describeValue(maxBytes)}`);
  }
  return { sampleRate, maxBytes };
}
