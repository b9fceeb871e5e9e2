// rtmixer-sampler: a bank of named sounds (the library's SoundBank) loaded
// from files at deploy or from msg.load messages, triggered by msg.topic.
// One message goes out per voice, when it has ended.
import {
  channelCount, decodeSamples, InvalidArgumentError, MAX_FADE_S, messagePlayOptions, oneOf, optionalNumber, RAW_FORMATS, SoundBank, SoundSettings, STEAL_MODES,
} from '../src/index';
import { MixerNodeDefinition, registerMixerNode } from './lib/mixer-node';
import { channelsFor, reply } from './lib/msg-options';
import type { NodeAPI, NodeMessage } from './lib/red-types';

interface SoundRow {
  name?: string;
  file?: string;
  polyphony?: string | number;
}

interface SamplerDefinition extends MixerNodeDefinition {
  sounds?: SoundRow[];
  polyphony?: string | number;
  steal?: string;
}

const MAX_POLYPHONY = 1024;

/** A whole number of voices, '' or undefined -> undefined. */
function voices(name: string, value: unknown): number | undefined {
  const n = optionalNumber(name, value, 1, MAX_POLYPHONY);
  if (n !== undefined && !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number of voices, got ${n}`);
  return n;
}

/** The editor's strings, checked once at deploy. */
function parseSettings(def: SamplerDefinition) {
  const sounds = (def.sounds ?? []).map((row, i) => {
    const name = String(row.name ?? '').trim();
    const file = String(row.file ?? '').trim();
    if (!name || !file) throw new InvalidArgumentError(`Sound ${i + 1} needs both a name and a file path`);
    return { name, file, polyphony: voices(`Polyphony of "${name}"`, row.polyphony) };
  });
  return { sounds, polyphony: voices('Polyphony', def.polyphony) ?? 4, steal: oneOf('Steal', def.steal, STEAL_MODES) };
}

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-sampler', parseSettings, (ctx) => {
    const s = ctx.settings;
    let bank: SoundBank | undefined;
    /** Files of the editor's list still reading or decoding. */
    let loading = 0;

    /** The bank on the current mixer: a new one (its files loading) after the mixer was reopened. */
    function current(): SoundBank {
      const mixer = ctx.mixer();
      if (bank?.mixer === mixer) return bank;
      void bank?.dispose();
      const fresh = new SoundBank(mixer, { polyphony: s.polyphony, steal: s.steal });
      bank = fresh;
      for (const row of s.sounds) {
        loading++;
        fresh
          .addFile(row.name, row.file, { polyphony: row.polyphony })
          .catch((err: Error) => !ctx.closing && ctx.node.error(Object.assign(err, { message: `Sound "${row.name}" (${row.file}): ${err.message}` }), { topic: row.name, payload: row.file }))
          .finally(() => {
            loading--;
            ctx.refreshStatus();
          });
      }
      return fresh;
    }

    /** msg.load: the payload (Float32Array, raw PCM Buffer or a sound file) becomes the sound msg.topic. */
    async function load(target: SoundBank, name: string, msg: NodeMessage): Promise<void> {
      const mixer = target.mixer;
      const decoded = decodeSamples(msg.payload, {
        name: 'msg.payload',
        format: oneOf('msg.format', msg.format, RAW_FORMATS),
        channels: channelCount('msg.channels', msg.channels) ?? mixer.outputChannels,
        sampleRate: mixer.sampleRate,
      });
      const settings: SoundSettings = { polyphony: voices('msg.polyphony', msg.polyphony) };
      await target.load(name, decoded, settings);
    }

    return {
      status() {
        const b = current();
        if (loading > 0) ctx.status.connecting(`loading ${loading} sound${loading === 1 ? '' : 's'}`);
        else ctx.status[b.voices() > 0 ? 'active' : 'idle'](`${b.names.length} sound${b.names.length === 1 ? '' : 's'} · ${b.voices()} playing`);
      },

      async input(msg, send) {
        const target = current();
        const name = msg.topic === undefined || msg.topic === null || msg.topic === '' ? undefined : String(msg.topic);
        try {
          if (msg.stop === true) return await target.stop(name, { fadeOut: optionalNumber('msg.fadeOut (s)', msg.fadeOut, 0, MAX_FADE_S) });
          if (name === undefined) throw new InvalidArgumentError('msg.topic must name the sound to trigger (or to load, with msg.load = true)');
          if (msg.load === true) return await load(target, name, msg);
          const outputs = channelsFor(msg, 'outputs', undefined, target.mixer.outputChannels).list;
          const voice = target.trigger(name, { ...messagePlayOptions(msg, target.mixer), outputs });
          ctx.refreshStatus();
          const result = await voice.done;
          if (!ctx.closing) send(reply(msg, { startFrame: result.startFrame, frames: result.frames, late: result.late, cancelled: result.cancelled, closed: result.closed }));
        } finally {
          ctx.refreshStatus();
        }
      },

      // Stops this node's voices and frees its sounds once the callback has handed them back.
      close() {
        const b = bank;
        bank = undefined;
        return b?.stop().catch(() => undefined).then(() => b.dispose());
      },
    };
  });
