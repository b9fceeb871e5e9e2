// node.status() with the conventions users read at a glance (green dot =
// active, yellow ring = connecting, red ring = error, grey = idle), sent only
// when it changes so a busy node does not flood the editor's websocket.
import type { Translate } from './i18n';
import type { Node, NodeStatus } from './red-types';

export class StatusReporter {
  private last = '';
  constructor(private readonly node: Node, private readonly t: Translate) {}

  set(status: NodeStatus): void {
    const key = JSON.stringify(status);
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }

  active(text: string): void {
    this.set({ fill: 'green', shape: 'dot', text });
  }
  idle(text = this.t('idle')): void {
    this.set({ fill: 'grey', shape: 'ring', text });
  }
  warning(text: string): void {
    this.set({ fill: 'yellow', shape: 'dot', text });
  }
  connecting(text = this.t('opening')): void {
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

/** Shortenings that keep a refusal's setting, rule and value within one status line. */
const TERSE: [RegExp, string][] = [
  [/ must be a number of (\w+) greater than 0 and at most ([^\s,]+)/, ' must be > 0 and ≤ $2 $1'],
  [/ must be a (?:whole )?number (?:of channels )?from (\S+) to ([^\s,]+)/, ' must be $1 to $2'],
  [/ must be a number >= ([^\s,]+)/, ' must be ≥ $1'],
  [/^the node's (\w+) setting/, '$1'],
  [/ lists (\w+) channel (\d+), but the mixer has (\d+) .*$/, ': no $1 channel $2 (mixer has $3)'],
  [/^device lost: .*/, 'device lost'],
  [/ seconds\b/, ' s'],
  [/ milliseconds\b/, ' ms'],
  [/ \(0 = .*\)$/, ''],
];

/**
 * Status text stays short (the editor cuts it at about 48 characters): the
 * first sentence, refusals worded tersely. The full text goes to node.error or done(err).
 */
export function shorten(text: string, max = 48): string {
  let line = text.split(/(?<=\.)\s/)[0].replace(/\.$/, '');
  for (const [pattern, terse] of TERSE) line = line.replace(pattern, terse);
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}
