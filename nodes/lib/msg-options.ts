// What a message asks for beyond the node's settings (msg.at / msg.delay,
// msg.outputs / msg.inputs), and the message a node sends on.
import { channelList, requireChannelsWithin } from '../../src/index';
import type { NodeMessage } from './red-types';

export { MAX_GAIN, startFrame } from '../../src/index';

/** The message a node sends on, with a new payload and without the audio it came with. */
export function reply(msg: NodeMessage, payload: unknown, extra: Record<string, unknown> = {}): NodeMessage {
  return { ...msg, ...extra, payload };
}

/** msg.outputs / msg.inputs, else the node's setting; checked against the mixer's channels. `name` is what errors call it. */
export function channelsFor(msg: NodeMessage, key: 'outputs' | 'inputs', setting: number[] | undefined, available: number): { list?: number[]; name: string } {
  const fromMsg = msg[key] !== undefined && msg[key] !== null && msg[key] !== '';
  const name = fromMsg ? `msg.${key}` : key === 'outputs' ? "the node's Outputs setting" : 'inputs';
  const list = fromMsg ? channelList(name, msg[key]) : setting;
  if (list) requireChannelsWithin(list, available, name, key === 'outputs' ? 'output' : 'input');
  return { list, name };
}
