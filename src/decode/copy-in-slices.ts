// Copies the caller's bytes into a buffer of our own (which then moves to a
// decode thread) a few MiB per event-loop turn: a 100 MB file copied in one go
// would hold the loop for tens of milliseconds.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** About 1-5 ms per slice here, even when first touching the new pages is slow. */
const SLICE = 512 * 1024;

export async function copyInSlices(input: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(input.length);
  for (let at = 0; at < input.length; at += SLICE) {
    if (at > 0) await nextTurn();
    out.set(input.subarray(at, at + SLICE), at);
  }
  return out;
}
