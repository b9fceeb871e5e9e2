// rtmixer-play-ringbuffer: plays one continuous stream of audio chunks, each
// message the next piece, through a lock-free ring buffer the audio callback
// reads. Chunks that do not fit wait in a bounded queue and their messages are
// done() only once they are in the ring, so a flow that waits for done()
// (or a Complete node) gets backpressure.
import { types } from 'node:util';
import { Action, ActionResult, Mixer, MixerClosedError, RingBuffer, RtMixerError } from '../src/index';
import { requireRawFormat } from './lib/audio-payload';
import type { RawFormat } from './lib/pcm-samples';
import { MixerClient } from './lib/mixer-client';
import { channelCount, channelList, firstSet, optionalNumber, reply, requireChannelsWithin, settingsOrError } from './lib/msg-options';
import { routeChannels } from './lib/output-map';
import { StreamDecoder } from './lib/pcm-stream';
import type { Node, NodeAPI, NodeDefinition, NodeMessage } from './lib/red-types';

/** Audio that may wait outside the ring before a message is refused (setting "Wait up to"). */
const DEFAULT_QUEUE_SECONDS = 60;
const STATUS_INTERVAL_MS = 250;

interface PlayRingbufferDefinition extends NodeDefinition {
  mixer?: string;
  /** Saved as outputChannels: Node-RED reserves `outputs` for the node's port count. */
  outputChannels?: string;
  gain?: string | number;
  format?: string;
  channels?: string | number;
  ringMs?: string | number;
  prefillMs?: string | number;
  queueS?: string | number;
  resample?: boolean | string;
}

interface Settings {
  outputs: number[] | undefined;
  gain: number;
  format: RawFormat;
  channels: number | undefined;
  ringMs: number;
  prefillMs: number | undefined;
  queueS: number;
  resample: boolean;
}

/** What the node sends when a stream finishes. */
interface StreamResult {
  startFrame: number;
  frames: number;
  underflowFrames: number;
  cancelled: boolean;
  closed: boolean;
}

interface StreamOptions {
  gain: number;
  outputs: number[] | undefined;
  outputsSetting: string;
  ringFrames: number;
  prefillFrames: number;
  /** Frames that may wait outside the ring. */
  queueFrames: number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

interface Pending extends Waiter {
  /** Interleaved frames in the ring's layout, not yet written. */
  samples: Float32Array;
}

interface StreamHooks {
  finished(stream: Stream, result: StreamResult, msg: NodeMessage): void;
  /** `reported`: some message's done(err) already carries the error. */
  failed(stream: Stream, err: Error, reported: boolean, msg: NodeMessage): void;
}

function settingsFrom(def: PlayRingbufferDefinition): Settings {
  const format = requireRawFormat(def.format === undefined || def.format === '' ? 'float32' : def.format);
  const outputs = channelList('Outputs', def.outputChannels);
  const gain = optionalNumber('Gain', def.gain, 0) ?? 1;
  const channels = channelCount('Channels', def.channels);
  const ringMs = optionalNumber('Ring (ms)', def.ringMs, 10, 60000) ?? 200;
  const prefillMs = optionalNumber('Prefill (ms)', def.prefillMs, 0, ringMs);
  const queueS = optionalNumber('Wait up to (s)', def.queueS, 0.1, 3600) ?? DEFAULT_QUEUE_SECONDS;
  const resample = def.resample === undefined || def.resample === '' ? true : def.resample === true || def.resample === 'true';
  return { outputs, gain, format, channels, ringMs, prefillMs, queueS, resample };
}

/** msg.parts as the split/file-in nodes set it: the last part ends the stream. */
function partsOf(msg: NodeMessage): { id: unknown; last: boolean } {
  const parts = msg.parts as { id?: unknown; index?: unknown; count?: unknown } | undefined;
  if (!parts || typeof parts !== 'object') return { id: undefined, last: false };
  // `file in` sends an extra empty message with index === count when the file
  // is a whole number of chunks long.
  const last = typeof parts.index === 'number' && typeof parts.count === 'number' && parts.index >= parts.count - 1;
  return { id: parts.id, last };
}

/** One continuous stream: a ring, the action that plays it, and the chunks waiting for room. */
class Stream {
  readonly decoder: StreamDecoder;
  /** Some chunk of this stream was accepted (else a failing first chunk discards it). */
  accepted = false;
  /** No more chunks: it finishes after the last frame (or was stopped). */
  ending = false;
  finished = false;
  private ring: RingBuffer | undefined;
  private outputs: number[] | undefined;
  private action: Action | undefined;
  private pending: Pending[] = [];
  private queuedFrames = 0;
  private readonly waiters: Waiter[] = [];
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private readonly queueLimit: number;
  private lastMsg: NodeMessage;
  private finalMsg: NodeMessage | undefined;
  private readonly onMixerClose = () => this.mixerClosed();

