// rtmixer-record: records from the mixer's inputs. Duration mode sends one
// message per take (the callback fills native memory; the node gets a copy
// when the take ends). Continuous mode reads the library's AudioReadStream and
// sends exactly chunkMs of audio per message, gapless, numbered, with the
// frames lost (if the flow was too slow to take them) counted.
import { endianness } from 'node:os';
import {
  Action, ActionResult, AudioReadStream, channelList, Chunk, ChunkAssembler, encodeWav, firstSet, InvalidArgumentError, Mixer, MixerClosedError, oneOf, positiveNumber,
  QueueFullError,
} from '../src/index';
import { MixerNodeDefinition, registerMixerNode } from './lib/mixer-node';
import { channelsFor, reply, startFrame } from './lib/msg-options';
import type { NodeAPI, NodeMessage, SendFunction } from './lib/red-types';

const FORMATS = ['float32', 'buffer', 'wav', 'wav-float'] as const;
type Format = (typeof FORMATS)[number];

/** Longest take in duration mode (its samples are held in memory until it ends). */
const MAX_DURATION_S = 3600;
/** Takes one node may have running or scheduled at once (duration mode). */
const MAX_TAKES = 32;
/** Continuous mode: seconds of audio the ring holds while the event loop is busy. */
const RING_SECONDS = 1;
/** Continuous mode without msg.at/delay: start this far ahead so the start frame is known exactly. */
const START_MARGIN_S = 0.01;
const STATUS_MS = 250;

interface RecordDefinition extends MixerNodeDefinition {
  mode?: string;
  duration?: string | number;
  chunkMs?: string | number;
  /** Saved as inputChannels: Node-RED reserves `inputs` for the node's port count. */
  inputChannels?: string;
  format?: string;
}

function parseSettings(def: RecordDefinition) {
  const mode = oneOf('mode', def.mode, ['duration', 'continuous'] as const);
  const format = oneOf('format', def.format, FORMATS);
  if (mode === 'continuous' && (format === 'wav' || format === 'wav-float')) {
    throw new InvalidArgumentError(
      'WAV output needs duration mode. A WAV file has one header for the whole recording: ' +
        'in continuous mode choose float32 or buffer (raw float32LE PCM).',
    );
  }
  return {
    mode,
    format,
    duration: positiveNumber('duration', firstSet(def.duration, '5'), MAX_DURATION_S, 'seconds'),
    chunkMs: positiveNumber('chunkMs', firstSet(def.chunkMs, '100'), 60000, 'milliseconds'),
    inputs: channelList('Inputs', def.inputChannels),
  };
}

/** Samples (a fresh copy that nothing else writes) in the node's output format. */
function encode(samples: Float32Array, channels: number, sampleRate: number, format: Format): Float32Array | Buffer {
  if (format === 'float32') return samples;
  if (format === 'buffer') {
    const buf = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    return endianness() === 'LE' ? buf : buf.swap32();
  }
  return encodeWav(samples, channels, sampleRate, format);
}

interface Take {
  action: Action;
  /** The requested start frame (or the clock when it was asked for "now"). */
  at: number;
}

