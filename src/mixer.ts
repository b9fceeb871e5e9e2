// The Mixer: one PortAudio stream whose C callback mixes every action handed
// to it. JavaScript only prepares actions and collects their results.
import { EventEmitter } from 'node:events';
import { Action, ActionKind, ActionResult } from './action';
import type { DeviceInfo } from './devices';
import { ActionFinishedError, InvalidArgumentError, MixerClosedError, NoMemoryError, QueueFullError, StreamLostError } from './errors';
import type { MixerOptions } from './mixer-options';
import { ActionType, callNative, NativeActionDescriptor, NativeMixer, NativeResult, Outcome } from './native';
import { openEngine } from './open-engine';
import { Queue, QueueItem } from './queue';
import { AudioReadStream, AudioReadStreamOptions } from './read-stream';
import { AudioWriteStream, AudioWriteStreamOptions } from './write-stream';
import { RingBuffer } from './ringbuffer';
import { loadSound, LoadOptions, Sound } from './sound';
import { curveCode, Duration, durationToFrames, FadeCurve, SHAPE_OPTIONS, shapeFor, ShapeOptions } from './shaping';
import { Stats, statsFromNative } from './stats';
import { XrunEvent, xrunEventFrom } from './xruns';
import {
  allChannels, channelMap, describeValue, optionalBoolean, requireFinite, requireFiniteSamples,
  requireFloat32Array, requireGain, requireInteger, requireOptions,
} from './validate';

export interface StartOptions {
  /** Start frame on the mixer clock (see currentFrame); default: as soon as possible. */
  at?: number;
  /** If `at` has passed when the callback sees the action: start late (true) or drop it (false, default). */
  allowBelated?: boolean;
}

export interface PlayOptions extends StartOptions, ShapeOptions {
  /**
   * Start on the frame right after this action ends (gapless, decided in the
   * callback). If it has already ended, the sound starts at once and `late`
   * says by how much. Excludes `at`.
   */
  after?: Action;
  /** 1-based output channel for each source channel; its length is the source channel count. Default: all output channels. */
  channels?: number[];
  /** Linear gain, default 1. */
  gain?: number;
}

export interface RecordOptions extends StartOptions {
  /** 1-based input channels to record; default: all. */
  channels?: number[];
}

/** Ring playback takes no fades, loops or successor: only what the callback applies to a stream. */
export interface PlayRingbufferOptions extends StartOptions {
  /** 1-based output channel for each of the ring's channels. Default: the first ones. */
  channels?: number[];
  /** Linear gain, default 1. */
  gain?: number;
  /** Finish by itself once ringBuffer.end() was called and everything written has played. Default true. */
  endWhenDrained?: boolean;
}

export interface CancelOptions {
  /** Frame to stop at (default: the next block). */
  at?: number;
  /** Fade out over this long from `at` instead of stopping dead (play() sounds). */
  fadeOut?: Duration;
  curve?: FadeCurve;
}

export interface SetGainOptions {
  /** Frame the change starts at (default: the next block). */
  at?: number;
  /** Length of the linear ramp from the current gain (default: a jump). */
  ramp?: Duration;
}

// The option names each call accepts; any other key is refused (a typo such as
// `fadeout` would otherwise be silently ignored).
const START_OPTIONS = ['at', 'allowBelated'] as const;
const PLAY_OPTIONS = [...START_OPTIONS, 'after', 'channels', 'gain', ...SHAPE_OPTIONS] as const;
const RECORD_OPTIONS = [...START_OPTIONS, 'channels'] as const;
const PLAY_RING_OPTIONS = [...START_OPTIONS, 'channels', 'gain', 'endWhenDrained'] as const;
const CANCEL_OPTIONS = ['at', 'fadeOut', 'curve'] as const;
const SET_GAIN_OPTIONS = ['at', 'ramp'] as const;
const WRITE_STREAM_OPTIONS = ['channels', 'ringFrames', 'prefillFrames', 'gain', 'after'] as const;
const READ_STREAM_OPTIONS = [...RECORD_OPTIONS, 'ringFrames', 'pollMs'] as const;

export interface MixerEvents {
  xrun: [XrunEvent];
  /**
   * The stream died (ERR_RTMIXER_STREAM_LOST); the mixer has closed itself.
   * Emitted only when an 'error' listener exists (an unheard 'error' would
   * crash the process): mixer.lostError keeps it either way.
   */
  error: [StreamLostError];
  close: [];
}

