// rtmixer-play-buffer: plays each message's audio (a Float32Array, raw PCM
// Buffer or sound file: WAV, MP3, FLAC, Ogg Vorbis/Opus) through the shared mixer, sample-accurately at msg.at,
// mixed with other sounds or queued gaplessly after this node's previous one.
// One message goes out per sound, when it has ended.
import {
  Action, ActionFinishedError, channelCount, channelList, DecodedSamples, decodeSamples, describePayload, InvalidArgumentError, MAX_FADE_S, messagePlayOptions, Mixer, oneOf,
  optionalNumber, PlayOptions, QueueFullError, RAW_FORMATS, routeChannels,
} from '../src/index';
import { MixerNodeDefinition, registerMixerNode } from './lib/mixer-node';
import { channelsFor, MAX_GAIN, reply, startFrame } from './lib/msg-options';
import type { NodeAPI, NodeMessage } from './lib/red-types';

interface PlayBufferDefinition extends MixerNodeDefinition {
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

/** A gain change without msg.ramp still takes 10 ms: a jump would click. */
const DEFAULT_GAIN_RAMP_S = 0.01;

/** The editor's strings, checked once at deploy. */
function parseSettings(def: PlayBufferDefinition) {
  return {
    outputs: channelList('Outputs', def.outputChannels),
    gain: optionalNumber('Gain', def.gain, 0, MAX_GAIN) ?? 1,
    format: oneOf('format', def.format, RAW_FORMATS),
    channels: channelCount('Channels', def.channels),
    mode: oneOf('Mode', def.mode, ['mix', 'queue'] as const),
    fadeIn: optionalNumber('Fade in (s)', def.fadeIn, 0, MAX_FADE_S),
    fadeOut: optionalNumber('Fade out (s)', def.fadeOut, 0, MAX_FADE_S),
    resample: def.resample === undefined || def.resample === true || def.resample === 'true',
  };
}

/** A payload that carries sound, as opposed to an inject node's timestamp. */
function isAudio(payload: unknown): boolean {
  return ArrayBuffer.isView(payload);
}

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-play-buffer', parseSettings, (ctx) => {
    const s = ctx.settings;
    /** This node's sounds handed to the mixer and not yet back, in submission order. */
    const active = new Set<Action>();
    /** Queue mode: the sound the next one follows while it is unfinished. */
    let last: Action | undefined;
    /** Messages whose file is decoding on a thread, or that wait for one before them to reach the mixer. */
    let waiting = 0;
    /** The last waiting message's turn: the next one reaches the mixer after it, so sounds keep arrival order. */
    let tail: Promise<unknown> = Promise.resolve();
    /** Bumped by msg.stop and close: a message still decoding from before then is dropped, not played. */
    let generation = 0;

    /** Cancels every sound of this node, queued ones first so none starts in between. */
    function cancelAll(mixer: Mixer, fadeOut?: number): Action[] {
      last = undefined;
      return [...active].reverse().filter((a) => !a.finished).map((a) => mixer.cancel(a, fadeOut ? { fadeOut } : {}));
    }

    async function stop(mixer: Mixer, msg: NodeMessage): Promise<void> {
      generation++;
      const cancels = cancelAll(mixer, optionalNumber('msg.fadeOut (s)', msg.fadeOut, 0, MAX_FADE_S));
      await Promise.allSettled(cancels.map((c) => c.done));
    }

    /** msg.gain without audio: ramps this node's playing or queued sounds from msg.at (or now) over msg.ramp seconds. */
    async function changeGain(mixer: Mixer, msg: NodeMessage): Promise<void> {
      const gain = optionalNumber('msg.gain', msg.gain, 0, MAX_GAIN)!;
      const ramp = optionalNumber('msg.ramp (s)', msg.ramp, 0, MAX_FADE_S) ?? DEFAULT_GAIN_RAMP_S;
      const at = startFrame(msg, mixer);
      const changes = [...active].filter((a) => !a.finished).map((a) => mixer.setGain(a, gain, { at, ramp }));
      // A sound that ends before its change starts has nothing left to change.
      await Promise.all(changes.map((c) => c.done.catch((err: Error) => {
        if (!(err instanceof ActionFinishedError)) throw err;
      })));
    }

