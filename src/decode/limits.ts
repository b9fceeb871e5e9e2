// The bounds every decode checks before it allocates: rates, channels and the
// decoded size. A file that declares 1 Hz or 65 535 channels is refused from
// its header, before a single sample is produced.
import { DecodeLimitError } from './errors';

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 384000;
export const MAX_CHANNELS = 64;
/** Decoded (and resampled) float32 output allowed unless the caller raises it: 1 GiB, ~46 min of 48 kHz stereo. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

export function checkRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw new DecodeLimitError(
      `${what} is ${rate} Hz; rates from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz are accepted. Convert the file, e.g. sox in.wav -r 48000 out.wav`,
    );
  }
}

export function checkChannels(channels: number, what: string): void {
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new DecodeLimitError(`${what} has ${channels} channels; 1 to ${MAX_CHANNELS} are accepted`);
  }
}

/** Tracks the decoded size against maxBytes, so a decode stops at the limit instead of growing without bound. */
export class OutputBudget {
  private used = 0;
  constructor(private readonly maxBytes: number) {}

  /** Throws before `samples` more float32 samples would pass the limit. */
  take(samples: number): void {
    this.used += samples * 4;
    if (this.used > this.maxBytes) throw tooLarge(this.maxBytes);
  }

  /** Throws if a decode whose size is known up front would pass the limit. */
  static check(samples: number, maxBytes: number): void {
    if (samples * 4 > maxBytes) throw tooLarge(maxBytes, samples * 4);
  }
}

function tooLarge(maxBytes: number, needed?: number): DecodeLimitError {
  const need = needed === undefined ? 'more than that' : `${mib(needed)} MiB`;
  return new DecodeLimitError(
    `The decoded audio would take ${need}, past the limit of ${mib(maxBytes)} MiB. ` +
      'Raise the maxBytes option if the file is meant to be this long, or stream it instead of decoding it whole.',
  );
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
