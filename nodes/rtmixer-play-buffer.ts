// rtmixer-play-buffer: plays each message's audio (a Float32Array, raw PCM
// Buffer or WAV file) through the shared mixer, sample-accurately at msg.at,
// mixed with other sounds or queued gaplessly after this node's previous one.
// One message goes out per sound, when it has ended.
import { Action, InvalidArgumentError, Mixer, PlayOptions } from '../src/index';
import { describeValue, requireFiniteSamples } from '../src/validate';
import { decodePayload, requireRawFormat } from './lib/audio-payload';
import type { RawFormat } from './lib/pcm-samples';
import { MixerClient } from './lib/mixer-client';
import { channelCount, channelList, optionalNumber, reply, requireChannelsWithin, settingsOrError, startFrame } from './lib/msg-options';
import { routeChannels } from './lib/output-map';
import type { Node, NodeAPI, NodeDefinition, NodeMessage } from './lib/red-types';

interface PlayBufferDefinition extends NodeDefinition {
  mixer?: string;
  /** Saved as outputChannels: Node-RED reserves `outputs` for the node's port count. */
  outputChannels?: string;
  gain?: string | number;
  format?: string;
  channels?: string | number;
  mode?: string;
  fadeIn?: string | number;
  fadeOut?: string | number;
  resample?: boolean | string;
}

type Mode = 'mix' | 'queue';

interface Settings {
  outputs?: number[];
  gain: number;
  format: RawFormat;
  channels?: number;
  mode: Mode;
  fadeIn?: number;
  fadeOut?: number;
  resample: boolean;
}

const MAX_GAIN = 100;
const MAX_FADE_S = 3600;
/** close() waits at most this long for the callback to hand back the cancelled sounds. */
const CLOSE_WAIT_MS = 2000;
/** A gain change without msg.ramp still takes 10 ms: a jump would click. */
const DEFAULT_GAIN_RAMP_S = 0.01;

/** The editor's strings, checked once at deploy. */
function parseSettings(def: PlayBufferDefinition): Settings {
  const mode = def.mode === undefined || def.mode === '' ? 'mix' : def.mode;
  if (mode !== 'mix' && mode !== 'queue') throw new InvalidArgumentError(`Mode must be "mix" or "queue", got ${describeValue(def.mode)}`);
  const channels = channelCount('Channels', def.channels);
  return {
    outputs: channelList('Outputs', def.outputChannels),
    gain: optionalNumber('Gain', def.gain, 0, MAX_GAIN) ?? 1,
    format: requireRawFormat(def.format === undefined || def.format === '' ? 'float32' : def.format),
    channels,
    mode,
    fadeIn: optionalNumber('Fade in (s)', def.fadeIn, 0, MAX_FADE_S),
    fadeOut: optionalNumber('Fade out (s)', def.fadeOut, 0, MAX_FADE_S),
    resample: def.resample === undefined || def.resample === true || def.resample === 'true',
  };
}

/** A payload that carries sound, as opposed to an inject node's timestamp. */
function isAudio(payload: unknown): boolean {
  return payload instanceof Uint8Array || ArrayBuffer.isView(payload);
}

function loopOption(value: unknown): boolean | number | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidArgumentError(`msg.loop must be true (loop until msg.stop) or the number of extra passes (an integer >= 0), got ${describeValue(value)}`);
}

function frameOption(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidArgumentError(`${name} must be a frame index within the sound (an integer >= 0), got ${describeValue(value)}`);
}

