// rtmixer-record: records from the mixer's inputs. Duration mode sends one
// message per take (the callback fills native memory; the node gets a copy
// when the take ends). Continuous mode records into a ring buffer that a timer
// drains, and sends exactly chunkMs of audio per message, gapless, numbered,
// with the frames lost (if the flow was too slow to drain the ring) counted.
import { endianness } from 'node:os';
import { Action, ActionResult, InvalidArgumentError, Mixer, RingBuffer, RtMixerError } from '../src/index';
import { describeValue } from '../src/validate';
import { MixerClient } from './lib/mixer-client';
import { channelList, firstSet, reply, requireChannelsWithin, settingsOrError, startFrame } from './lib/msg-options';
import { Chunk, ChunkAssembler } from './lib/record-chunker';
import type { Node, NodeAPI, NodeDefinition, NodeMessage, SendFunction } from './lib/red-types';
import { encodeWav } from './lib/wav';

type Mode = 'duration' | 'continuous';
type Format = 'float32' | 'buffer' | 'wav' | 'wav-float';
const MODES: readonly Mode[] = ['duration', 'continuous'];
const FORMATS: readonly Format[] = ['float32', 'buffer', 'wav', 'wav-float'];

/** Longest take in duration mode (its samples are held in memory until it ends). */
const MAX_DURATION_S = 3600;
/** Takes one node may have running or scheduled at once (duration mode). */
const MAX_TAKES = 32;
/** Continuous mode: seconds of audio the ring holds while the event loop is busy. */
const RING_SECONDS = 1;
/** Continuous mode without msg.at/delay: start this far ahead so the start frame is known exactly. */
const START_MARGIN_S = 0.01;
const STATUS_MS = 250;

interface RecordDefinition extends NodeDefinition {
  mixer?: string;
  mode?: string;
  duration?: string | number;
  chunkMs?: string | number;
  /** Saved as inputChannels: Node-RED reserves `inputs` for the node's port count. */
  inputChannels?: string;
  format?: string;
}

interface Settings {
  mode: Mode;
  duration: number;
  chunkMs: number;
  inputs: number[] | undefined;
  format: Format;
}

/** A number > 0 and <= max, from the editor (string) or a message. */
function positive(name: string, value: unknown, max: number, unit: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > max) {
    throw new InvalidArgumentError(`${name} must be a number of ${unit} greater than 0 and at most ${max}, got ${describeValue(value)}`);
  }
  return n;
}

function settingsFrom(def: RecordDefinition): Settings {
  const mode = (def.mode || 'duration') as Mode;
  if (!MODES.includes(mode)) throw new InvalidArgumentError(`mode must be "duration" or "continuous", got ${describeValue(def.mode)}`);
  const format = (def.format || 'float32') as Format;
  if (!FORMATS.includes(format)) throw new InvalidArgumentError(`format must be one of ${FORMATS.join(', ')}, got ${describeValue(def.format)}`);
  if (mode === 'continuous' && (format === 'wav' || format === 'wav-float')) {
    throw new InvalidArgumentError(
      'WAV output needs duration mode. A WAV file has one header for the whole recording: ' +
        'in continuous mode choose float32 or buffer (raw float32LE PCM).',
    );
  }
  return {
    mode,
    format,
    duration: positive('duration', firstSet(def.duration, '5'), MAX_DURATION_S, 'seconds'),
    chunkMs: positive('chunkMs', firstSet(def.chunkMs, '100'), 60000, 'milliseconds'),
    inputs: channelList('Inputs', def.inputChannels),
  };
}

