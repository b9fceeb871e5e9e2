// Facts about the native side, for bug reports, tests and benchmarks.
import { callNative, native } from './native';

/** Native memory held by actions in flight (samples, records, stats) and by loaded sounds, over all mixers. */
export function nativeMemory(): { actions: number; bytes: number } {
  return callNative(() => native().nativeMemory());
}

/** PortAudio's version text, e.g. "PortAudio V19.6.0-devel…". */
export function portAudioVersion(): string {
  return callNative(() => native().portAudioVersion());
}