export class Mixer extends EventEmitter {
  readonly sampleRate: number;
  /** Frames per callback as requested (0 = the host's choice, which may vary). */
  readonly blockSize: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
  /** Seconds from an ADC to the input buffer, as PortAudio reports for this stream. */
  readonly inputLatency: number;
  /** Seconds from the output buffer to the DAC, as PortAudio reports for this stream. */
  readonly outputLatency: number;
  readonly inputDevice: DeviceInfo | undefined;
  readonly outputDevice: DeviceInfo | undefined;
  readonly queueSize: number;

  private engine: NativeMixer | undefined;
  private readonly pending = new Map<number, Action>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  /** Why the mixer closed itself, if its stream died (also emitted as 'error'). */
  lostError: StreamLostError | undefined;

  constructor(options: MixerOptions = {}) {
    super();
    const { engine, resolved } = callNative(() => openEngine(options, () => this.collect()));
    this.engine = engine;
    const info = engine.info();
    this.sampleRate = info.sampleRate;
    this.inputLatency = info.inputLatency;
    this.outputLatency = info.outputLatency;
    this.blockSize = resolved.config.blockSize;
    this.inputChannels = resolved.config.inputChannels;
    this.outputChannels = resolved.config.outputChannels;
    this.inputDevice = resolved.inputDevice;
    this.outputDevice = resolved.outputDevice;
    this.queueSize = resolved.config.queueCapacity;
  }

  /** The frame clock that `at` refers to: the first frame of the next callback block. */
  get currentFrame(): number {
    return this.engine ? this.engine.frame : 0;
  }

  /**
   * Where a moment falls on the frame clock, in (fractional) frames: `time` is
   * a `process.hrtime.bigint()` reading, by default now. Interpolated from when
   * the latest block's callback began: that callback produces frames from its
   * block's first frame on. A play called at that moment starts at the next
   * block, so `play(...).done`'s `startFrame - frameAt(arrival)` is the trigger
   * latency; `at: Math.ceil(mixer.frameAt(arrival)) + k` schedules a start a
   * fixed k frames after a message's arrival, free of event-loop jitter.
   * The clock advances only as blocks run: a moment after the latest block's
   * span (its successor late) maps to that block's end, where a play then
   * starts. NaN before the stream's first block.
   */
  frameAt(time: bigint = process.hrtime.bigint()): number {
    const clock = this.engine?.clock() ?? null;
    if (!clock) return NaN;
    const since = clock.frame + (Number(time - clock.timeNs) / 1e9) * this.sampleRate;
    return Math.min(since, clock.frame + clock.frames);
  }

  /** currentFrame in seconds. */
  get time(): number {
    return this.currentFrame / this.sampleRate;
  }

  get closed(): boolean {
    return this.engine === undefined;
  }

  /** Actions handed to the callback and not yet back. */
  get actionsInFlight(): number {
    return this.pending.size;
  }

  /** Converts seconds to frames on this mixer's clock. */
  framesFromSeconds(seconds: number): number {
    return Math.round(requireFinite('seconds', seconds) * this.sampleRate);
  }

  /**
   * Copies and checks interleaved samples once into native memory: play() of
   * the returned Sound then costs no copy and no scan, any number of times at
   * once, on this mixer or another whose outputs fit. release() it when done.
   */
  load(samples: Float32Array, options: LoadOptions): Sound {
    this.requireOpen('load a sound');
    return loadSound(samples, options, this.outputChannels);
  }