export = function register(RED: NodeAPI): void {
  function PlayBufferNode(this: Node, def: PlayBufferDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;
    /** This node's sounds handed to the mixer and not yet back, in submission order. */
    const active = new Set<Action>();
    /** Queue mode: the sound the next one follows while it is unfinished. */
    let last: Action | undefined;
    let closing = false;
    let client: MixerClient | undefined;

    const { settings, error: settingsError } = settingsOrError(() => parseSettings(def));

    /** Green "playing N" while sounds are in flight, grey "idle" after; the mixer's own state wins. */
    function showStatus(): void {
      if (closing || !client) return;
      if (settingsError) client.status.error(settingsError.message);
      else if (!client.config || client.config.state !== 'open') return;
      else if (active.size > 0) client.status.active(`playing ${active.size}`);
      else client.status.idle();
    }

    client = new MixerClient(RED, node, def.mixer, showStatus);
    showStatus();
    if (settingsError) node.error(settingsError);

    /** Cancels every sound of this node, queued ones first so none starts in between. */
    function cancelAll(mixer: Mixer, fadeOut?: number): Action[] {
      last = undefined;
      const cancels: Action[] = [];
      for (const action of [...active].reverse()) {
        if (!action.finished) cancels.push(mixer.cancel(action, fadeOut ? { fadeOut } : {}));
      }
      return cancels;
    }

    async function stop(mixer: Mixer, msg: NodeMessage): Promise<void> {
      const fadeOut = optionalNumber('msg.fadeOut (s)', msg.fadeOut, 0, MAX_FADE_S);
      const cancels = cancelAll(mixer, fadeOut);
      await Promise.all(cancels.map((c) => c.done.then(() => undefined, () => undefined)));
    }

    /**
     * msg.gain without audio: ramps the gain of this node's sounds that are
     * playing or queued, from msg.at (or now) over msg.ramp seconds.
     */
    async function changeGain(mixer: Mixer, msg: NodeMessage): Promise<void> {
      const gain = optionalNumber('msg.gain', msg.gain, 0, MAX_GAIN)!;
      const ramp = optionalNumber('msg.ramp (s)', msg.ramp, 0, MAX_FADE_S) ?? DEFAULT_GAIN_RAMP_S;
      const at = startFrame(msg, mixer);
      const changes = [...active].filter((a) => !a.finished).map((a) => mixer.setGain(a, gain, { at, ramp }));
      // A sound that ends before its change starts has nothing left to change.
      await Promise.all(changes.map((c) => c.done.catch((err: Error) => {
        if ((err as { code?: string }).code !== 'ERR_RTMIXER_ACTION_FINISHED') throw err;
      })));
    }

    /** Everything checked and converted before the mixer sees it. */
    function prepare(msg: NodeMessage, mixer: Mixer, s: Settings): { samples: Float32Array; options: PlayOptions } {
      const fromMsg = msg.outputs !== undefined && msg.outputs !== null && msg.outputs !== '';
      const outputsName = fromMsg ? 'msg.outputs' : "the node's Outputs setting";
      const outputs = fromMsg ? channelList('msg.outputs', msg.outputs) : s.outputs;
      if (outputs) requireChannelsWithin(outputs, mixer.outputChannels, outputsName, 'output');

      const audio = decodePayload(msg.payload, {
        format: s.format,
        channels: channelCount('msg.channels', msg.channels) ?? s.channels ?? outputs?.length ?? mixer.outputChannels,
        sampleRate: mixer.sampleRate,
        resample: s.resample,
      });
      requireFiniteSamples('msg.payload', audio.samples);
      const routed = routeChannels(audio.samples, audio.channels, outputs, mixer.outputChannels, outputsName);

      const gain = msg.gain !== undefined ? optionalNumber('msg.gain', msg.gain, 0, MAX_GAIN) : s.gain;
      const loop = loopOption(msg.loop);
      const fadeIn = msg.fadeIn !== undefined ? optionalNumber('msg.fadeIn (s)', msg.fadeIn, 0, MAX_FADE_S) : s.fadeIn;
      // A sound that loops until stopped has no end to fade out at: it fades out
      // through msg.stop with msg.fadeOut instead of the node's setting.
      const fadeOut = msg.fadeOut !== undefined ? optionalNumber('msg.fadeOut (s)', msg.fadeOut, 0, MAX_FADE_S) : loop === true ? undefined : s.fadeOut;

      const at = startFrame(msg, mixer);
      const follow = s.mode === 'queue' && last && !last.finished ? last : undefined;
      if (follow && at !== undefined) {
        throw new InvalidArgumentError(
          `In queue mode a sound starts right after the previous one: msg.at and msg.delay apply only when nothing of this node is playing or queued (${active.size} still are)`,
        );
      }
      const options: PlayOptions = {
        channels: routed.outputs,
        gain,
        fadeIn: fadeIn || undefined,
        fadeOut: fadeOut || undefined,
        loop,
        loopStart: frameOption('msg.loopStart', msg.loopStart),
        loopEnd: frameOption('msg.loopEnd', msg.loopEnd),
      };
      if (follow) options.after = follow;
      else if (at !== undefined) {
        options.at = at;
        // msg.at is exact (a start that has passed is dropped with an error);
        // msg.delay is relative to now, so a few frames late beats not at all.
        options.allowBelated = msg.at === undefined;
      }
      return { samples: routed.samples, options };
    }

    client.onInput(async (msg, send) => {
      if (settingsError) throw settingsError;
      const mixer = client!.mixer();
      if (msg.stop === true) return stop(mixer, msg);
      if (msg.gain !== undefined && !isAudio(msg.payload)) return changeGain(mixer, msg);

      const { samples, options } = prepare(msg, mixer, settings!);
      const action = mixer.play(samples, options);
      active.add(action);
      if (settings!.mode === 'queue') last = action;
      showStatus();
      try {
        const result = await action.done;
        // After close the node's wires are gone: finish the message without sending.
        if (closing) return;
        send(reply(msg, { startFrame: result.startFrame, frames: result.frames, late: result.late, cancelled: result.cancelled, closed: result.closed }));
      } finally {
        active.delete(action);
        if (last === action) last = undefined;
        showStatus();
      }
    });

    // Stops this node's sounds (not other nodes'), and waits until the callback
    // has handed them back so nothing of this node plays after close.
    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      const pending = [...active];
      try {
        if (pending.length > 0) cancelAll(client!.mixer());
      } catch {
        // The mixer is closed already: closing it settled every sound.
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      Promise.race([Promise.allSettled(pending.map((a) => a.done)), timeout]).then(() => {
        clearTimeout(timer);
        done();
      });
    });
    client.onClose();
  }

  RED.nodes.registerType('rtmixer-play-buffer', PlayBufferNode);
};
