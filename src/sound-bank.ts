// A bank of named sounds over one Mixer, loaded once and triggered by name
// any number of times: per-sound polyphony with voice stealing, stop by name
// or all, and a dispose() that frees every sound once its voices have ended.
// All voice bookkeeping lives here, so a Node-RED node (rtmixer-sampler) is
// only an adapter from messages to these calls.
import { readFile } from 'node:fs/promises';
import type { Action } from './action';
import type { DecodedSamples } from './audio-decoder';
import { decodeAudio } from './decode/decode-audio';
import { InvalidArgumentError, QueueFullError, UnknownSoundError, VoiceLimitError } from './errors';
import type { Mixer, PlayOptions } from './mixer';
import { duplicateMono, planRoute } from './channel-routing';
import type { Duration } from './shaping';
import type { Sound } from './sound';
import { describeValue, requireFloat32Array, requireInteger } from './validate';

export type StealMode = 'oldest' | 'refuse';
export const STEAL_MODES: readonly StealMode[] = ['oldest', 'refuse'];

export interface SoundSettings {
  /** Voices of this sound at once (default: the bank's, else no limit but the mixer's queue). */
  polyphony?: number;
  /** At the limit: cancel the oldest voice (with a short fade), or refuse with ERR_RTMIXER_VOICE_LIMIT. Default 'oldest'. */
  steal?: StealMode;
}

export interface SoundBankOptions extends SoundSettings {
  /** Fade-out of a stolen voice, so it ends without a click (default 5 ms). */
  stealFade?: Duration;
}

/** Interleaved samples with `channels` per frame (what decodeSamples()/decodeAudio() give). */
export type SoundSource = Pick<DecodedSamples, 'samples' | 'channels'>;

/** play() options, with 1-based `outputs` for the sound's channels instead of `channels` (a mono sound may list several). */
export interface TriggerOptions extends Omit<PlayOptions, 'channels'> {
  outputs?: number[];
}

export interface BankStopOptions {
  /** Fade out over this long instead of stopping dead. */
  fadeOut?: Duration;
}

const DEFAULT_STEAL_FADE_S = 0.005;

interface Entry extends Required<SoundSettings> {
  readonly name: string;
  readonly sound: Sound;
  /** A mono sound duplicated for every output of the mixer (the automatic route), loaded with it. */
  readonly wide: Sound | undefined;
}

interface Voice {
  readonly action: Action;
  readonly entry: Entry;
}

export class SoundBank {
  private readonly entries = new Map<string, Entry>();
  /** Voices by sound name, oldest first; those of a replaced sound stay under its name until they end. */
  private readonly voicesByName = new Map<string, Voice[]>();
  /** The newest load or add of each name: an older decode finishing later is dropped. */
  private readonly latest = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly defaults: Required<SoundSettings>;
  private readonly stealFade: Duration;
  private ticket = 0;
  private disposed = false;

  constructor(readonly mixer: Mixer, options: SoundBankOptions = {}) {
    this.defaults = checkSettings(options, { polyphony: Infinity, steal: 'oldest' });
    this.stealFade = options.stealFade ?? DEFAULT_STEAL_FADE_S;
  }

  /** Names of the sounds ready to trigger, in the order they were added. */
  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** True while a load() or addFile() of `name` is decoding. */
  loading(name?: string): boolean {
    return name === undefined ? this.pending.size > 0 : this.pending.has(name);
  }

  /** Voices playing or waiting to start, of one sound or of all. */
  voices(name?: string): number {
    const lists = name === undefined ? [...this.voicesByName.values()] : [this.voicesByName.get(name) ?? []];
    return lists.reduce((n, list) => n + list.length, 0);
  }

  /** Adds (or replaces) a sound; a replaced one is freed once its voices have ended. */
  add(name: string, source: SoundSource, settings: SoundSettings = {}): void {
    this.requireUsable(name);
    this.latest.set(name, ++this.ticket);
    this.pending.delete(name);
    this.put(name, source, settings);
  }

  /**
   * Adds the sound once `decoding` gives it (at once when it is not a promise,
   * so a trigger right after finds it). Resolves false, adding nothing, if a
   * newer add or load of the name, or dispose(), came meanwhile.
   */
  async load(name: string, decoding: SoundSource | Promise<SoundSource>, settings: SoundSettings = {}): Promise<boolean> {
    if (!(decoding instanceof Promise)) {
      this.add(name, decoding, settings);
      return true;
    }
    this.requireUsable(name);
    const ticket = ++this.ticket;
    this.latest.set(name, ticket);
    this.pending.add(name);
    try {
      const source = await decoding;
      if (this.disposed || this.latest.get(name) !== ticket) return false;
      this.put(name, source, settings);
      return true;
    } finally {
      if (this.latest.get(name) === ticket) this.pending.delete(name);
    }
  }

  /** Reads and decodes a sound file (WAV, MP3, FLAC, Ogg) on a decode thread, resampled to the mixer's rate. */
  addFile(name: string, path: string, settings: SoundSettings = {}): Promise<boolean> {
    const decoding = readFile(path).then((bytes) => decodeAudio(bytes, { sampleRate: this.mixer.sampleRate }));
    return this.load(name, decoding, settings);
  }

  /** Removes a sound; its voices play on and it is freed when they end. */
  remove(name: string): boolean {
    this.latest.set(name, ++this.ticket);
    this.pending.delete(name);
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.entries.delete(name);
    this.retire(entry);
    return true;
  }

