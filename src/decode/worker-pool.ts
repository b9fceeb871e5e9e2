// A small pool of decode threads, started on first use. A thread is ref'd only
// while it has work (a pending decode keeps Node alive; an idle pool never
// does). Streaming sessions stay on the thread that holds their state; whole
// files go to the least busy thread. At most MAX_PENDING requests wait in all.
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DecodeBusyError, DecodeThreadStoppedError, deserializeError } from './errors';
import { Reply, Request } from './protocol';

export const MAX_PENDING = 64;

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

let threads: (Thread | undefined)[] = [];
let nextId = 1;

function poolSize(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(2, cores - 1));
}

function pendingTotal(): number {
  return threads.reduce((n, t) => n + (t?.pending.size ?? 0), 0);
}

function start(slot: number): Thread {
  const worker = new Worker(path.join(__dirname, 'worker.js'));
  const thread: Thread = { worker, pending: new Map() };
  worker.unref();
  worker.on('message', (reply: Reply) => {
    const job = thread.pending.get(reply.id);
    if (!job) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) worker.unref();
    job.resolve(reply);
  });
  const fail = (err: Error) => {
    if (threads[slot] === thread) threads[slot] = undefined;
    for (const job of thread.pending.values()) job.reject(new DecodeThreadStoppedError(err.message));
    thread.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  threads[slot] = thread;
  return thread;
}

/** A thread slot for a new job: the least busy one, starting threads up to the pool size. */
export function pickSlot(): number {
  const size = poolSize();
  if (threads.length < size) threads.length = size;
  let best = 0;
  for (let i = 0; i < size; i++) {
    const thread = threads[i];
    if (!thread) return i;
    if (thread.pending.size < (threads[best]?.pending.size ?? 0)) best = i;
  }
  return best;
}

/** Sends a request to a thread; resolves with its reply, rejects with the coded error it reports. */
export function send(slot: number, request: Outgoing, transfer: ArrayBuffer[] = [], bounded = true): Promise<Reply> {
  if (bounded && pendingTotal() >= MAX_PENDING) return Promise.reject(new DecodeBusyError(MAX_PENDING));
  const thread = threads[slot] ?? start(slot);
  const id = nextId++;
  return new Promise<Reply>((resolve, reject) => {
    thread.pending.set(id, {
      resolve: (reply) => (reply.error ? reject(deserializeError(reply.error)) : resolve(reply)),
      reject,
    });
    thread.worker.ref();
    thread.worker.postMessage({ ...request, id } as Request, transfer);
  });
}

/** Whether the slot's thread is running (a session whose thread died has lost its state). */
export function slotAlive(slot: number, since: Worker | undefined): boolean {
  return threads[slot] !== undefined && threads[slot]?.worker === since;
}

export function workerAt(slot: number): Worker | undefined {
  return threads[slot]?.worker;
}

/** Stops every decode thread (pending work fails with a coded error). The pool restarts on next use. */
export async function terminateDecodeThreads(): Promise<void> {
  const running = threads.filter((t): t is Thread => t !== undefined);
  threads = [];
  await Promise.all(running.map((t) => t.worker.terminate()));
}
