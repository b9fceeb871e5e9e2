// The skeleton every rtmixer user node shares: it parses the editor settings
// once, registers with the mixer config node, mirrors the mixer's state in the
// node's status, runs each message so that done() is called exactly once, and
// on close stops what the node started and waits for it, within a bound. A
// node file states only what is particular to it (its MixerNodeBehaviour).
import { describePayload, InvalidArgumentError, LateStartError, Mixer, QueueFullError, RtMixerError } from '../../src/index';
import { Translate, translator } from './i18n';
import type { MixerConfigApi, MixerState, MixerUser } from './mixer-config-api';
import { StatusReporter } from './node-status';
import type { DoneFunction, Node, NodeAPI, NodeDefinition, NodeMessage, SendFunction } from './red-types';

/** Close waits at most this long for the callback to hand back what the node cancelled. */
const CLOSE_WAIT_MS = 2000;

export interface MixerNodeDefinition extends NodeDefinition {
  mixer?: string;
}

export interface MixerNodeContext<S> {
  readonly node: Node;
  /** The runtime's strings, from the message catalogue. */
  readonly t: Translate;
  readonly settings: S;
  readonly status: StatusReporter;
  readonly config: MixerConfigApi | undefined;
  /** True once the node is closing: its wires are gone, send nothing more. */
  readonly closing: boolean;
  /** The shared Mixer; throws a coded error that says why there is none. */
  mixer(): Mixer;
  /** Shows the node's own status, when the mixer is open (else its state stays shown). */
  refreshStatus(): void;
  /** Runs `fn` every `ms` until stopped or the node closes; an error is a warning, never a crash. */
  every(ms: number, fn: () => void): { stop(): void };
}

export interface MixerNodeBehaviour {
  /** One message: done() once the returned promise resolves, done(err) if it throws or rejects. */
  input(msg: NodeMessage, send: SendFunction): Promise<unknown> | void;
  /** Checks the settings against the open mixer (channels it has): a throw shows red at deploy. */
  check?(mixer: Mixer): void;
  /** The node's own status while the mixer is open (default: grey "idle"). */
  status?(): void;
  /** Stops what the node started; close waits (bounded) for the returned promise. */
  close?(): Promise<unknown> | void;
  /** Describes the audio of a refused message, which Catch nodes then get instead of the audio. */
  describe?(payload: unknown): string;
}

export function registerMixerNode<D extends MixerNodeDefinition, S>(
  RED: NodeAPI,
  type: string,
  parseSettings: (def: D) => S,
  behaviour: (ctx: MixerNodeContext<S>) => MixerNodeBehaviour,
): void {
  const t = translator(RED);
  function MixerNode(this: Node, def: D) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusReporter(node, t);
    const config = def.mixer ? ((RED.nodes.getNode(def.mixer) as MixerConfigApi | null) ?? undefined) : undefined;
    const timers = new Set<NodeJS.Timeout>();
    let settings: S | undefined;
    let settingsError: Error | undefined;
    try {
      settings = parseSettings(def);
    } catch (err) {
      settingsError = err as Error;
      node.error(settingsError.message); // the status shows it shortened
    }
    let closing = false;
    let own: MixerNodeBehaviour | undefined;

    const ctx: MixerNodeContext<S> = {
      node,
      t,
      settings: settings as S,
      status,
      config,
      get closing() {
        return closing;
      },
      mixer() {
        if (!config) throw new InvalidArgumentError(t('no-mixer-error', { type }));
        return config.mixer();
      },
      refreshStatus() {
        if (closing) return;
        if (settingsError) return status.error(settingsError.message);
        if (!own || config?.state !== 'open') return;
        try {
          own.check?.(config.mixer());
        } catch (err) {
          return status.error((err as Error).message);
        }
        own.status ? own.status() : status.idle();
      },
      every(ms, fn) {
        const timer = setInterval(() => {
          try {
            fn();
          } catch (err) {
            node.warn((err as Error).message);
          }
        }, ms);
        timers.add(timer);
        return {
          stop() {
            clearInterval(timer);
            timers.delete(timer);
          },
        };
      },
    };
    own = behaviour(ctx);
    const handlers = own;

    const user: MixerUser = {
      id: node.id,
      mixerStateChanged(state: MixerState, error?: Error) {
        if (settingsError || state === 'open') ctx.refreshStatus();
        else if (state === 'opening') status.connecting();
        else if (state === 'error') status.error(error?.message ?? t('mixer-error'));
        else status.idle(t('mixer-closed'));
      },
    };
    if (config) config.register(user);
    else status.error(t('no-mixer'));
    ctx.refreshStatus();

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      let finished = false;
      const finish = (err?: Error) => {
        if (finished) return;
        finished = true;
        // A flow cannot pass allowBelated: say what to do in flow terms.
        if (err instanceof LateStartError) err = Object.assign(new RtMixerError(err.code, t('late-start', { at: err.at, late: err.lateFrames })), { lateFrames: err.lateFrames });
        // queueSize is a library option a flow cannot set: say what a flow can do.
        else if (err instanceof QueueFullError && err.limit !== undefined) err = new RtMixerError(err.code, t('queue-full', { limit: err.limit }));
        // Catch nodes get a deep copy of the message: never the audio, only what it was.
        if (err && ArrayBuffer.isView(msg.payload)) msg.payload = (!settingsError && handlers.describe?.(msg.payload)) || describePayload(msg.payload);
        done(err);
      };
      try {
        if (settingsError) throw settingsError;
        Promise.resolve(handlers.input(msg, send)).then(() => finish(), finish);
      } catch (err) {
        finish(err as Error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      for (const timer of timers) clearInterval(timer);
      let stopped: Promise<unknown> | void = undefined;
      try {
        stopped = handlers.close?.();
      } catch (err) {
        node.warn(`while closing: ${(err as Error).message}`);
      }
      config?.deregister(user);
      status.clear();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      Promise.race([Promise.resolve(stopped).catch(() => undefined), timeout]).then(() => {
        clearTimeout(timer);
        done();
      });
    });
  }

  RED.nodes.registerType(type, MixerNode);
}
