// IMA ADPCM blocks (WAV format 0x11) to float, the algorithm of sox's
// ima_rw.c: per channel a 4-byte header (first sample, step index), then
// 4-byte groups of 8 nibbles per channel, interleaved, low nibble first.
import { WavFormat } from './wav-format';

const STEPS = new Int32Array([
  7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107, 118,
  130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796, 876, 963, 1060,
  1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894, 6484,
  7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767,
]);
const INDEX_ADJUST = [-1, -1, -1, -1, 2, 4, 6, 8];

/** Frames a block of `length` bytes holds (a last block may be short). */
export function imaFramesIn(length: number, fmt: WavFormat): number {
  const header = 4 * fmt.channels;
  if (length < header) return 0;
  return Math.min(fmt.framesPerBlock, 1 + Math.floor((length - header) / header) * 8);
}

/** Decodes one block into `out` at frame `at`; returns the frames written. */
export function decodeImaBlock(block: Uint8Array, fmt: WavFormat, out: Float32Array, at: number): number {
  const chans = fmt.channels;
  const frames = imaFramesIn(block.length, fmt);
  for (let ch = 0; ch < chans; ch++) {
    let value = (block[4 * ch] | (block[4 * ch + 1] << 8)) << 16 >> 16;
    let index = block[4 * ch + 2];
    if (index > 88) index = 0; // sox: a corrupt index restarts at 0
    let o = at * chans + ch;
    out[o] = value / 32768;
    let p = 4 * chans + 4 * ch;
    for (let i = 1; i < frames; i++) {
      let code: number;
      if (i & 1) {
        code = block[p] & 0x0f;
      } else {
        code = block[p++] >> 4;
        if ((i & 7) === 0) p += 4 * (chans - 1);
      }
      let step = STEPS[index];
      let diff = step >> 3;
      if (code & 4) diff += step;
      step >>= 1;
      if (code & 2) diff += step;
      if (code & 1) diff += step >> 1;
      value = code & 8 ? Math.max(-32768, value - diff) : Math.min(32767, value + diff);
      index += INDEX_ADJUST[code & 7];
      index = index < 0 ? 0 : index > 88 ? 88 : index;
      o += chans;
      out[o] = value / 32768;
    }
  }
  return frames;
}
