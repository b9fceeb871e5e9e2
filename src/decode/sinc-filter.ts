// The resampler's filter: a Kaiser-windowed sinc low-pass, designed with
// Kaiser's formulas for a stated stopband attenuation and transition band,
// stored as a table of polyphase rows (one per fractional input position).

export interface FilterSpec {
  /** Passband edge, as a fraction of the lower rate's Nyquist frequency. */
  passband: number;
  /** Stopband edge, the same way (1 = nothing above the lower Nyquist folds back). */
  stopband: number;
  /** Stopband attenuation to design for, dB. */
  attenuationDb: number;
}

/** The quality this package resamples at (README, "Formats and limits"): measured by test/unit/decode-resampler.test.js. */
export const DEFAULT_FILTER: FilterSpec = { passband: 0.9, stopband: 1.0, attenuationDb: 100 };

/** Modified Bessel function of the first kind, order 0 (series; converges fast for the betas used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200 && term > 1e-21 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

export interface PolyphaseTable {
  /** Taps per row (input samples each output reads). */
  taps: number;
  /** The first tap's offset from the output position's integer input index. */
  firstTap: number;
  /** Rows: `phases + 1` rows of `taps` (the extra row is phase 1.0, for interpolating between rows). */
  rows: Float32Array;
  phases: number;
}

/**
 * Rows for `phases` equally spaced fractional positions. `ratio` = output rate / input rate:
 * when it is below 1 the cutoff moves down with it (anti-aliasing before decimation).
 */
export function designTable(ratio: number, phases: number, spec: FilterSpec = DEFAULT_FILTER): PolyphaseTable {
  const scale = Math.min(1, ratio); // the lower Nyquist, in cycles per input sample, is 0.5 * scale
  const cutoff = 0.25 * (spec.passband + spec.stopband) * scale;
  const transition = 0.5 * (spec.stopband - spec.passband) * scale;
  const a = spec.attenuationDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  const length = Math.ceil((a - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1;
  const half = Math.ceil(length / 2);
  const taps = 2 * half;
  const firstTap = -half + 1;
  const rows = new Float32Array((phases + 1) * taps);
  const i0Beta = besselI0(beta);
  for (let p = 0; p <= phases; p++) {
    const frac = p / phases;
    let sum = 0;
    const row = new Float64Array(taps);
    for (let j = 0; j < taps; j++) {
      const t = firstTap + j - frac; // input sample position relative to the output position
      const x = t / half;
      if (Math.abs(x) >= 1) continue;
      const arg = 2 * cutoff * t;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      row[j] = 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta);
      sum += row[j];
    }
    // Each row sums to exactly 1: DC passes at unity gain whatever the phase.
    for (let j = 0; j < taps; j++) rows[p * taps + j] = row[j] / sum;
  }
  return { taps, firstTap, rows, phases };
}
