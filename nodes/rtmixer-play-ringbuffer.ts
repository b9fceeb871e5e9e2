// rtmixer-play-ringbuffer: plays one continuous stream of chunks (PCM, WAV, compressed files), each message the
// next piece, through the library's AudioWriteStream (a ring the audio callback reads). A chunk's message is done
// once it is in the ring: a flow that waits for done() gets backpressure; the last is done when it has played.
import {
  AudioWriteStream, channelCount, channelList, DecodedSamples, describePayload, firstSet, MixerClosedError, oneOf, optionalNumber, QueueFullError, RAW_FORMATS,
  routeChannels, SampleDecoder,
} from '../src/index';
import { MixerNodeDefinition, registerMixerNode } from './lib/mixer-node';
import { channelsFor, MAX_GAIN, reply } from './lib/msg-options';
import type { NodeAPI, NodeMessage } from './lib/red-types';

const STATUS_INTERVAL_MS = 250;

interface PlayRingbufferDefinition extends MixerNodeDefinition {
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

function parseSettings(def: PlayRingbufferDefinition) {
  const ringMs = optionalNumber('Ring (ms)', def.ringMs, 10, 60000) ?? 200;
  return {
    format: oneOf('format', def.format, RAW_FORMATS),
    outputs: channelList('Outputs', def.outputChannels),
    gain: optionalNumber('Gain', def.gain, 0, MAX_GAIN) ?? 1,
    channels: channelCount('Channels', def.channels),
    ringMs,
    prefillMs: optionalNumber('Prefill (ms)', def.prefillMs, 0, ringMs),
    /** Seconds of audio that may wait outside the ring before a chunk is refused ("Wait up to"). */
    queueS: optionalNumber('Wait up to (s)', def.queueS, 0.1, 3600) ?? 60,
    resample: def.resample === undefined || def.resample === '' || def.resample === true || def.resample === 'true',
  };
}

/** One stream: its decoder, and its writer once the first audio fixed the channels. */
interface Session {
  decoder: SampleDecoder;
  writer?: AudioWriteStream;
  gain: number;
  outputs?: number[];
  outputsName: string;
  /** Settles each message whose chunk waits for room in the ring. */
  waiting: Set<(err?: Error) => void>;
  queuedFrames: number;
  written: (Promise<void> | undefined)[]; // the last two chunks' writes: a threaded decode waits for the older
  /** Some chunk was accepted (else a failing first chunk discards the stream). */
  accepted: boolean;
  ending: boolean;
  lastMsg: NodeMessage;
  endMsg?: NodeMessage;
  /** The error a message's done(err) already carries. */
  reported?: Error;
  /** Settles once the stream is over and its result was sent. */
  over?: Promise<void>;
}

/** msg.parts as the split/file-in nodes set it: the last part ends the stream. */
function partsOf(msg: NodeMessage): { id: unknown; last: boolean } {
  const parts = (msg.parts ?? {}) as { id?: unknown; index?: unknown; count?: unknown };
  // `file in` sends an extra empty message with index === count when the file is a whole number of chunks long.
  return { id: parts.id, last: typeof parts.index === 'number' && typeof parts.count === 'number' && parts.index >= parts.count - 1 };
}

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-play-ringbuffer', parseSettings, (ctx) => {
    const s = ctx.settings;
    /** Oldest first; only the last one may still take chunks (the others are draining). */
    let sessions: Session[] = [];
    /** msg.parts.id of a split sequence whose start was refused: its other parts are dropped. */
    let refusedParts: unknown;
    let lastUnderflow = 0;
    let statusTimer: { stop(): void } | undefined;

    function remove(session: Session): void {
      sessions = sessions.filter((x) => x !== session);
      ctx.refreshStatus();
    }

    function newSession(msg: NodeMessage): Session {
      const mixer = ctx.mixer();
      const outputs = channelsFor(msg, 'outputs', s.outputs, mixer.outputChannels);
      const decoder = new SampleDecoder({
        name: 'msg.payload',
        format: s.format,
        channels: channelCount('msg.channels', msg.channels) ?? s.channels ?? outputs.list?.length ?? mixer.outputChannels,
        sampleRate: mixer.sampleRate,
        resample: s.resample,
        pace: () => session.written[0] ?? Promise.resolve(),
      });
      const gain = optionalNumber('msg.gain', firstSet(msg.gain, s.gain), 0, MAX_GAIN) ?? 1;
      const session: Session = { decoder, gain, outputs: outputs.list, outputsName: outputs.name, waiting: new Set(), queuedFrames: 0, written: [], accepted: false, ending: false, lastMsg: msg };
      sessions.push(session);
      statusTimer ??= ctx.every(STATUS_INTERVAL_MS, () => ctx.refreshStatus());
      return session;
    }

    /** The writer, made for the stream's first audio; it starts after the stream before it. */
    function writerFor(session: Session, outputs: number[]): AudioWriteStream {
      if (session.writer) return session.writer;
      const mixer = ctx.mixer();
      const ringFrames = Math.max(64, Math.round((s.ringMs / 1000) * mixer.sampleRate));
      const prefillFrames = s.prefillMs === undefined ? undefined : Math.min(ringFrames, Math.max(1, Math.round((s.prefillMs / 1000) * mixer.sampleRate)));
      const after = sessions.slice(0, sessions.indexOf(session)).reverse().find((x) => x.writer)?.writer;
      const writer = mixer.createWriteStream({ channels: outputs, gain: session.gain, ringFrames, prefillFrames, after });
      writer.on('error', (err: Error) => {
        if (err !== session.reported && !(err instanceof MixerClosedError) && !ctx.closing) ctx.node.error(err, session.lastMsg);
      });
      session.writer = writer;
      session.over = writer.done.then((result) => {
        for (const settle of session.waiting) settle(result.closed ? new MixerClosedError('stream audio') : undefined);
        lastUnderflow = result.underflowFrames;
        remove(session);
        const { startFrame, frames, underflowFrames, cancelled, closed } = result;
        if (!ctx.closing) ctx.node.send(reply(session.endMsg ?? session.lastMsg, { startFrame, frames, underflowFrames, cancelled, closed }));
      });
      return writer;
    }

