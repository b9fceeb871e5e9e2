// A whole file to one interleaved array, in a worker: decode (bounded by
// maxBytes), then resample if asked. The shared cancel flag is checked
// between pieces, so an abort stops the work within one piece.
import { DecodeAbortedError } from './errors';
import { concat } from './interleave';
import { checkRate, OutputBudget } from './limits';
import { AnyFormatDecoder } from './open-decoder';
import { DecodeSettings } from './protocol';
import { AudioFormat } from './push-decoder';
import { Resampler } from './resampler';

/** Input handed to the decoder per step, and samples resampled per step: the abort check's granularity. */
const PIECE_BYTES = 4 * 1024 * 1024;
const PIECE_SAMPLES = 1024 * 1024;

export interface DecodedFile extends AudioFormat {
  samples: Float32Array;
  sourceRate: number;
  format: string;
}

export async function decodeFile(bytes: Uint8Array, settings: DecodeSettings, cancelled: () => boolean): Promise<DecodedFile> {
  if (settings.sampleRate !== undefined) checkRate(settings.sampleRate, 'The requested sample rate');
  const decoder = new AnyFormatDecoder({ totalBytes: bytes.length, maxBytes: settings.maxBytes });
  try {
    const chunks: Float32Array[] = [];
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) {
      if (cancelled()) throw new DecodeAbortedError();
      chunks.push(...(await decoder.push(bytes.subarray(at, at + PIECE_BYTES))));
    }
    chunks.push(...(await decoder.end()));
    const format = decoder.format as AudioFormat;
    let samples = concat(chunks);
    chunks.length = 0;
    const target = settings.sampleRate ?? format.sampleRate;
    if (target !== format.sampleRate) samples = resample(samples, format, target, settings.maxBytes, cancelled);
    return { samples, channels: format.channels, sampleRate: target, sourceRate: format.sampleRate, format: decoder.kind as string };
  } finally {
    decoder.free();
  }
}

function resample(samples: Float32Array, format: AudioFormat, target: number, maxBytes: number, cancelled: () => boolean): Float32Array {
  const { channels, sampleRate } = format;
  const frames = samples.length / channels;
  const outFrames = Math.ceil((frames * target) / sampleRate);
  OutputBudget.check(outFrames * channels, maxBytes);
  const resampler = new Resampler(channels, sampleRate, target);
  const out = new Float32Array(outFrames * channels);
  let written = 0;
  const step = Math.max(channels, PIECE_SAMPLES - (PIECE_SAMPLES % channels));
  for (let at = 0; at < samples.length; at += step) {
    if (cancelled()) throw new DecodeAbortedError();
    const piece = resampler.process(samples.subarray(at, at + step));
    out.set(piece, written);
    written += piece.length;
  }
  out.set(resampler.flush(), written);
  return out;
}
