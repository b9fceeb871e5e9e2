// node.status() with the conventions users read at a glance (green dot =
// active, yellow ring = connecting, red ring = error, grey = idle), sent only
// when it changes so a busy node does not flood the editor's websocket.
import type { Node, NodeStatus } from './red-types';

export class StatusReporter {
  private last = '';
  constructor(private readonly node: Node) {}

  private set(status: NodeStatus): void {
    const key = JSON.stringify(status);
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }

  active(text: string): void {
    this.set({ fill: 'green', shape: 'dot', text });
  }
  idle(text = 'idle'): void {
    this.set({ fill: 'grey', shape: 'ring', text });
  }
  warning(text: string): void {
    this.set({ fill: 'yellow', shape: 'dot', text });
  }
  connecting(text = 'opening device'): void {
    this.set({ fill: 'yellow', shape: 'ring', text });
  }
  error(text: string): void {
    this.set({ fill: 'red', shape: 'ring', text: shorten(text) });
  }
  clear(): void {
    this.last = '';
    this.node.status({});
  }
}

/** Status text stays short: the editor shows one line under the node. */
export function shorten(text: string, max = 48): string {
  const firstSentence = text.split(/(?<=[.:])\s/)[0];
  return firstSentence.length > max ? firstSentence.slice(0, max - 1) + '…' : firstSentence;
}
