export { Mixer } from './mixer';
export type { PlayOptions, RecordOptions, PlayRingbufferOptions, CancelOptions, StartOptions } from './mixer';
export type { MixerOptions } from './mixer-options';
export { Action } from './action';
export type { ActionResult, ActionKind, LiveCounters } from './action';
export { RingBuffer } from './ringbuffer';
export { listDevices, listHostApis } from './devices';
export type { DeviceInfo, HostApiInfo, DeviceSelector } from './devices';
export type { Stats } from './stats';
export {
  RtMixerError, InvalidArgumentError, DeviceNotFoundError, StreamOpenError, MixerClosedError,
  QueueFullError, LateStartError, NativeError,
} from './errors';
export type { RtMixerErrorCode } from './errors';
