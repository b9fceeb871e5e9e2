// The slice of Node-RED's runtime API these nodes use. @types/node-red is
// community-kept and lags the runtime, so the package declares what it relies on.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFunction = (msg: NodeMessage | (NodeMessage | null)[]) => void;
export type DoneFunction = (err?: Error) => void;

export interface Node {
  readonly id: string;
  readonly type: string;
  name?: string;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus): void;
  send(msg: NodeMessage | (NodeMessage | null)[]): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
}

/** The properties every node's editor saves. */
export interface NodeDefinition {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

type Handler = (req: IncomingMessage & { query: Record<string, string>; params: Record<string, string> }, res: ServerResponse & { json(body: unknown): void }, next: () => void) => void;

export interface NodeAPI {
  nodes: {
    createNode(node: object, definition: NodeDefinition): void;
    registerType(type: string, constructor: Function, options?: { settings?: Record<string, { value: unknown; exportable?: boolean }> }): void;
    getNode(id: string): unknown;
  };
  httpAdmin: { get(path: string, ...handlers: Handler[]): void; post(path: string, ...handlers: Handler[]): void };
  /** The message catalogue's text for `key` (the key itself when there is none). */
  _(key: string, vars?: Record<string, unknown>): string;
  auth: { needsPermission(permission: string): Handler };
  settings: Record<string, unknown>;
  log: { warn(message: string): void; info(message: string): void };
}