  /** Plays interleaved samples (copied) or a loaded Sound (in place); returns at once, `done` settles when playback ends. */
  play(samples: Float32Array | Sound, options: PlayOptions = {}): Action {
    this.requireOpen('play');
    options = requireOptions('play()', options, PLAY_OPTIONS);
    if (samples instanceof Sound) return this.playSound(samples, options);
    requireFloat32Array('samples', samples);
    if (this.outputChannels === 0) throw new InvalidArgumentError('Cannot play: this mixer has no output channels');
    const map = channelMap('channels', options.channels ?? allChannels(this.outputChannels), this.outputChannels);
    if (samples.length === 0) throw new InvalidArgumentError('samples is empty: there is nothing to play');
    if (samples.length % map.length !== 0) {
      throw new InvalidArgumentError(
        `samples has ${samples.length} values, which is not a whole number of ${map.length}-channel frames ` +
          `(channels lists ${map.length} output channels, one per interleaved source channel)`,
      );
    }
    requireFiniteSamples('samples', samples);
    const gain = options.gain === undefined ? 1 : requireGain('gain', options.gain);
    const shape = shapeFor(options, samples.length / map.length, this.sampleRate);
    const afterId = this.predecessor(options);
    const start = afterId ? { allowBelated: options.allowBelated ?? true } : options;
    return this.submit('play', ActionType.PlayBuffer, start, { channelMap: map, gain, samples, ...shape, afterId });
  }

  /** play() of a loaded Sound: its checks were made once at load. */
  private playSound(sound: Sound, options: PlayOptions): Action {
    if (sound.released) throw new InvalidArgumentError('Cannot play a released Sound: load the samples again');
    if (this.outputChannels === 0) throw new InvalidArgumentError('Cannot play: this mixer has no output channels');
    if (options.channels === undefined && sound.channels > this.outputChannels) {
      throw new InvalidArgumentError(
        `The sound has ${sound.channels} channels but this mixer has ${this.outputChannels} outputs: pass channels to say where each goes`,
      );
    }
    const map = channelMap('channels', options.channels ?? allChannels(sound.channels), this.outputChannels);
    if (map.length !== sound.channels) {
      throw new InvalidArgumentError(`channels lists ${map.length} output channels but the sound has ${sound.channels} channels (one output per sound channel)`);
    }
    const gain = options.gain === undefined ? 1 : requireGain('gain', options.gain);
    const shape = shapeFor(options, sound.frames, this.sampleRate);
    const afterId = this.predecessor(options);
    const start = afterId ? { allowBelated: options.allowBelated ?? true } : options;
    return this.submit('play', ActionType.PlayBuffer, start, { channelMap: map, gain, sound: sound.native, ...shape, afterId });
  }

  /** Plays sounds one after another, each on the frame after the previous one ends. */
  queue(items: QueueItem[], options: StartOptions = {}): Queue {
    this.requireOpen('queue');
    return new Queue(this, items, requireOptions('queue()', options, START_OPTIONS));
  }

  /** Records `frames` frames; `done` resolves with the samples. */
  record(frames: number, options: RecordOptions = {}): Action {
    this.requireOpen('record');
    options = requireOptions('record()', options, RECORD_OPTIONS);
    requireInteger('frames', frames, 1, 2 ** 31);
    if (this.inputChannels === 0) throw new InvalidArgumentError('Cannot record: this mixer has no input channels');
    const map = channelMap('channels', options.channels ?? allChannels(this.inputChannels), this.inputChannels);
    return this.submit('record', ActionType.RecordBuffer, options, { channelMap: map, frames });
  }

  /** Plays what is written into `ring` until cancelled or, after ring.end(), drained. */
  playRingbuffer(ring: RingBuffer, options: PlayRingbufferOptions = {}): Action {
    this.requireOpen('play a ring buffer');
    options = requireOptions('playRingbuffer()', options, PLAY_RING_OPTIONS);
    const map = this.ringChannelMap(ring, options.channels, 'output');
    const gain = options.gain === undefined ? 1 : requireGain('gain', options.gain);
    const endWhenDrained = optionalBoolean('endWhenDrained', options.endWhenDrained, true);
    return this.submit('playRingbuffer', ActionType.PlayRingbuffer, options, { channelMap: map, gain, ring: ring.native, endWhenDrained });
  }

  /** Records into `ring` until cancelled; frames with no room are counted as overflow. */
  recordRingbuffer(ring: RingBuffer, options: RecordOptions = {}): Action {
    this.requireOpen('record into a ring buffer');
    options = requireOptions('recordRingbuffer()', options, RECORD_OPTIONS);
    const map = this.ringChannelMap(ring, options.channels, 'input');
    return this.submit('recordRingbuffer', ActionType.RecordRingbuffer, options, { channelMap: map, ring: ring.native });
  }

  /** A Writable of interleaved float32 PCM (Buffers or Float32Arrays) played through a ring buffer. */
  createWriteStream(options: AudioWriteStreamOptions = {}): AudioWriteStream {
    this.requireOpen('create a write stream');
    return new AudioWriteStream(this, requireOptions('createWriteStream()', options, WRITE_STREAM_OPTIONS));
  }

