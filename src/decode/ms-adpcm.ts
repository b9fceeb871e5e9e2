// Microsoft ADPCM blocks (WAV format 0x02) to float, the algorithm of sox's
// adpcm.c: per channel a predictor index, a step and two starting samples,
// then nibbles (high first) that alternate between channels, each predicted
// from the channel's two previous samples with the file's coefficient pair.
import { WavFormat } from './wav-format';

const ADAPT = [230, 230, 230, 230, 307, 409, 512, 614, 768, 614, 512, 409, 307, 230, 230, 230];

/** Frames a block of `length` bytes holds (a last block may be short). */
export function msFramesIn(length: number, fmt: WavFormat): number {
  const header = 7 * fmt.channels;
  if (length < header) return 0;
  return Math.min(fmt.framesPerBlock, 2 + Math.floor(((length - header) * 2) / fmt.channels));
}

const coef1 = new Int32Array(64);
const coef2 = new Int32Array(64);
const step = new Int32Array(64);
const prev1 = new Int32Array(64);
const prev2 = new Int32Array(64);

/** Decodes one block into `out` at frame `at`; returns the frames written. */
export function decodeMsBlock(block: Uint8Array, fmt: WavFormat, out: Float32Array, at: number): number {
  const chans = fmt.channels;
  const coefs = fmt.coefficients as Int16Array;
  const count = coefs.length / 2;
  const frames = msFramesIn(block.length, fmt);
  const s16 = (p: number) => ((block[p] | (block[p + 1] << 8)) << 16) >> 16;
  for (let ch = 0; ch < chans; ch++) {
    let predictor = block[ch];
    if (predictor >= count) predictor = 0; // sox: "bpred >= nCoef, arbitrarily using 0"
    coef1[ch] = coefs[2 * predictor];
    coef2[ch] = coefs[2 * predictor + 1];
    step[ch] = s16(chans + 2 * ch);
    prev1[ch] = s16(3 * chans + 2 * ch); // the block's second sample
    prev2[ch] = s16(5 * chans + 2 * ch); // its first
    out[at * chans + ch] = prev2[ch] / 32768;
    if (frames > 1) out[(at + 1) * chans + ch] = prev1[ch] / 32768;
  }
  let p = 7 * chans;
  let o = (at + 2) * chans;
  const end = (at + frames) * chans;
  let ch = 0;
  for (let nibbleHigh = true; o < end; nibbleHigh = !nibbleHigh) {
    const code = nibbleHigh ? block[p] >> 4 : block[p++] & 0x0f;
    const predicted = (prev1[ch] * coef1[ch] + prev2[ch] * coef2[ch]) >> 8;
    const delta = step[ch];
    let next = Math.imul(ADAPT[code], delta) >> 8;
    step[ch] = next < 16 ? 16 : next;
    next = predicted + (code & 8 ? code - 16 : code) * delta;
    next = next < -32768 ? -32768 : next > 32767 ? 32767 : next;
    prev2[ch] = prev1[ch];
    prev1[ch] = next;
    out[o++] = next / 32768;
    if (++ch === chans) ch = 0;
  }
  return frames;
}
