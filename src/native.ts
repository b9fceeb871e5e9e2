// Loads the compiled addon (build/ or prebuilds/, through node-gyp-build) and
// describes its shape. Loading is lazy so that a missing addon or library is an
// Error at first use, not a failed require() of the whole package.
import fs from 'node:fs';
import path from 'node:path';
import { errorFromNative, NativeError, RtMixerError as RtMixerErrorBase } from './errors';

export interface NativeHostApiInfo {
  index: number;
  name: string;
  type: number;
  deviceCount: number;
  defaultInputDevice: number;
  defaultOutputDevice: number;
}

export interface NativeDeviceInfo {
  index: number;
  name: string;
  hostApi: string;
  hostApiIndex: number;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultLowOutputLatency: number;
  defaultHighInputLatency: number;
  defaultHighOutputLatency: number;
}

export interface NativeDeviceListing {
  /** Bumped at every PortAudio (re-)initialisation. */
  generation: number;
  /** Milliseconds since the scan. */
  ageMs: number;
  hostApis: NativeHostApiInfo[];
  devices: NativeDeviceInfo[];
}

export interface NativeStreamConfig {
  inputDevice: number;
  outputDevice: number;
  inputChannels: number;
  outputChannels: number;
  sampleRate: number;
  blockSize: number;
  inputLatency: number;
  outputLatency: number;
  queueCapacity: number;
}

// The enums and lists below mirror native/core/rtm_contract.h, where the C core
// declares them once; test/unit/native-contract.test.js checks them against
// what the addon's contract() exports.

/** Action kinds (RTM_ACTION_TYPES). */
export enum ActionType {
  PlayBuffer = 1,
  RecordBuffer = 2,
  PlayRingbuffer = 3,
  RecordRingbuffer = 4,
  Cancel = 5,
  FetchStats = 6,
  SetGain = 7,
}

/** Why an action came back (RTM_OUTCOMES). */
export enum Outcome {
  Finished = 0,
  Cancelled = 1,
  DroppedLate = 2,
  TargetMissing = 3,
  Closed = 4,
  /** The core refused a malformed action (the binding validates first, so this means a bug). */
  Rejected = 5,
}

/** PortAudio's per-block status flags (RTM_STATUS_FLAGS). */
export const STATUS_FLAGS = {
  inputUnderflow: 0x1,
  inputOverflow: 0x2,
  outputUnderflow: 0x4,
  outputOverflow: 0x8,
  primingOutput: 0x10,
} as const;
export type StatusFlagName = keyof typeof STATUS_FLAGS;

/** The callback's statistics, in the order of RTM_STATS_FIELDS; every one a number. */
export const NATIVE_STATS_FIELDS = [
  'blocks', 'frames', 'firstFrame', 'endFrame', 'minBlockFrames', 'maxBlockFrames',
  'inputUnderflows', 'inputOverflows', 'outputUnderflows', 'outputOverflows', 'outputPriming', 'xrunBlocks',
  'callbackNsMin', 'callbackNsMax', 'callbackNsSum', 'loadMax', 'lateStarts', 'droppedStarts',
  'actionUnderflowFrames', 'actionOverflowFrames', 'activeActions', 'maxActiveActions', 'clippedSamples',
] as const;
/** The RTM_STATS_FIELDS, and the level meters per channel: peaks (linear) and sums of squares. */
export type NativeStats = Record<(typeof NATIVE_STATS_FIELDS)[number], number> &
  Record<'outputPeak' | 'outputSumSquares' | 'inputPeak' | 'inputSumSquares', number[]>;

/** What the addon's contract() returns: the same facts, from the C header. */
export interface NativeContract {
  actionTypes: Record<string, number>;
  outcomes: Record<string, number>;
  statusFlags: Record<string, number>;
  statsFields: string[];
  maxChannels: number;
  maxShapeFrames: number;
}

export interface NativeActionDescriptor {
  type: ActionType;
  id: number;
  at?: number;
  allowBelated?: boolean;
  gain?: number;
  channelMap?: number[];
  samples?: Float32Array;
  /** a loaded sound, played in place (instead of samples) */
  sound?: NativeSound;
  frames?: number;
  ring?: NativeRingBuffer;
  endWhenDrained?: boolean;
  targetId?: number;
  fadeIn?: number;
  fadeOut?: number;
  /** 0 linear, 1 equal-power */
  curve?: number;
  /** extra passes through the loop region; -1 forever */
  loops?: number;
  loopStart?: number;
  loopEnd?: number;
  ramp?: number;
  /** start on the frame right after this action ends */
  afterId?: number;
}

export interface NativeXrunLog {
  count: number;
  events: { frame: number; flags: number }[];
}

export interface NativeResult {
  id: number;
  outcome: Outcome;
  started: boolean;
  startFrame: number;
  lateFrames: number;
  frames: number;
  underflowFrames: number;
  overflowFrames: number;
  samples?: Float32Array;
  /** Set instead of samples when even a copy of the recording could not be allocated. */
  samplesError?: string;
  stats?: NativeStats;
}