interface Live {
  stream: AudioReadStream;
  sampleRate: number;
  delivered: number;
  lost: number;
  /** Settles when the recording has ended and its last chunk was sent. */
  ended: Promise<void>;
}

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-record', parseSettings, (ctx) => {
    const s = ctx.settings;
    const takes = new Set<Take>();
    let live: Live | undefined;
    let ticker: { stop(): void } | undefined;

    /** The input channels to record (undefined = all), checked against the stream, and how many. */
    function inputsOf(msg: NodeMessage, mixer: Mixer): { list?: number[]; channels: number } {
      if (mixer.inputChannels === 0) {
        throw new InvalidArgumentError('This mixer has no input channels: set Inputs in the rtmixer-config node (empty = up to 2)');
      }
      const { list } = channelsFor(msg, 'inputs', s.inputs, mixer.inputChannels);
      return { list, channels: list?.length ?? mixer.inputChannels };
    }

    function openMixer(): Mixer | undefined {
      try {
        return ctx.mixer();
      } catch {
        return undefined;
      }
    }

    /** "recording 1.2 s" while something runs; the idle status once nothing does. */
    function progress(): void {
      const mixer = openMixer();
      if (!mixer) return;
      if (live) {
        const seconds = ((live.delivered + live.lost) / live.sampleRate).toFixed(1);
        if (live.lost > 0) ctx.status.warning(ctx.t('recording-lost', { seconds, lost: live.lost }));
        else ctx.status.active(ctx.t('recording', { seconds }));
      } else if (takes.size > 0) {
        // The take that started first; before any has started, when the next one will.
        const now = mixer.currentFrame;
        const first = Math.min(...[...takes].map((t) => t.at));
        const more = takes.size > 1 ? ` (${ctx.t('takes', { count: takes.size })})` : '';
        if (first > now) ctx.status.active(ctx.t('starts-in', { seconds: ((first - now) / mixer.sampleRate).toFixed(1) }) + more);
        else ctx.status.active(ctx.t('recording', { seconds: ((now - first) / mixer.sampleRate).toFixed(1) }) + more);
      } else {
        ticker?.stop();
        ticker = undefined;
        ctx.refreshStatus();
      }
    }

    function track(): void {
      ticker ??= ctx.every(STATUS_MS, progress);
      progress();
    }

    async function recordTake(msg: NodeMessage, send: SendFunction): Promise<void> {
      const mixer = ctx.mixer();
      if (takes.size >= MAX_TAKES) throw new QueueFullError(`${MAX_TAKES} recordings are already running or scheduled in this node: wait for one to end, or send msg.stop`);
      const duration = positiveNumber('msg.duration', firstSet(msg.duration, s.duration), MAX_DURATION_S, 'seconds');
      const { list, channels } = inputsOf(msg, mixer);
      const at = startFrame(msg, mixer);
      const sampleRate = mixer.sampleRate;
      // An explicit msg.at that has passed is an error (the take would not be
      // where the user asked); msg.delay or "now" may start a block late.
      const action = mixer.record(Math.max(1, Math.round(duration * sampleRate)), { at, channels: list, allowBelated: msg.at === undefined });
      const take: Take = { action, at: at ?? mixer.currentFrame };
      takes.add(take);
      track();
      let result: ActionResult;
      try {
        result = await action.done;
      } finally {
        takes.delete(take);
        if (!ctx.closing) progress();
      }
      if (ctx.closing) return;
      if (result.closed) throw new MixerClosedError('finish the recording');
      // Stopped early: only the frames recorded so far.
      let samples = result.samples ?? new Float32Array(0);
      if (samples.length !== result.frames * channels) samples = samples.slice(0, result.frames * channels);
      send(reply(msg, encode(samples, channels, sampleRate, s.format), { sampleRate, channels, startFrame: result.startFrame, frames: result.frames }));
    }

    function recordLive(msg: NodeMessage, send: SendFunction): Promise<void> {
      if (live) {
        throw new InvalidArgumentError(
          'Already recording: this node records one continuous stream at a time. Send msg.stop (or payload "stop") first; the running recording goes on.',
        );
      }
      const mixer = ctx.mixer();
      const { list, channels } = inputsOf(msg, mixer);
      const sampleRate = mixer.sampleRate;
      const at = startFrame(msg, mixer) ?? mixer.currentFrame + Math.round(START_MARGIN_S * sampleRate);
      const stream = mixer.createReadStream({
        channels: list, at, allowBelated: msg.at === undefined,
        ringFrames: Math.max(Math.round(RING_SECONDS * sampleRate), 1024),
        pollMs: Math.max(5, Math.min(20, Math.floor(s.chunkMs / 2))),
      });
      const chunker = new ChunkAssembler(channels, Math.max(1, Math.round((s.chunkMs / 1000) * sampleRate)));
      let sequence = 0;
      const current: Live = { stream, sampleRate, delivered: 0, lost: 0, ended: Promise.resolve() };
      const sendChunk = (chunk: Chunk) => {
        if (ctx.closing) return;
        send(reply(msg, encode(chunk.samples, channels, sampleRate, s.format), {
          sampleRate, channels, startFrame: chunk.startFrame, frames: chunk.frames, sequence: sequence++, overflowFrames: current.lost,
        }));
      };
      stream.on('data', (bytes: Buffer) => {
        const block = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : new Float32Array(Uint8Array.from(bytes).buffer);
        chunker.push(block, stream.frameAt(current.delivered)!);
        current.delivered += block.length / channels;
        for (let chunk = chunker.next(); chunk; chunk = chunker.next()) sendChunk(chunk);
      });
      stream.on('overflow', ({ frames }: { frames: number }) => {
        const lost = frames - current.lost;
        current.lost = frames;
        ctx.node.warn(
          `Lost ${lost} frames (${((lost / sampleRate) * 1000).toFixed(0)} ms) of the recording: the flow did not take the audio ` +
            `for longer than the ${RING_SECONDS} s buffer holds (a blocked event loop?). ${frames} frames lost since the start.`,
        );
        progress();
      });
      current.ended = new Promise<void>((resolve, reject) => {
        const over = () => {
          if (live === current) live = undefined;
          if (!ctx.closing) progress();
        };
        stream.on('end', () => {
          // The ring's last frames, as a shorter last message.
          const rest = chunker.rest();
          if (rest) sendChunk(rest);
          over();
          resolve();
        });
        stream.on('error', (err: Error) => {
          over();
          reject(err);
        });
      });
      live = current;
      track();
      // done() for the start message when the recording has ended.
      return current.ended;
    }

    /** Stops this node's recordings; resolves once what was recorded has been sent. */
    function stop(): Promise<unknown> {
      const mixer = openMixer();
      const waits: Promise<unknown>[] = [...takes].map((take) => {
        if (mixer && !take.action.finished) mixer.cancel(take.action);
        return take.action.done.catch(() => undefined);
      });
      if (live) {
        live.stream.stop();
        waits.push(live.ended.catch(() => undefined));
      }
      return Promise.all(waits);
    }

    return {
      input(msg, send) {
        if (msg.stop === true || msg.payload === 'stop') return stop();
        return s.mode === 'duration' ? recordTake(msg, send) : recordLive(msg, send);
      },
      check: (mixer) => inputsOf({}, mixer),
      status: () => (takes.size > 0 || live ? progress() : ctx.status.idle()),
      close: stop,
    };
  });