    /** Queues a chunk; resolves once all of it is in the ring. */
    function write(session: Session, writer: AudioWriteStream, samples: Float32Array, frames: number): Promise<void> {
      const written = new Promise<void>((resolve, reject) => {
        const settle = (err?: Error) => {
          if (!session.waiting.delete(settle)) return;
          session.queuedFrames -= frames;
          return err ? reject((session.reported = err)) : resolve();
        };
        session.waiting.add(settle);
        session.queuedFrames += frames;
        writer.write(samples, (err) => settle(err ?? undefined));
      });
      session.written = [session.written[1], written];
      return written;
    }

    /** Routes decoded frames to the outputs and queues them; resolves once all are in the ring. */
    function play(session: Session, chunk: DecodedSamples): Promise<void> {
      if (chunk.samples.length === 0) return Promise.resolve();
      const routed = routeChannels(chunk.samples, chunk.channels, session.outputs, ctx.mixer().outputChannels, session.outputsName);
      return write(session, writerFor(session, routed.outputs), routed.samples, routed.samples.length / routed.outputs.length);
    }

    /** No more chunks: resolves when the last frame has played and the result was sent. */
    function end(session: Session, msg: NodeMessage): Promise<void> {
      session.ending = true;
      session.endMsg = msg;
      const last = Promise.resolve(session.decoder.end()).then((chunk) => play(session, chunk)); // a threaded file's last frames
      return last.finally(() => (session.writer ? session.writer.end() : nothingPlayed(session, msg, false))).then(() => session.over);
    }

    /** A stream over before any audio was queued: its result says nothing played. */
    function nothingPlayed(session: Session, msg: NodeMessage | undefined, cancelled: boolean): void {
      remove(session);
      if (msg && !ctx.closing) ctx.node.send(reply(msg, { startFrame: -1, frames: 0, underflowFrames: 0, cancelled, closed: false }));
    }

    /** Stops at once: waiting chunks are dropped (their messages done), playback cancelled. */
    function stop(session: Session, msg?: NodeMessage): Promise<void> {
      session.ending = true;
      session.endMsg = msg ?? session.endMsg;
      session.decoder.close();
      for (const settle of session.waiting) settle();
      if (!session.writer) nothingPlayed(session, msg, true);
      session.writer?.destroy();
      return session.over ?? Promise.resolve();
    }

    function handle(msg: NodeMessage): Promise<void> | void {
      if (msg.stop === true) {
        refusedParts = undefined;
        return Promise.all(sessions.map((x) => stop(x, msg))).then(() => undefined);
      }
      const parts = partsOf(msg);
      const last = msg.end === true || parts.last;
      if (refusedParts !== undefined && parts.id === refusedParts) {
        if (last) refusedParts = undefined;
        return;
      }
      // An end message may carry no audio (or, from an inject node, a timestamp).
      const audio = ArrayBuffer.isView(msg.payload) ? msg.payload.byteLength !== 0 : !last;
      const open = sessions[sessions.length - 1];
      let session = open && !open.ending ? open : undefined;
      if (!session) {
        if (!audio) return;
        session = newSession(msg);
      }
      let written: Promise<void> = Promise.resolve();
      if (audio) {
        const mixer = ctx.mixer();
        // Refused before decoding: under overload this is the common case.
        if (session.queuedFrames >= s.queueS * mixer.sampleRate) {
          throw new QueueFullError(
            `${(session.queuedFrames / mixer.sampleRate).toFixed(1)} s of audio are already waiting for room in the ring, so this chunk was dropped. ` +
              'Send chunks no faster than they play: wait for each message to complete (Complete node), or pace the sender.',
          );
        }
        try {
          const chunk = session.decoder.push(msg.payload);
          session.accepted = true;
          session.lastMsg = msg;
          written = chunk instanceof Promise ? chunk.then((c) => play(session!, c)) : play(session, chunk);
        } catch (err) {
          if (!session.accepted) {
            // Its first chunk was refused: no stream, and the rest of a split sequence must not play as noise.
            stop(session);
            if (parts.id !== undefined && !last) refusedParts = parts.id;
          } else if (last) {
            end(session, msg).catch(() => undefined);
          }
          throw err;
        }
      }
      ctx.refreshStatus();
      return last ? Promise.all([written, end(session, msg)]).then(() => undefined) : written;
    }

    return {
      input: (msg) => handle(msg),
      check: (mixer) => channelsFor({}, 'outputs', s.outputs, mixer.outputChannels),
      describe: (payload) => describePayload(payload as ArrayBufferView, s.format, s.channels ?? s.outputs?.length ?? 2),
      status() {
        const playing = sessions[0];
        if (!playing) {
          statusTimer?.stop();
          statusTimer = undefined;
          return ctx.status.idle(lastUnderflow ? ctx.t('idle-underflow', { frames: lastUnderflow }) : undefined);
        }
        const percent = Math.round((playing.writer?.fill ?? 0) * 100);
        const started = playing.writer?.action !== undefined;
        ctx.status.active(started ? ctx.t('ring', { percent, frames: playing.writer!.underflowFrames }) : ctx.t('buffering', { percent }));
      },
      close() {
        const all = sessions;
        sessions = [];
        return Promise.all(all.map((x) => stop(x)));
      },
    };
  });
