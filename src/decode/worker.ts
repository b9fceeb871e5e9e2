// The decode worker's entry: whole-file decodes and streaming sessions, one
// message at a time, in arrival order (sessions rely on that order).
import { parentPort } from 'node:worker_threads';
import { catchCodecLogs } from './codec-log';
import { MalformedFileError, serializeError } from './errors';
import { decodeFile } from './decode-file';
import { Reply, Request } from './protocol';
import { SessionOutput, StreamSession } from './stream-session';

catchCodecLogs();
// Decode threads keep the main thread's priority on purpose. At nice +10 they
// were starved by two busy loops while holding a MessagePort's lock, and the
// main thread sat blocked in MessagePort::OnMessage for 11-24 ms (perf
// sched_switch stacks): a priority inversion that stalled the event loop.
const port = parentPort as NonNullable<typeof parentPort>;
const sessions = new Map<number, StreamSession>();
let chain: Promise<void> = Promise.resolve();

port.on('message', (request: Request) => {
  chain = chain.then(() => handle(request));
});

async function handle(request: Request): Promise<void> {
  let reply: Reply;
  try {
    reply = await run(request);
  } catch (err) {
    if (request.type !== 'decode' && request.type !== 'alloc') closeSession(request.session);
    reply = { id: request.id, error: serializeError(err) };
  }
  const transfer = reply.samples ? [reply.samples] : [];
  port.postMessage(reply, transfer);
}

async function run(request: Request): Promise<Reply> {
  switch (request.type) {
    case 'decode': {
      const cancel = request.cancel;
      const decoded = await decodeFile(new Uint8Array(request.bytes), request.settings, () => Atomics.load(cancel, 0) === 1);
      return { id: request.id, ...decoded, samples: ownBuffer(decoded.samples) };
    }
    case 'alloc': {
      const shared = new SharedArrayBuffer(request.size);
      // Touch every page here, so the main thread's copy into them is a plain memcpy.
      // (A store per page: TypedArray.fill(0) measured as leaving the copy as slow as before.)
      const bytes = new Uint8Array(shared);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
      return { id: request.id, shared };
    }
    case 'open':
      sessions.set(request.session, new StreamSession(request.settings.sampleRate));
      return { id: request.id };
    case 'push':
      return sessionReply(request.id, await session(request.session).push(new Uint8Array(request.bytes)));
    case 'end': {
      const out = await session(request.session).end();
      closeSession(request.session);
      return sessionReply(request.id, out);
    }
    case 'close':
      closeSession(request.session);
      return { id: request.id };
  }
}

function session(id: number): StreamSession {
  const found = sessions.get(id);
  if (!found) throw new MalformedFileError('The decoder was closed after an earlier error');
  return found;
}

function closeSession(id: number): void {
  sessions.get(id)?.free();
  sessions.delete(id);
}

function sessionReply(id: number, out: SessionOutput): Reply {
  return { id, ...out, samples: ownBuffer(out.samples) };
}

/** A buffer holding exactly these samples, to transfer (a view of a larger buffer would move all of it). */
function ownBuffer(samples: Float32Array): ArrayBuffer {
  const whole = samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
  return (whole ? samples : samples.slice()).buffer as ArrayBuffer;
}