  /** A Readable of recorded interleaved float32 PCM (Buffers). */
  createReadStream(options: AudioReadStreamOptions = {}): AudioReadStream {
    this.requireOpen('create a read stream');
    return new AudioReadStream(this, requireOptions('createReadStream()', options, READ_STREAM_OPTIONS));
  }

  /** Stops `action` at frame `at` (default: the next block). */
  cancel(action: Action, options: CancelOptions = {}): Action {
    this.requireOpen('cancel');
    if (!(action instanceof Action)) throw new InvalidArgumentError(`cancel() needs an Action, got ${describeValue(action)}`);
    this.requireOwn('cancel()', action);
    options = requireOptions('cancel()', options, CANCEL_OPTIONS);
    const fadeOut = durationToFrames('fadeOut', options.fadeOut, this.sampleRate);
    const curve = curveCode(options.curve);
    return this.submit('cancel', ActionType.Cancel, { at: options.at, allowBelated: true }, { targetId: action.id, fadeOut, curve });
  }

  /**
   * Changes a playing sound's gain at frame `at`, with a linear ramp (no zipper
   * noise). `done` rejects with ActionFinishedError if the sound ended first.
   */
  setGain(action: Action, gain: number, options: SetGainOptions = {}): Action {
    this.requireOpen('set gain');
    if (!(action instanceof Action) || action.kind !== 'play') {
      throw new InvalidArgumentError(`setGain() needs an Action returned by play(), got ${describeValue(action)}`);
    }
    this.requireOwn('setGain()', action);
    options = requireOptions('setGain()', options, SET_GAIN_OPTIONS);
    if (action.finished) throw new ActionFinishedError('set gain');
    const target = requireGain('gain', gain);
    const ramp = durationToFrames('ramp', options.ramp, this.sampleRate);
    return this.submit('setGain', ActionType.SetGain, { at: options.at, allowBelated: true }, { targetId: action.id, gain: target, ramp });
  }

  /** Snapshot of the callback's statistics since the last fetch; resets them. */
  async fetchStats(): Promise<Stats> {
    this.requireOpen('fetch stats');
    const result = await this.submit('fetchStats', ActionType.FetchStats, {}, {}).done;
    if (!result.stats) throw new MixerClosedError('fetch stats', this.lostError);
    return result.stats;
  }

  /**
   * Stops the stream; actions still in flight resolve with `closed: true`.
   * Idempotent, and prompt even when the device has gone: a stream PortAudio
   * cannot stop (a dead JACK server, or no answer within 1 s) is abandoned.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.shutdown();
      this.emit('close');
    }
    return this.closing!;
  }

  private shutdown(): void {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) this.settle(engine.close());
    for (const action of this.pending.values()) action.resolve(closedResult());
    this.pending.clear();
    this.closing = Promise.resolve();
  }

  /** The stream died: close, then tell whoever listens. */
  private lose(reason: 'host' | 'stalled'): void {
    const device = this.outputDevice ?? this.inputDevice;
    this.lostError = new StreamLostError(device ? `"${device.name}" (${device.hostApi})` : 'the device', reason);
    this.shutdown();
    if (this.listenerCount('error') > 0) this.emit('error', this.lostError);
    this.emit('close');
  }

  /** @internal Test suites only: installs a misbehaving block hook (needs RTMIXER_ENABLE_TEST_HOOKS=1). */
  _setTestHook(name: '' | 'malloc' | 'lock' | 'stall' | 'fault'): void {
    this.requireOpen('set a test hook');
    const engine = this.engine!;
    if (!engine.setTestHook) throw new InvalidArgumentError('Test hooks exist only in the development addon: build it with npm run build:native and set RTMIXER_DEV_ADDON=1');
    engine.setTestHook(name);
  }