    /** The message's audio as samples: at once (raw audio, a small WAV at the mixer's rate) or from the decode threads. */
    function decode(msg: NodeMessage, mixer: Mixer): DecodedSamples | Promise<DecodedSamples> {
      const outputs = channelsFor(msg, 'outputs', s.outputs, mixer.outputChannels);
      return decodeSamples(msg.payload, {
        name: 'msg.payload',
        format: s.format,
        channels: channelCount('msg.channels', msg.channels) ?? s.channels ?? outputs.list?.length ?? mixer.outputChannels,
        sampleRate: mixer.sampleRate,
        resample: s.resample,
      });
    }

    /** Everything checked and converted before the mixer sees it. */
    function prepare(msg: NodeMessage, mixer: Mixer, audio: DecodedSamples): { samples: Float32Array; options: PlayOptions } {
      const outputs = channelsFor(msg, 'outputs', s.outputs, mixer.outputChannels);
      const routed = routeChannels(audio.samples, audio.channels, outputs.list, mixer.outputChannels, outputs.name);
      const options: PlayOptions = { channels: routed.outputs, ...messagePlayOptions(msg, mixer, s) };
      const follow = s.mode === 'queue' && last && !last.finished ? last : undefined;
      if (follow && options.at !== undefined) {
        throw new InvalidArgumentError(
          `In queue mode a sound starts right after the previous one: msg.at and msg.delay apply only when nothing of this node is playing or queued (${active.size} still are)`,
        );
      }
      if (follow) options.after = follow;
      return { samples: routed.samples, options };
    }

    /** Hands the sound to the mixer now. */
    function submit(msg: NodeMessage, mixer: Mixer, audio: DecodedSamples): Action {
      const { samples, options } = prepare(msg, mixer, audio);
      const action = mixer.play(samples, options);
      active.add(action);
      if (s.mode === 'queue') last = action;
      ctx.refreshStatus();
      return action;
    }

    /**
     * Waits for the decode and for every message before this one, then submits
     * (undefined if a stop came meanwhile). A decode that fails is this message's
     * error only: the ones after it still play.
     */
    async function afterTurn(msg: NodeMessage, audio: DecodedSamples | Promise<DecodedSamples>): Promise<Action | undefined> {
      const since = generation;
      if (audio instanceof Promise) audio.catch(() => undefined); // awaited below, maybe after others' turns
      waiting++;
      ctx.refreshStatus();
      const turn = tail.then(async () => {
        const decoded = await audio;
        return since === generation ? submit(msg, ctx.mixer(), decoded) : undefined;
      });
      tail = turn.catch(() => undefined);
      try {
        return await turn;
      } finally {
        waiting--;
        ctx.refreshStatus();
      }
    }

    return {
      check: (mixer) => channelsFor({}, 'outputs', s.outputs, mixer.outputChannels),
      status: () =>
        active.size > 0 ? ctx.status.active(ctx.t('playing', { count: active.size })) : waiting > 0 ? ctx.status.active(ctx.t('decoding', { count: waiting })) : ctx.status.idle(),
      describe: (payload) => describePayload(payload as ArrayBufferView, s.format, s.channels ?? s.outputs?.length ?? 2),

      async input(msg, send) {
        const mixer = ctx.mixer();
        if (msg.stop === true) return stop(mixer, msg);
        if (msg.gain !== undefined && !isAudio(msg.payload)) return changeGain(mixer, msg);
        // Refused before any decoding or copying: under overload this is the common case.
        if (mixer.actionsInFlight >= mixer.queueSize) throw new QueueFullError(mixer.queueSize);
        const audio = decode(msg, mixer);
        let action: Action | undefined;
        if (!(audio instanceof Promise) && waiting === 0) {
          action = submit(msg, mixer, audio);
        } else {
          action = await afterTurn(msg, audio);
          if (!action) {
            // A msg.stop (or close) came while the file decoded: it never played.
            if (!ctx.closing) send(reply(msg, { frames: 0, cancelled: true }));
            return;
          }
        }
        try {
          const result = await action.done;
          if (!ctx.closing) send(reply(msg, { startFrame: result.startFrame, frames: result.frames, late: result.late, cancelled: result.cancelled, closed: result.closed }));
        } finally {
          active.delete(action);
          if (last === action) last = undefined;
          ctx.refreshStatus();
        }
      },

      // Stops this node's sounds (not other nodes') and waits until the callback
      // has handed them back, so nothing of this node plays after close.
      close() {
        generation++;
        const pending = [...active];
        if (pending.length === 0) return;
        try {
          cancelAll(ctx.mixer());
        } catch {
          // The mixer is closed already: closing it settled every sound.
        }
        return Promise.allSettled(pending.map((a) => a.done));
      },
    };
  });
