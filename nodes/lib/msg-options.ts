// What a message asks for beyond the node's settings (msg.at / msg.delay,
// msg.outputs / msg.inputs), and the message a node sends on.
import { channelList, describeValue, InvalidArgumentError, Mixer, optionalNumber, requireChannelsWithin } from '../../src/index';
import type { NodeMessage } from './red-types';

/** The highest gain a node accepts (a setting or msg.gain). */
export const MAX_GAIN = 100;

/**
 * The start frame a message asks for: msg.at (a frame on the mixer's clock)
 * or msg.delay (milliseconds from now); undefined = as soon as possible.
 */
export function startFrame(msg: NodeMessage, mixer: Mixer): number | undefined {
  if (msg.at !== undefined && msg.delay !== undefined) throw new InvalidArgumentError('Give msg.at or msg.delay, not both');
  if (msg.at !== undefined) {
    if (typeof msg.at !== 'number' || !Number.isInteger(msg.at) || msg.at < 0) {
      throw new InvalidArgumentError(`msg.at must be a frame number (an integer >= 0 on the mixer's clock), got ${describeValue(msg.at)}`);
    }
    return msg.at;
  }
  const delay = optionalNumber('msg.delay (ms)', msg.delay, 0, 3600e3);
  return delay === undefined ? undefined : mixer.currentFrame + Math.round((delay / 1000) * mixer.sampleRate);
}

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
