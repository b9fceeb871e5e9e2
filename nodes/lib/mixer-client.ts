// The user side of a mixer config node: finds it, registers, mirrors its state
// in the node's status, and runs input handlers so that done() is called
// exactly once and nothing ever throws out into the runtime.
import { InvalidArgumentError, Mixer } from '../../src/index';
import type { MixerConfigApi, MixerState, MixerUser } from './mixer-config-api';
import { shorten, StatusReporter } from './node-status';
import type { DoneFunction, Node, NodeAPI, NodeMessage, SendFunction } from './red-types';

export class MixerClient implements MixerUser {
  readonly status: StatusReporter;
  readonly config: MixerConfigApi | undefined;

  /** `onOpen` restores the node's own status once the stream is open. */
  constructor(RED: NodeAPI, private readonly node: Node, configId: string | undefined, private readonly onOpen: () => void = () => this.status.idle()) {
    this.status = new StatusReporter(node);
    this.config = configId ? (RED.nodes.getNode(configId) as MixerConfigApi | null) ?? undefined : undefined;
    if (!this.config) {
      this.status.error('no mixer configured');
      return;
    }
    this.config.register(this);
  }

  get id(): string {
    return this.node.id;
  }

  mixerStateChanged(state: MixerState, error?: Error): void {
    if (state === 'open') this.onOpen();
    else if (state === 'opening') this.status.connecting();
    else if (state === 'error') this.status.error(error ? shorten(error.message) : 'mixer error');
    else this.status.idle('mixer closed');
  }

  /** The shared Mixer; throws an error with a code that Catch nodes show. */
  mixer(): Mixer {
    if (!this.config) {
      throw new InvalidArgumentError(`${this.node.type} has no mixer: open the node and choose (or add) an rtmixer-config node`);
    }
    return this.config.mixer();
  }

  /**
   * Runs `handler` for each message; done() when its promise settles, done(err)
   * if it throws or rejects.
   */
  onInput(handler: (msg: NodeMessage, send: SendFunction) => Promise<void> | void): void {
    this.node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      let result: Promise<void> | void;
      try {
        result = handler(msg, send);
      } catch (err) {
        done(err as Error);
        return;
      }
      Promise.resolve(result).then(() => done(), (err: Error) => done(err));
    });
  }

  /** Deregisters on close; `cleanup` stops what the node started first. */
  onClose(cleanup: () => void = () => undefined): void {
    this.node.on('close', (_removed: boolean, done: () => void) => {
      try {
        cleanup();
      } catch (err) {
        this.node.warn(`while closing: ${(err as Error).message}`);
      }
      this.config?.deregister(this);
      this.status.clear();
      done();
    });
  }
}