  /** The stream channels a ring buffer's columns go to (output) or come from (input). */
  private ringChannelMap(ring: RingBuffer, channels: number[] | undefined, direction: 'input' | 'output'): number[] {
    if (!(ring instanceof RingBuffer)) throw new InvalidArgumentError(`ring must be a RingBuffer, got ${describeValue(ring)}`);
    const available = direction === 'input' ? this.inputChannels : this.outputChannels;
    if (available === 0) {
      throw new InvalidArgumentError(`Cannot ${direction === 'input' ? 'record' : 'play'}: this mixer has no ${direction} channels`);
    }
    const map = channelMap('channels', channels ?? allChannels(Math.min(ring.channels, available)), available);
    if (map.length !== ring.channels) {
      throw new InvalidArgumentError(`channels lists ${map.length} ${direction} channels but the ring buffer has ${ring.channels} channels`);
    }
    return map;
  }

  private predecessor(options: PlayOptions): number | undefined {
    if (options.after === undefined) return undefined;
    if (!(options.after instanceof Action)) {
      throw new InvalidArgumentError(`after must be an Action, got ${describeValue(options.after)}`);
    }
    this.requireOwn('play({ after })', options.after);
    if (options.at !== undefined) throw new InvalidArgumentError('Give either at or after, not both');
    return options.after.id;
  }

  /** Action ids are numbered per mixer: one of another mixer would name an unrelated sound here. */
  private requireOwn(what: string, action: Action): void {
    if (action.owner !== this) {
      throw new InvalidArgumentError(`${what} got an Action of another Mixer: each mixer can only ${what.startsWith('play') ? 'follow' : 'change'} its own actions`);
    }
  }

  private requireOpen(what: string): void {
    if (!this.engine) throw new MixerClosedError(what, this.lostError);
  }

  private submit(kind: ActionKind, type: ActionType, start: StartOptions, fields: Partial<NativeActionDescriptor>): Action {
    const at = start.at === undefined ? undefined : requireInteger('at', start.at, 0);
    const allowBelated = optionalBoolean('allowBelated', start.allowBelated, false);
    if (this.pending.size >= this.queueSize) throw new QueueFullError(this.queueSize);
    const id = this.nextId++;
    const action = new Action(id, kind, at, (actionId) => this.engine?.live(actionId) ?? null, this);
    const engine = this.engine!;
    callNative(() => engine.submit({ ...fields, type, id, at, allowBelated }));
    this.pending.set(id, action);
    return action;
  }

  private collect(): void {
    if (!this.engine) return;
    this.settle(this.engine.collect());
    this.reportXruns();
    const lost = this.engine.lost;
    if (lost) this.lose(lost);
  }

  private xrunsSeen = 0;

  /** Emits 'xrun' once per block that carried PortAudio status flags. */
  private reportXruns(): void {
    const log = this.engine!.xruns(this.xrunsSeen);
    this.xrunsSeen = log.count;
    if (this.listenerCount('xrun') === 0) return;
    for (const e of log.events) this.emit('xrun', xrunEventFrom(e.frame, e.flags, this.sampleRate));
  }

  private settle(results: NativeResult[]): void {
    for (const r of results) {
      const action = this.pending.get(r.id);
      if (!action) continue;
      this.pending.delete(r.id);
      if (r.outcome === Outcome.Rejected) {
        action.reject(new InvalidArgumentError(`The mixer core refused this ${action.kind} action as malformed`));
        continue;
      }
      if (r.outcome === Outcome.DroppedLate) {
        action.rejectLate(r.lateFrames);
        continue;
      }
      if (r.samplesError) {
        action.reject(new NoMemoryError(`The recording finished but ${r.samplesError}`));
        continue;
      }
      if (action.kind === 'setGain' && r.outcome === Outcome.TargetMissing) {
        action.reject(new ActionFinishedError('set gain'));
        continue;
      }
      action.resolve({
        startFrame: r.started ? r.startFrame : -1,
        frames: r.frames,
        late: r.lateFrames,
        cancelled: r.outcome === Outcome.Cancelled || r.outcome === Outcome.Closed,
        closed: r.outcome === Outcome.Closed,
        targetFound: action.kind === 'cancel' || action.kind === 'setGain' ? r.outcome === Outcome.Finished : undefined,
        samples: r.samples,
        underflowFrames: r.underflowFrames,
        overflowFrames: r.overflowFrames,
        stats: r.stats ? statsFromNative(r.stats, this.sampleRate) : undefined,
      });
    }
  }
}

function closedResult(): ActionResult {
  return { startFrame: -1, frames: 0, late: 0, cancelled: true, closed: true, underflowFrames: 0, overflowFrames: 0 };
}
