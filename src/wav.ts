// Interleaved float32 samples -> WAV bytes, for the record node. (Reading WAV
// files is src/decode/'s bounded parser: one WAV parser in the package.)
import { WaveFile } from 'wavefile';

export type WavEncoding = 'wav' | 'wav-float';

/**
 * Interleaved float samples as a WAV file: 16-bit PCM ('wav') or 32-bit float
 * ('wav-float'). wavefile writes the container; the samples go in as the
 * little-endian bytes they already are (the hosts we build for are all
 * little-endian), which gives the same file as wavefile's own packing about
 * 250 times faster (5 s of stereo float: 6 ms instead of 1.6 s).
 */
export function encodeWav(samples: Float32Array, channels: number, sampleRate: number, encoding: WavEncoding): Buffer {
  let packed: Float32Array | Int16Array;
  if (encoding === 'wav-float') {
    packed = samples;
  } else {
    packed = new Int16Array(samples.length);
    // The inverse of the decoder's n / 32768, clipped to the int16 range.
    for (let i = 0; i < samples.length; i++) packed[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768)));
  }
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, encoding === 'wav-float' ? '32f' : '16', []);
  const data = wav.data as { samples: Uint8Array; chunkSize: number };
  data.samples = new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
  data.chunkSize = packed.byteLength;
  const bytes = wav.toBuffer();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
