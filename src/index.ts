export { Mixer } from './mixer';
export type { PlayOptions, RecordOptions, PlayRingbufferOptions, CancelOptions, SetGainOptions, StartOptions, MixerEvents } from './mixer';
export type { Duration, FadeCurve, ShapeOptions } from './shaping';
export type { XrunEvent, XrunKind } from './xruns';
export type { MixerOptions } from './mixer-options';
export { Action } from './action';
export type { ActionResult, ActionKind, LiveCounters } from './action';
export { RingBuffer } from './ringbuffer';
export { Queue } from './queue';
export { Sound } from './sound';
export type { LoadOptions } from './sound';
export { AudioWriteStream } from './write-stream';
export type { AudioWriteStreamOptions } from './write-stream';
export { AudioReadStream } from './read-stream';
export type { AudioReadStreamOptions } from './read-stream';
export { decodeSamples, decodesAtOnce, SampleDecoder } from './audio-decoder';
export type { DecodedSamples, SampleDecoderOptions } from './audio-decoder';
export { asFloat32Array, bufferOf, decodePcm, SAMPLE_BYTES } from './pcm';
export type { SampleFormat } from './pcm';
export { encodeWav } from './wav';
export type { WavEncoding } from './wav';
export { allChannels, describeValue } from './validate';
export type { QueueItem } from './queue';
export { deviceListingAge, listDevices, listHostApis, rescanDevices } from './devices';
export { nativeMemory, portAudioVersion } from './diagnostics';
export type { DeviceInfo, HostApiInfo, DeviceSelector, DeviceListing } from './devices';
export type { Stats } from './stats';
export { LEVEL_FLOOR_DBFS, emptyLevels, mergeLevels, toDbfs } from './levels';
export type { Levels, LevelSums } from './levels';
export {
  RtMixerError, InvalidArgumentError, DeviceNotFoundError, StreamOpenError, MixerClosedError,
  QueueFullError, LateStartError, NativeError, ActionFinishedError, StreamLostError, TooLargeError, NoMemoryError,
  RingBusyError, UnknownSoundError, VoiceLimitError,
} from './errors';
export type { RtMixerErrorCode } from './errors';
export {
  decodeAudio, createAudioDecoder, AudioDecoderStream, detectSoundFormat, Resampler, DEFAULT_FILTER, terminateDecodeThreads,
  UnsupportedFormatError, MalformedFileError, DecodeLimitError, DecodeAbortedError, DecodeBusyError,
  MIN_SAMPLE_RATE, MAX_SAMPLE_RATE, MAX_CHANNELS, DEFAULT_MAX_BYTES,
} from './decode';
export type { DecodeOptions, DecodedAudio, AudioDecoder, AudioDecoderOptions, DecodedChunk, FilterSpec, SoundFormat } from './decode';
export {
  RAW_FORMATS, channelList, optionalNumber, positiveNumber, requireChannelsWithin, channelCount, firstSet, oneOf, describePayload, mixerOptionsFromText,
} from './text-options';
export type { MixerTextOptions } from './text-options';
export { ChunkAssembler } from './chunker';
export type { Chunk } from './chunker';
export { StatsWindow, mergeStats, emptyStats, STARTUP_SECONDS } from './stats-window';
export type { StatsTotals, StatsReport } from './stats-window';
export { playTestTone } from './test-tone';
export type { TestToneOptions } from './test-tone';
export { SoundBank, STEAL_MODES } from './sound-bank';
export type { SoundBankOptions, SoundSettings, SoundSource, StealMode, TriggerOptions, BankStopOptions } from './sound-bank';
export { planRoute, routeChannels, duplicateMono } from './channel-routing';
export type { ChannelRoute, RoutedAudio } from './channel-routing';
export { MAX_FADE_S, MAX_GAIN, messagePlayOptions, startFrame } from './message-options';
export type { MessageDefaults, MessageFields, MixerClock } from './message-options';
