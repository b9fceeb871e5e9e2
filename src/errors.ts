/** Every error this package throws carries a stable `code` (Node-RED's Catch node shows it). */
export type RtMixerErrorCode =
  | 'ERR_RTMIXER_INVALID_ARGUMENT'
  | 'ERR_RTMIXER_DEVICE_NOT_FOUND'
  | 'ERR_RTMIXER_STREAM_OPEN'
  | 'ERR_RTMIXER_CLOSED'
  | 'ERR_RTMIXER_QUEUE_FULL'
  | 'ERR_RTMIXER_LATE_START'
  | 'ERR_RTMIXER_ACTION_FINISHED'
  | 'ERR_RTMIXER_TOO_LARGE'
  | 'ERR_RTMIXER_NO_MEMORY'
  | 'ERR_RTMIXER_RING_BUSY'
  | 'ERR_RTMIXER_NATIVE'
  | 'ERR_RTMIXER_STREAM_LOST'
  // Sound banks (src/sound-bank.ts):
  | 'ERR_RTMIXER_UNKNOWN_SOUND'
  | 'ERR_RTMIXER_VOICE_LIMIT'
  // Decoding sound files (src/decode/errors.ts):
  | 'ERR_RTMIXER_UNSUPPORTED_FORMAT'
  | 'ERR_RTMIXER_MALFORMED_FILE'
  | 'ERR_RTMIXER_DECODE_LIMIT'
  | 'ERR_RTMIXER_ABORTED';

export class RtMixerError extends Error {
  readonly code: RtMixerErrorCode;
  constructor(code: RtMixerErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A wrong type, range or shape of an argument. */
export class InvalidArgumentError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_INVALID_ARGUMENT', message);
  }
}

export class DeviceNotFoundError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_DEVICE_NOT_FOUND', message);
  }
}

/** PortAudio refused the stream (sample rate, channel count, busy device…). */
export class StreamOpenError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_STREAM_OPEN', message);
  }
}

export class MixerClosedError extends RtMixerError {
  /** @param lost the loss that closed the mixer, if that is why */
  constructor(what: string, lost?: StreamLostError) {
    super('ERR_RTMIXER_CLOSED', `Cannot ${what}: the mixer is closed${lost ? ` (${lost.message.split('. ')[0]})` : ''}. Create a new Mixer.`);
  }
}

/**
 * The stream died under an open Mixer: its host stopped it (a JACK server
 * that went away, a card unplugged), or its callback stopped coming. The
 * mixer has closed itself.
 */
export class StreamLostError extends RtMixerError {
  readonly reason: 'host' | 'stalled';
  constructor(device: string, reason: 'host' | 'stalled') {
    const how = reason === 'host'
      ? 'was stopped by its host (a JACK server that went away, a card unplugged)'
      : 'stopped calling back (no audio block for 150 ms)';
    super(
      'ERR_RTMIXER_STREAM_LOST',
      `device lost: the audio stream on ${device} ${how}. The mixer closed itself and every action in flight ended with closed: true. ` +
        'Create a new Mixer once the device is back.',
    );
    this.reason = reason;
  }
}

export class QueueFullError extends RtMixerError {
  /** The mixer's queueSize when its action queue is what filled up. */
  readonly limit?: number;
  /** `limit`: the mixer's queueSize; or a message that says which queue is full and what to do. */
  constructor(limit: number | string) {
    super(
      'ERR_RTMIXER_QUEUE_FULL',
      typeof limit === 'string'
        ? limit
        : `The action queue is full: ${limit} actions are in flight. Wait for some to finish, or raise the queueSize option.`,
    );
    if (typeof limit === 'number') this.limit = limit;
  }
}

/** An action whose start time had passed, with allowBelated false. */
export class LateStartError extends RtMixerError {
  readonly lateFrames: number;
  constructor(readonly at: number, lateFrames: number) {
    super(
      'ERR_RTMIXER_LATE_START',
      `The action was dropped: its start frame ${at} had passed ${lateFrames} frames before the audio callback saw it. ` +
        'Schedule further ahead, or pass allowBelated: true to start late instead.',
    );
    this.lateFrames = lateFrames;
  }
}

/** The native addon or PortAudio could not be loaded, or failed unexpectedly. */
export class NativeError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_NATIVE', message);
  }
}

/** setGain() on an action that has already finished or been cancelled. */
export class ActionFinishedError extends RtMixerError {
  constructor(what: string) {
    super('ERR_RTMIXER_ACTION_FINISHED', `Cannot ${what}: the action has already finished (or was cancelled).`);
  }
}

/** A buffer larger than the documented limits (README: Limits); nothing was allocated. */
export class TooLargeError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_TOO_LARGE', message);
  }
}

/** The memory for an action, a ring buffer or a recording could not be allocated; nothing was started. */
export class NoMemoryError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_NO_MEMORY', message);
  }
}

/** A RingBuffer used from the end the audio callback owns, or given to a second action. */
export class RingBusyError extends RtMixerError {
  constructor(message: string) {
    super('ERR_RTMIXER_RING_BUSY', message);
  }
}

/** A sound bank was asked for a name it does not hold (or still decodes). */
export class UnknownSoundError extends RtMixerError {
  readonly soundName: string;
  constructor(name: string, known: readonly string[], loading: boolean) {
    super(
      'ERR_RTMIXER_UNKNOWN_SOUND',
      loading
        ? `The sound "${name}" is still loading: trigger it once its file has been decoded`
        : `There is no sound named "${name}". Known sounds: ${known.length ? known.map((n) => `"${n}"`).join(', ') : 'none yet'}.`,
    );
    this.soundName = name;
  }
}

/** A sound's polyphony limit was reached and its steal mode is 'refuse'. */
export class VoiceLimitError extends RtMixerError {
  constructor(name: string, limit: number) {
    super(
      'ERR_RTMIXER_VOICE_LIMIT',
      `The sound "${name}" already plays ${limit} voice${limit === 1 ? '' : 's'}, its polyphony limit, and steal mode is "refuse": ` +
        'wait for one to end, stop them, raise the limit, or steal the oldest voice instead.',
    );
  }
}

const NATIVE_CODES: Partial<Record<RtMixerErrorCode, new (message: string) => RtMixerError>> = {
  ERR_RTMIXER_TOO_LARGE: TooLargeError,
  ERR_RTMIXER_NO_MEMORY: NoMemoryError,
  ERR_RTMIXER_RING_BUSY: RingBusyError,
};

/** The class of ours for an Error the addon threw with a `code`, if it has one. */
export function errorFromNative(code: unknown, message: string): RtMixerError | undefined {
  const Class = NATIVE_CODES[code as RtMixerErrorCode];
  return Class ? new Class(message) : undefined;
}