export interface NativeMixer {
  submit(action: NativeActionDescriptor): void;
  collect(): NativeResult[];
  live(id: number): { underflowFrames: number; overflowFrames: number } | null;
  close(): NativeResult[];
  /** Development addon only (RTMIXER_DEV_ADDON=1). */
  setTestHook?(name: string): void;
  info(): { sampleRate: number; inputLatency: number; outputLatency: number };
  xruns(since: number): NativeXrunLog;
  /** The latest block's first frame, its length, and when its callback began (process.hrtime's clock); null before the first block. */
  clock(): { frame: number; frames: number; timeNs: bigint } | null;
  readonly frame: number;
  /** Why the stream died ('host': its host API stopped it; 'stalled': no callback for a while), or null. */
  readonly lost: 'host' | 'stalled' | null;
}

export interface NativeRingBuffer {
  write(samples: Float32Array): number;
  read(frames?: number): Float32Array;
  end(): void;
  readonly readAvailable: number;
  readonly writeAvailable: number;
  readonly capacity: number;
  readonly channels: number;
  readonly ended: boolean;
  /** '' when free, else the kind of action that holds the ring. */
  readonly inUse: '' | 'play' | 'record';
}

/** Samples loaded once into native memory (mixer.load). */
export interface NativeSound {
  release(): void;
  readonly frames: number;
  readonly channels: number;
  readonly byteLength: number;
  readonly released: boolean;
}

/** The sizes and ranges the addon enforces (native/binding/rtm_limits.h). */
export interface NativeLimits {
  /** One record() buffer or one RingBuffer's samples, in bytes. */
  maxBufferBytes: number;
  /** RingBuffer frames before rounding up to a power of two. */
  maxRingFrames: number;
  maxGain: number;
  /** Fade, cancel-fade and ramp lengths. */
  maxShapeFrames: number;
  maxLoops: number;
}

export interface NativeAddon {
  limits: NativeLimits;
  /** The listing of the last scan (the first call initialises PortAudio). */
  deviceListing(): NativeDeviceListing;
  /** Re-initialises PortAudio on a worker thread; false when an open stream holds it. */
  rescanDevices(): Promise<boolean>;
  /** The same, blocking. */
  rescanDevicesSync(): boolean;
  portAudioVersion(): string;
  /** bytes: held by actions in flight and by loaded sounds not yet freed. */
  nativeMemory(): { actions: number; bytes: number };
  /** Bytes of finished recordings handed to JavaScript without a copy, not yet collected (tests). */
  recordingBytes(): number;
  contract(): NativeContract;
  /** Development addon only (RTMIXER_DEV_ADDON=1). */
  benchSumVoicesNs?(voices: number, frames: number, channels: number, blocks: number, soundFrames: number): number;
  benchProcessVoicesNs?(voices: number, frames: number, blocks: number, soundFrames: number): number;
  benchLevelsNs?(frames: number, channels: number, blocks: number): number;
  /** Development addon only: rtm_process() timed offline, `items` queued sounds then cancel-all. */
  benchWorstBlock?(items: number, frames: number): { queueBlockNs: number; cancelBlockNs: number; waitingBlockNs: number } | null;
  NativeMixer: new (config: NativeStreamConfig, onResults: () => void) => NativeMixer;
  NativeRingBuffer: new (frames: number, channels: number) => NativeRingBuffer;
  NativeSound: new (samples: Float32Array, channels: number) => NativeSound;
}

let addon: NativeAddon | undefined;

/** The addon, loaded on first use. Throws a NativeError that names the fix. */
export function native(): NativeAddon {
  if (addon) return addon;
  try {
    const root = path.join(__dirname, '..', '..'); // dist/src -> package root
    const dev = path.join(root, 'build', 'Release', 'dev', 'rtmixer_dev.node');
    if (process.env.RTMIXER_DEV_ADDON === '1' && fs.existsSync(dev)) {
      // The test suite and benchmarks: the same code plus test hooks and bench
      // kernels, built by `npm run build:native` (binding.gyp target rtmixer_dev).
      // An installed package has none and loads the shipped addon.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      addon = require(dev) as NativeAddon;
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const load = require('node-gyp-build') as (dir: string) => NativeAddon;
      addon = load(root);
    }
  } catch (err) {
    throw new NativeError(
      `The rtmixer native addon is not built for ${process.platform}-${process.arch} ` +
        `(Node ${process.versions.node}): run "npm rebuild node-red-contrib-rtmixer" with a C compiler installed. ` +
        `(${(err as Error).message})`,
    );
  }
  return addon;
}

/** Runs a native call, turning its plain Error into one of ours. */
export function callNative<T>(fn: () => T, wrap: (message: string) => Error = (m) => new NativeError(m)): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof Error) || err instanceof RtMixerErrorBase) throw err;
    const code = (err as { code?: unknown }).code;
    const ours = errorFromNative(code, err.message);
    if (ours) throw ours;
    if (String(code).startsWith('ERR_RTMIXER')) throw err;
    throw wrap(err.message);
  }
}
