// Coded errors of the decoders. They cross the worker boundary as plain
// { code, message } objects and are rebuilt here, so a caller always gets an
// RtMixerError subclass with a stable `code`, whichever thread found the fault.
import { RtMixerError, RtMixerErrorCode } from '../errors';

/** The bytes are not a format we read, or a variant of one that we refuse (named, with what to convert it to). */
export class UnsupportedFormatError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_UNSUPPORTED_FORMAT', message);
  }
}

/** A malformed, hostile or truncated file: sizes past the end, impossible counts, a codec's own error. */
export class MalformedFileError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_MALFORMED_FILE', message);
  }
}

/** The decoded audio would exceed the caller's maxBytes (or the file declares a rate/channel count out of bounds). */
export class DecodeLimitError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_DECODE_LIMIT', message);
  }
}

/** The caller's AbortSignal fired before the decode finished. */
export class DecodeAbortedError extends RtMixerError {
  constructor() {
    super('ERR_RTMIXER_ABORTED', 'The decode was aborted by its AbortSignal');
  }
}

/** The decode thread ended (terminateDecodeThreads(), or it crashed) before answering. */
export class DecodeThreadStoppedError extends RtMixerError {
  constructor(reason: string) {
    super('ERR_RTMIXER_ABORTED', `The decode thread stopped (${reason}) before the decode finished`);
  }
}

/** Too many decodes are waiting for a worker: refused before the bytes are copied. */
export class DecodeBusyError extends RtMixerError {
  constructor(limit: number) {
    super(
      'ERR_RTMIXER_QUEUE_FULL',
      `${limit} decodes are already waiting for a decoder thread. Wait for some to finish before sending more files.`,
    );
  }
}

/** The form an error takes in a worker message. */
export interface SerializedError {
  code?: string;
  message: string;
}

export function serializeError(err: unknown): SerializedError {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : undefined, message: String(e?.message ?? err) };
}

const BY_CODE: Partial<Record<RtMixerErrorCode, new (message: string) => RtMixerError>> = {
  ERR_RTMIXER_UNSUPPORTED_FORMAT: UnsupportedFormatError,
  ERR_RTMIXER_MALFORMED_FILE: MalformedFileError,
  ERR_RTMIXER_DECODE_LIMIT: DecodeLimitError,
};

/** A worker's error as the coded error it was; anything uncoded is a malformed file (a codec library threw). */
export function deserializeError(error: SerializedError): RtMixerError {
  if (error.code === 'ERR_RTMIXER_ABORTED') return new DecodeAbortedError();
  if (error.code === 'ERR_RTMIXER_INVALID_ARGUMENT' || error.code === 'ERR_RTMIXER_NATIVE') {
    return new RtMixerError(error.code, error.message);
  }
  const Kind = BY_CODE[error.code as RtMixerErrorCode] ?? MalformedFileError;
  return new Kind(error.message);
}