  constructor(
    private readonly mixer: Mixer,
    private readonly options: StreamOptions,
    decoder: StreamDecoder,
    /** The stream before this one: this one starts only once it has finished. */
    private previous: Stream | undefined,
    private readonly hooks: StreamHooks,
    firstMsg: NodeMessage,
  ) {
    this.decoder = decoder;
    this.lastMsg = firstMsg;
    // Retry a full ring about four times per ring length, at least every 2 ms.
    this.retryMs = Math.max(2, Math.floor((options.ringFrames / mixer.sampleRate) * 250));
    this.queueLimit = options.queueFrames;
    mixer.once('close', this.onMixerClose);
  }

  /** Fill of the ring (0..1), underflow frames so far, and whether playback has started. */
  level(): { fill: number; underflowFrames: number; started: boolean } {
    const fill = this.ring ? Math.min(1, this.ring.readAvailable / this.options.ringFrames) : 0;
    return { fill, underflowFrames: this.action ? this.action.counters.underflowFrames : 0, started: this.action !== undefined };
  }

  /** Queues a chunk; resolves once all of it is in the ring. Throws (stream unchanged) on a bad chunk. */
  push(msg: NodeMessage, payload: unknown): Promise<void> {
    if (this.queuedFrames >= this.queueLimit) {
      const waiting = (this.queuedFrames / this.mixer.sampleRate).toFixed(1);
      throw new RtMixerError(
        'ERR_RTMIXER_QUEUE_FULL',
        `${waiting} s of audio are already waiting for room in the ring, so this chunk was dropped. ` +
          `Send chunks no faster than they play: wait for each message to complete (Complete node), or pace the sender.`,
      );
    }
    const chunk = this.decoder.push(payload);
    this.lastMsg = msg;
    if (chunk.samples.length === 0) {
      this.accepted = true;
      return Promise.resolve();
    }
    const routed = routeChannels(chunk.samples, chunk.channels, this.options.outputs, this.mixer.outputChannels, this.options.outputsSetting);
    if (!this.ring) {
      requireChannelsWithin(routed.outputs, this.mixer.outputChannels, this.options.outputsSetting, 'output');
      this.ring = new RingBuffer(this.options.ringFrames, routed.outputs.length);
      this.outputs = routed.outputs;
    }
    this.accepted = true;
    const frames = routed.samples.length / routed.outputs.length;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ samples: routed.samples, resolve, reject });
      this.queuedFrames += frames;
      this.pump();
    });
  }

  /** No more chunks; resolves when the last frame has played and the result was sent. */
  end(msg: NodeMessage): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.ending = true;
    this.finalMsg = msg;
    const settled = this.wait();
    this.pump();
    return settled;
  }

  /** Stops at once: chunks still waiting are dropped, the ring is cancelled. */
  stop(msg: NodeMessage): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.stopping = true;
    this.ending = true;
    this.finalMsg = msg;
    this.clearTimer();
    this.settlePending();
    const settled = this.wait();
    if (this.action && !this.action.finished && !this.mixer.closed) {
      try {
        this.mixer.cancel(this.action);
      } catch (err) {
        this.fail(err as Error);
      }
    } else if (!this.action) {
      this.finish({ startFrame: -1, frames: 0, underflowFrames: 0, cancelled: true, closed: false });
    }
    return settled;
  }

  /** The node is closing: cancel, drop everything, send nothing. */
  abort(): void {
    if (!this.stopEarly()) return;
    this.settlePending();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** Moves waiting chunks into the ring, starts playback once prefilled, ends the ring when asked. */
  pump(): void {
    this.timer = undefined;
    if (this.finished || this.stopping) return;
    try {
      const ring = this.ring;
      if (ring) {
        const channels = ring.channels;
        while (this.pending.length) {
          const room = Math.min(ring.writeAvailable, this.options.ringFrames - ring.readAvailable);
          if (room <= 0) break;
          const head = this.pending[0];
          const frames = Math.min(room, head.samples.length / channels);
          const written = ring.write(head.samples.subarray(0, frames * channels));
          head.samples = head.samples.subarray(written * channels);
          this.queuedFrames -= written;
          if (head.samples.length === 0) {
            this.pending.shift();
            head.resolve();
          }
          if (written < frames) break;
        }
      }
      const drained = this.pending.length === 0;
      // Drop the reference once it is done: a chain of finished streams would keep their rings alive.
      if (this.previous?.finished) this.previous = undefined;
      const mayStart = !this.previous;
      if (this.ending && drained) {
        if (!ring) {
          if (mayStart) this.finish({ startFrame: -1, frames: 0, underflowFrames: 0, cancelled: false, closed: false });
          return;
        }
        if (!ring.ended) ring.end();
      }
      if (ring && !this.action && mayStart && (ring.readAvailable >= this.options.prefillFrames || (this.ending && drained))) this.start(ring);
      if (this.pending.length) this.timer = setTimeout(() => this.pump(), this.retryMs);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private start(ring: RingBuffer): void {
    const action = this.mixer.playRingbuffer(ring, { channels: this.outputs, gain: this.options.gain, endWhenDrained: true });
    this.action = action;
    action.done.then(
      (result) => this.finish(result),
      (err: Error) => this.fail(err),
    );
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private mixerClosed(): void {
    // A running action resolves with closed: true by itself.
    if (!this.action) this.finish({ startFrame: -1, frames: 0, underflowFrames: 0, cancelled: true, closed: true });
  }

  private finish(result: ActionResult | StreamResult): void {
    if (this.finished) return;
    this.finished = true;
    this.detach();
    this.settlePending(result.closed ? new MixerClosedError('stream audio') : undefined);
    const payload: StreamResult = {
      startFrame: result.startFrame,
      frames: result.frames,
      underflowFrames: result.underflowFrames,
      cancelled: result.cancelled,
      closed: result.closed,
    };
    try {
      this.hooks.finished(this, payload, this.finalMsg ?? this.lastMsg);
    } catch {
      // The hook reports its own errors; nothing may throw out of a promise callback.
    }
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private fail(err: Error): void {
    if (!this.stopEarly()) return;
    const reported = this.pending.length + this.waiters.length > 0;
    this.settlePending(err);
    for (const w of this.waiters.splice(0)) w.reject(err);
    try {
      this.hooks.failed(this, err, reported, this.lastMsg);
    } catch {
      // As in finish().
    }
  }

  /** Marks the stream finished and cancels its playback; false if it had finished already. */
  private stopEarly(): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.detach();
    if (this.action && !this.action.finished && !this.mixer.closed) {
      try {
        this.mixer.cancel(this.action);
      } catch {
        // The mixer is going away too: its close ends the action.
      }
    }
    return true;
  }

  /** Chunks still waiting: done() (dropped on purpose) or done(err). */
  private settlePending(err?: Error): void {
    for (const p of this.pending.splice(0)) {
      if (err) p.reject(err);
      else p.resolve();
    }
    this.queuedFrames = 0;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private detach(): void {
    this.previous = undefined;
    this.clearTimer();
    this.mixer.off('close', this.onMixerClose);
  }
}

export = function register(RED: NodeAPI): void {
  function PlayRingbufferNode(this: Node, def: PlayRingbufferDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;
    const { settings, error: settingsError } = settingsOrError(() => settingsFrom(def));
    /** Oldest first; only the last one may still take chunks (the others are draining). */
    let streams: Stream[] = [];
    /** msg.parts.id of a split sequence whose start was refused: its other parts are dropped. */
    let refusedParts: unknown;
    let lastUnderflow = 0;
    let statusTimer: NodeJS.Timeout | undefined;
    let closed = false;
    let client: MixerClient | undefined;

    function showStatus(): void {
      try {
        updateStatus();
      } catch (err) {
        // Runs from a timer: never throw out of it.
        node.warn(`status: ${(err as Error).message}`);
      }
    }

    function updateStatus(): void {
      if (!client) return;
      if (settingsError) {
        client.status.error(settingsError.message);
        return;
      }
      // While the shared mixer is opening, failed or closed, its state is what the status shows.
      if (client.config?.state !== 'open') return;
      const playing = streams[0];
      if (!playing) {
        if (statusTimer) clearInterval(statusTimer);
        statusTimer = undefined;
        client.status.idle(lastUnderflow ? `idle · last stream: ${lastUnderflow} underflow frames` : 'idle');
        return;
      }
      const { fill, underflowFrames, started } = playing.level();
      const percent = Math.round(fill * 100);
      client.status.active(started ? `ring ${percent}% · underflow ${underflowFrames}` : `buffering ${percent}%`);
    }

    function remove(stream: Stream): void {
      streams = streams.filter((s) => s !== stream);
      // The next stream may start now that this one is off the output.
      streams[0]?.pump();
      showStatus();
    }

    const hooks: StreamHooks = {
      finished(stream, result, msg) {
        lastUnderflow = result.underflowFrames;
        try {
          if (!closed) node.send(reply(msg, result));
        } catch (err) {
          node.error(err, msg);
        }
        remove(stream);
      },
      failed(stream, err, reported, msg) {
        if (!reported && !closed) node.error(err, msg);
        remove(stream);
      },
    };

    /** The stream that takes the next chunk, if one is open. */
    function openStream(): Stream | undefined {
      const last = streams[streams.length - 1];
      return last && !last.ending && !last.finished ? last : undefined;
    }

    function newStream(msg: NodeMessage, s: Settings): Stream {
      const mixer = client!.mixer();
      const outputs = msg.outputs !== undefined ? channelList('msg.outputs', msg.outputs) : s.outputs;
      const outputsSetting = msg.outputs !== undefined ? 'msg.outputs' : "the node's Outputs setting";
      if (outputs) requireChannelsWithin(outputs, mixer.outputChannels, outputsSetting, 'output');
      const gain = optionalNumber('msg.gain', firstSet(msg.gain, s.gain), 0) ?? 1;
      const ringFrames = Math.max(64, Math.round((s.ringMs / 1000) * mixer.sampleRate));
      const prefillFrames = s.prefillMs === undefined ? ringFrames >> 1 : Math.min(ringFrames, Math.max(1, Math.round((s.prefillMs / 1000) * mixer.sampleRate)));
      const decoder = new StreamDecoder({
        format: s.format,
        channels: channelCount('msg.channels', msg.channels) ?? s.channels ?? outputs?.length ?? mixer.outputChannels,
        sampleRate: mixer.sampleRate,
        resample: s.resample,
      });
      const previous = streams[streams.length - 1];
      const queueFrames = Math.round(s.queueS * mixer.sampleRate);
      const stream = new Stream(mixer, { gain, outputs, outputsSetting, ringFrames, prefillFrames, queueFrames }, decoder, previous, hooks, msg);
      streams.push(stream);
      statusTimer ??= setInterval(showStatus, STATUS_INTERVAL_MS);
      return stream;
    }

    function isAudio(payload: unknown): payload is Float32Array | Uint8Array {
      return (types.isFloat32Array(payload) || types.isUint8Array(payload)) && (payload as Uint8Array).length > 0;
    }

    function handle(msg: NodeMessage): Promise<void> | void {
      if (settingsError || !settings) throw settingsError;
      if (msg.stop === true) {
        refusedParts = undefined;
        return Promise.all(streams.map((s) => s.stop(msg))).then(() => undefined);
      }
      const parts = partsOf(msg);
      const last = msg.end === true || parts.last;
      if (refusedParts !== undefined && parts.id === refusedParts) {
        if (last) refusedParts = undefined;
        return;
      }
      const payload = msg.payload;
      // An end message may carry no audio (or, from an inject node, a timestamp).
      const audio = isAudio(payload) || (!last && !(types.isUint8Array(payload) || types.isFloat32Array(payload)));
      let stream = openStream();
      const fresh = !stream;
      if (!stream) {
        if (!audio) return;
        stream = newStream(msg, settings);
      }
      let written: Promise<void> = Promise.resolve();
      if (audio) {
        try {
          written = stream.push(msg, payload);
        } catch (err) {
          if (!stream.accepted) {
            // Its first chunk was refused: there is no stream, and the rest of
            // a split sequence (a WAV file at the wrong rate…) must not play as noise.
            stream.abort();
            remove(stream);
            if (parts.id !== undefined && !last) refusedParts = parts.id;
          } else if (last) {
            stream.end(msg).catch(() => undefined);
          }
          throw err;
        }
        if (fresh) showStatus();
      }
      return last ? stream.end(msg) : written;
    }

    client = new MixerClient(RED, node, def.mixer, () => showStatus());
    if (client.config?.state === 'open' || settingsError) showStatus();
    client.onInput((msg) => handle(msg));
    client.onClose(() => {
      closed = true;
      if (statusTimer) clearInterval(statusTimer);
      statusTimer = undefined;
      const all = streams;
      streams = [];
      for (const s of all) s.abort();
    });
  }

  RED.nodes.registerType('rtmixer-play-ringbuffer', PlayRingbufferNode);
};
