// Messages between the main thread and a decode worker. Bytes and samples
// travel as transferred ArrayBuffers (moved, not copied).
import { SerializedError } from './errors';

export interface DecodeSettings {
  /** Resample to this rate (when the file's differs). */
  sampleRate?: number;
  /** Refuse when the decoded float32 audio would pass this many bytes. */
  maxBytes: number;
}

export type Request =
  /** `cancel`: an Int32Array on shared memory; the main thread stores 1 to abort the job. */
  | { type: 'decode'; id: number; bytes: ArrayBuffer | SharedArrayBuffer; settings: DecodeSettings; cancel: Int32Array }
  /** Shared memory for a large input, its pages touched by the worker (see decode-audio.ts). */
  | { type: 'alloc'; id: number; size: number }
  | { type: 'open'; id: number; session: number; settings: { sampleRate?: number } }
  | { type: 'push'; id: number; session: number; bytes: ArrayBuffer }
  | { type: 'end'; id: number; session: number }
  | { type: 'close'; id: number; session: number };

export interface Reply {
  id: number;
  error?: SerializedError;
  samples?: ArrayBuffer;
  channels?: number;
  sampleRate?: number;
  /** The file's own format, when the decode resampled. */
  sourceRate?: number;
  format?: string;
  shared?: SharedArrayBuffer;
}