  /**
   * Plays the sound `name`. At its polyphony limit the oldest voice is
   * cancelled with a short fade ('oldest') or VoiceLimitError is thrown ('refuse').
   */
  trigger(name: string, options: TriggerOptions = {}): Action {
    const entry = this.entries.get(name);
    if (!entry || this.disposed) throw new UnknownSoundError(String(name), this.names, this.pending.has(name));
    const voices = (this.voicesByName.get(name) ?? []).filter((v) => !v.action.finished);
    const steal = voices.length >= entry.polyphony;
    if (steal && entry.steal === 'refuse') throw new VoiceLimitError(name, entry.polyphony);
    // The new voice and the cancel of the stolen one go in together, or neither does.
    if (steal && this.mixer.actionsInFlight + 2 > this.mixer.queueSize) throw new QueueFullError(this.mixer.queueSize);
    const { outputs, ...play } = options;
    const route = planRoute(entry.sound.channels, outputs, this.mixer.outputChannels, 'outputs');
    const action = this.mixer.play(route.duplicate ? this.widened(entry, route.outputs.length) : entry.sound, { ...play, channels: route.outputs });
    if (steal) {
      const victim = voices.shift()!;
      this.mixer.cancel(victim.action, { at: play.at, fadeOut: this.stealFade });
    }
    voices.push({ action, entry });
    this.voicesByName.set(name, voices);
    const forget = () => this.forget(name, action);
    action.done.then(forget, forget);
    return action;
  }

  /** Cancels the voices of `name` (or of every sound); resolves once they have ended. */
  async stop(name?: string, options: BankStopOptions = {}): Promise<void> {
    if (name !== undefined && !this.entries.has(name) && !this.voicesByName.has(name) && !this.pending.has(name)) {
      throw new UnknownSoundError(String(name), this.names, false);
    }
    const names = name === undefined ? [...this.voicesByName.keys()] : [name];
    const stopping = names.flatMap((n) => this.voicesByName.get(n) ?? []);
    for (const n of names) this.voicesByName.delete(n);
    // Newest first, so no queued voice of ours starts in between.
    for (const voice of [...stopping].reverse()) {
      if (!voice.action.finished && !this.mixer.closed) this.mixer.cancel(voice.action, options.fadeOut ? { fadeOut: options.fadeOut } : {});
    }
    await Promise.allSettled(stopping.map((v) => v.action.done));
  }

  /** Refuses further adds and triggers; resolves once every sound has been freed (after its voices end). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.pending.clear();
    for (const entry of this.entries.values()) this.retire(entry);
    this.entries.clear();
    await Promise.all([...this.retiring]);
  }

  private put(name: string, source: SoundSource, settings: SoundSettings): void {
    const checked = checkSettings(settings, this.defaults);
    requireFloat32Array('samples', source?.samples);
    const sound = this.mixer.load(source.samples, { channels: source.channels });
    // A mono sound plays on every output by default: the mixer maps a channel to one output, so it gets a wide copy too.
    const outputs = this.mixer.outputChannels;
    let wide: Sound | undefined;
    try {
      if (sound.channels === 1 && outputs > 1) wide = this.mixer.load(duplicateMono(source.samples, outputs), { channels: outputs });
    } catch (err) {
      sound.release();
      throw err;
    }
    const entry: Entry = { name, sound, wide, ...checked };
    const old = this.entries.get(name);
    this.entries.set(name, entry);
    if (old) this.retire(old);
  }

  /** Frees an entry's sounds once no voice plays them. */
  private retire(entry: Entry): void {
    const playing = [...this.voicesByName.values()].flat().filter((v) => v.entry === entry).map((v) => v.action.done);
    const done: Promise<void> = Promise.allSettled(playing).then(() => {
      entry.sound.release();
      entry.wide?.release();
      this.retiring.delete(done);
    });
    this.retiring.add(done);
  }

  /** The wide copy of a mono sound, for a route to `outputs` outputs. */
  private widened(entry: Entry, outputs: number): Sound {
    if (entry.wide && entry.wide.channels === outputs) return entry.wide;
    throw new InvalidArgumentError(
      `The sound "${entry.name}" is mono: it plays on one output or on all ${this.mixer.outputChannels}, not on ${outputs}. ` +
        `Load it with ${outputs} channels for that.`,
    );
  }

  private forget(name: string, action: Action): void {
    const voices = this.voicesByName.get(name);
    const at = voices?.findIndex((v) => v.action === action) ?? -1;
    if (at < 0) return;
    voices!.splice(at, 1);
    if (voices!.length === 0) this.voicesByName.delete(name);
  }

  private requireUsable(name: string): void {
    if (this.disposed) throw new InvalidArgumentError('This sound bank has been disposed: create a new one');
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`A sound's name must be a non-empty string, got ${describeValue(name)}`);
  }
}

function checkSettings(settings: SoundSettings, defaults: Required<SoundSettings>): Required<SoundSettings> {
  const polyphony = settings.polyphony ?? defaults.polyphony;
  if (polyphony !== Infinity) requireInteger('polyphony', polyphony, 1, 1 << 20);
  const steal = settings.steal ?? defaults.steal;
  if (!STEAL_MODES.includes(steal)) throw new InvalidArgumentError(`steal must be "oldest" or "refuse", got ${describeValue(steal)}`);
  return { polyphony, steal };
}

