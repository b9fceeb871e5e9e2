// Shared sounds: samples checked and copied once into immutable native memory
// (mixer.load), then played any number of times at once with no copy and no
// scan (mixer.play(sound)). The memory goes when the sound is released (or
// garbage-collected) and no action plays it any more.
import { InvalidArgumentError } from './errors';
import { callNative, native, NativeSound } from './native';
import { requireFloat32Array, requireInteger, requireOptions } from './validate';

export interface LoadOptions {
  /** Interleaved channels in `samples` (1 to the mixer's output channels). */
  channels: number;
}

const LOAD_OPTIONS = ['channels'] as const;

export class Sound {
  /** Frames (samples per channel). */
  readonly frames: number;
  readonly channels: number;
  /** Bytes of native memory the samples take. */
  readonly byteLength: number;
  /** @internal the addon's handle, handed to the callback by play() */
  readonly native: NativeSound;

  /** @internal use mixer.load() */
  constructor(handle: NativeSound) {
    this.native = handle;
    this.frames = handle.frames;
    this.channels = handle.channels;
    this.byteLength = handle.byteLength;
  }

  /** True once release() was called: play() refuses it from then on. */
  get released(): boolean {
    return this.native.released;
  }

  /**
   * Gives the native memory back once no action plays the sound any more
   * (actions already playing it play on to their end). Calling it again does
   * nothing. A sound never released is freed when it is garbage-collected.
   */
  release(): void {
    this.native.release();
  }
}

/** @internal mixer.load(): `maxChannels` is the mixer's output channel count. */
export function loadSound(samples: Float32Array, options: LoadOptions, maxChannels: number): Sound {
  requireFloat32Array('samples', samples);
  options = requireOptions('load()', options, LOAD_OPTIONS);
  if (options.channels === undefined) throw new InvalidArgumentError('load() needs { channels }: how many interleaved channels the samples hold');
  const most = Math.min(64, maxChannels);
  if (most < 1) throw new InvalidArgumentError('Cannot load a sound: this mixer has no output channels');
  const channels = requireInteger('channels', options.channels, 1, most);
  if (samples.length === 0) throw new InvalidArgumentError('samples is empty: there is nothing to load');
  if (samples.length % channels !== 0) {
    throw new InvalidArgumentError(`samples has ${samples.length} values, which is not a whole number of ${channels}-channel frames`);
  }
  // The addon scans for NaN and Infinity while it copies (one pass, vectorised).
  const handle = callNative(() => new (native().NativeSound)(samples, channels), (message) => new InvalidArgumentError(message));
  return new Sound(handle);
}