/** The input channels to record (undefined = all), checked against the stream. */
function inputsFor(mixer: Mixer, list: number[] | undefined, source: string): number[] | undefined {
  if (mixer.inputChannels === 0) {
    throw new InvalidArgumentError('This mixer has no input channels: set Inputs in the rtmixer-config node (empty = up to 2)');
  }
  requireChannelsWithin(list ?? [], mixer.inputChannels, source, 'input');
  return list;
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

const closedError = () =>
  new RtMixerError('ERR_RTMIXER_CLOSED', 'The recording was cut short: the mixer closed (redeployed, or the device failed)');

export = function register(RED: NodeAPI): void {
  function RecordNode(this: Node, def: RecordDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;

    const { settings, error: settingsError } = settingsOrError(() => settingsFrom(def));

    let closing = false;
    let statusTimer: NodeJS.Timeout | undefined;

    // ---- duration mode: one take per message, several may overlap ----
    interface Take {
      action: Action;
      /** The requested start frame (or the clock when it was asked for "now"). */
      at: number;
      ended: Promise<unknown>;
    }
    const takes = new Set<Take>();

    // ---- continuous mode: one stream at a time ----
    interface Session {
      msg: NodeMessage;
      send: SendFunction;
      ring: RingBuffer;
      action: Action;
      chunker: ChunkAssembler;
      channels: number;
      sampleRate: number;
      recStart: number;
      delivered: number;
      /** Overflow frames counted up to the last drain: they lie before every frame drained since. */
      overflow: number;
      warnedOverflow: number;
      sequence: number;
      timer: NodeJS.Timeout;
      ended: Promise<void>;
    }
    let session: Session | undefined;

    // MixerClient reports the mixer's state while it registers, before `client` is set.
    let ready = false;
    const client = new MixerClient(RED, node, def.mixer, () => showIdle());
    ready = true;

    function showIdle(): void {
      if (!ready) return; // repeated just below once the client exists
      if (settingsError) return client.status.error(settingsError.message);
      if (takes.size > 0 || session) return;
      try {
        inputsFor(client.mixer(), settings!.inputs, 'inputs');
        client.status.idle();
      } catch (err) {
        client.status.error((err as Error).message);
      }
    }
    if (client.config?.state === 'open' || settingsError) showIdle();

    function mixerOrNull(): Mixer | undefined {
      try {
        return client.mixer();
      } catch {
        return undefined;
      }
    }

    function updateStatus(): void {
      const mixer = mixerOrNull();
      if (!mixer) return;
      if (session) {
        const s = session;
        const seconds = ((s.delivered + s.overflow) / s.sampleRate).toFixed(1);
        if (s.overflow > 0) client.status.warning(`recording ${seconds} s · ${s.overflow} frames lost`);
        else client.status.active(`recording ${seconds} s`);
        return;
      }
      if (takes.size === 0) return stopStatusTimer();
      // The take that started first; before any has started, when the next one will.
      const now = mixer.currentFrame;
      const first = Math.min(...[...takes].map((t) => t.at));
      const more = takes.size > 1 ? ` (${takes.size} takes)` : '';
      if (first > now) client.status.active(`starts in ${((first - now) / mixer.sampleRate).toFixed(1)} s${more}`);
      else client.status.active(`recording ${((now - first) / mixer.sampleRate).toFixed(1)} s${more}`);
    }

    function startStatusTimer(): void {
      updateStatus();
      statusTimer ??= setInterval(() => {
        try {
          updateStatus();
        } catch {
          /* a status update must never throw out of a timer */
        }
      }, STATUS_MS);
    }

    function stopStatusTimer(): void {
      if (statusTimer) clearInterval(statusTimer);
      statusTimer = undefined;
      if (!closing) showIdle();
    }

    // ---- duration mode ----
    async function recordTake(msg: NodeMessage, send: SendFunction): Promise<void> {
      const mixer = client.mixer();
      const s = settings!;
      if (takes.size >= MAX_TAKES) {
        throw new RtMixerError('ERR_RTMIXER_QUEUE_FULL', `${MAX_TAKES} recordings are already running or scheduled in this node: wait for one to end, or send msg.stop`);
      }
      const duration = positive('msg.duration', firstSet(msg.duration, s.duration), MAX_DURATION_S, 'seconds');
      const inputs = inputsFor(mixer, msg.inputs !== undefined ? channelList('msg.inputs', msg.inputs) : s.inputs, msg.inputs !== undefined ? 'msg.inputs' : 'inputs');
      const frames = Math.max(1, Math.round(duration * mixer.sampleRate));
      const at = startFrame(msg, mixer);
      const channels = inputs?.length ?? mixer.inputChannels;
      const sampleRate = mixer.sampleRate;
      // An explicit msg.at that has passed is an error (the take would not be
      // where the user asked); msg.delay or "now" may start a block late.
      const action = mixer.record(frames, { at, channels: inputs, allowBelated: msg.at === undefined });
      const take: Take = { action, at: at ?? mixer.currentFrame, ended: action.done.catch(() => undefined) };
      takes.add(take);
      startStatusTimer();
      let result: ActionResult;
      try {
        result = await action.done;
      } finally {
        takes.delete(take);
        if (takes.size === 0 && !session) stopStatusTimer();
      }
      if (closing) return;
      if (result.closed) throw closedError();
      // Stopped early: only the frames recorded so far.
      const wanted = result.frames * channels;
      let samples = result.samples ?? new Float32Array(0);
      if (samples.length !== wanted) samples = samples.slice(0, wanted);
      send(reply(msg, encode(samples, channels, sampleRate, s.format), { sampleRate, channels, startFrame: result.startFrame, frames: result.frames }));
    }

    // ---- continuous mode ----
    function startSession(msg: NodeMessage, send: SendFunction): Promise<void> {
      if (session) {
        throw new InvalidArgumentError(
          'Already recording: this node records one continuous stream at a time. Send msg.stop (or payload "stop") first; the running recording goes on.',
        );
      }
      const mixer = client.mixer();
      const s = settings!;
      const inputs = inputsFor(mixer, msg.inputs !== undefined ? channelList('msg.inputs', msg.inputs) : s.inputs, msg.inputs !== undefined ? 'msg.inputs' : 'inputs');
      const channels = inputs?.length ?? mixer.inputChannels;
      const sampleRate = mixer.sampleRate;
      const requested = startFrame(msg, mixer);
      const at = requested ?? mixer.currentFrame + Math.round(START_MARGIN_S * sampleRate);
      const ring = new RingBuffer(Math.max(Math.round(RING_SECONDS * sampleRate), 1024), channels);
      const action = mixer.recordRingbuffer(ring, { at, channels: inputs, allowBelated: msg.at === undefined });
      const chunkFrames = Math.max(1, Math.round((s.chunkMs / 1000) * sampleRate));
      const pollMs = Math.max(5, Math.min(20, Math.floor(s.chunkMs / 2)));
      const current: Session = {
        msg, send, ring, action, channels, sampleRate,
        chunker: new ChunkAssembler(channels, chunkFrames),
        recStart: at, delivered: 0, overflow: 0, warnedOverflow: 0, sequence: 0,
        timer: setInterval(() => drainSafely(current), pollMs),
        ended: Promise.resolve(),
      };
      session = current;
      current.ended = action.done.then(
        (result) => {
          finishSession(current, result);
        },
        (err: Error) => {
          endSession(current);
          throw err;
        },
      );
      startStatusTimer();
      // done() for the start message when the recording has ended.
      return current.ended;
    }

    function endSession(s: Session): void {
      clearInterval(s.timer);
      if (session === s) session = undefined;
      if (takes.size === 0 && !session) stopStatusTimer();
    }

    function finishSession(s: Session, result: ActionResult): void {
      clearInterval(s.timer);
      try {
        if (closing) return;
        if (result.closed) throw closedError();
        // The ring still holds the last frames: send them, then the rest as a shorter last message.
        drain(s);
        const rest = s.chunker.rest();
        if (rest) sendChunk(s, rest);
      } finally {
        endSession(s);
      }
    }

    function drainSafely(s: Session): void {
      try {
        drain(s);
      } catch (err) {
        node.error(err, s.msg);
      }
    }

    function drain(s: Session): void {
      if (closing || session !== s) return;
      const block = s.ring.read();
      // Read after the ring: every drop counted now came after the frames just
      // read (the callback drops only while the ring is full).
      const overflow = s.action.counters.overflowFrames;
      if (block.length > 0) {
        s.chunker.push(block, s.recStart + s.delivered + s.overflow);
        s.delivered += block.length / s.channels;
      }
      s.overflow = overflow;
      for (let chunk = s.chunker.next(); chunk; chunk = s.chunker.next()) sendChunk(s, chunk);
      if (overflow > s.warnedOverflow) {
        const lost = overflow - s.warnedOverflow;
        s.warnedOverflow = overflow;
        node.warn(
          `Lost ${lost} frames (${((lost / s.sampleRate) * 1000).toFixed(0)} ms) of the recording: the flow did not take the audio ` +
            `for longer than the ${RING_SECONDS} s buffer holds (a blocked event loop?). ${overflow} frames lost since the start.`,
        );
        updateStatus();
      }
    }

    function sendChunk(s: Session, chunk: Chunk): void {
      s.send(
        reply(s.msg, encode(chunk.samples, s.channels, s.sampleRate, settings!.format), {
          sampleRate: s.sampleRate,
          channels: s.channels,
          startFrame: chunk.startFrame,
          frames: chunk.frames,
          sequence: s.sequence++,
          overflowFrames: s.overflow,
        }),
      );
    }

    // ---- stop ----
    async function stop(): Promise<void> {
      const mixer = mixerOrNull();
      const waits: Promise<unknown>[] = [];
      for (const take of takes) {
        if (mixer && !take.action.finished) mixer.cancel(take.action);
        waits.push(take.ended);
      }
      if (session) {
        if (mixer && !session.action.finished) mixer.cancel(session.action);
        waits.push(session.ended.catch(() => undefined));
      }
      // done() for the stop message once what was recorded has been sent.
      await Promise.all(waits);
    }

    client.onInput((msg, send) => {
      if (msg.stop === true || msg.payload === 'stop') return stop();
      if (settingsError) throw settingsError;
      return settings!.mode === 'duration' ? recordTake(msg, send) : startSession(msg, send);
    });

    client.onClose(() => {
      closing = true;
      if (statusTimer) clearInterval(statusTimer);
      statusTimer = undefined;
      const mixer = mixerOrNull();
      for (const take of takes) if (mixer && !take.action.finished) mixer.cancel(take.action);
      if (session) {
        clearInterval(session.timer);
        if (mixer && !session.action.finished) mixer.cancel(session.action);
      }
    });
  }

  RED.nodes.registerType('rtmixer-record', RecordNode);
};
