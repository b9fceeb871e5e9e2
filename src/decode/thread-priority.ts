// Decode threads run at a lower CPU priority (nice +10) than the thread that
// started them, so on a busy machine the event loop (Node-RED's flows) gets the
// core first and decoding takes what is left. Linux sets niceness per thread:
// /proc/thread-self names this thread's id. Elsewhere this does nothing.
import fs from 'node:fs';
import os from 'node:os';

export const DECODE_NICENESS = 10;

export function lowerThreadPriority(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + DECODE_NICENESS));
  } catch {
    // Not Linux, or not allowed: decoding still runs off the event loop, at normal priority.
  }
}
