// The sound-file decoders' public surface (re-exported by the package's index).
export { decodeAudio } from './decode-audio';
export type { DecodeOptions, DecodedAudio } from './decode-audio';
export { createAudioDecoder, AudioDecoderStream } from './audio-decoder';
export type { AudioDecoder, AudioDecoderOptions, DecodedChunk } from './audio-decoder';
export { Resampler } from './resampler';
export { detectSoundFormat } from './sniff';
export type { SoundFormat } from './sniff';
export { DEFAULT_FILTER } from './sinc-filter';
export type { FilterSpec } from './sinc-filter';
export { terminateDecodeThreads } from './worker-pool';
export { UnsupportedFormatError, MalformedFileError, DecodeLimitError, DecodeAbortedError, DecodeBusyError } from './errors';
export { MIN_SAMPLE_RATE, MAX_SAMPLE_RATE, MAX_CHANNELS, DEFAULT_MAX_BYTES } from './limits';
