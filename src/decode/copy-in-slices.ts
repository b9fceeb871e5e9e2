// Copies the caller's bytes into a buffer of our own (which then goes to a
// decode thread) a slice per event-loop turn: a 100 MB file copied in one go
// would hold the loop for tens of milliseconds.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * 64 pages a turn. Reading memory the kernel just filled (a Buffer from fs.readFile) costs up to
 * ~50 µs a page on first touch on this project's CI-class VM (1.4 s per 100 MB): in 256 KiB
 * slices that is ~3 ms a turn, never a stall.
 */
const SLICE = 256 * 1024;

export async function copyInSlices(input: Uint8Array, into?: Uint8Array): Promise<Uint8Array> {
  const out = into ?? new Uint8Array(input.length);
  for (let at = 0; at < input.length; at += SLICE) {
    if (at > 0) await nextTurn();
    out.set(input.subarray(at, at + SLICE), at);
  }
  return out;
}
