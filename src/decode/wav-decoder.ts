// WAV (RIFF, RIFX, RF64) as a push parser with hard bounds. Chunks other than
// fmt/fact/data are skipped by count, never read or allocated; the fmt chunk
// is read only up to 4 KiB; every size is checked against the file size when
// it is known, and against the bytes that arrived when the stream ends.
import { ByteQueue } from './byte-queue';
import { MalformedFileError, UnsupportedFormatError } from './errors';
import { decodeImaBlock, imaFramesIn } from './ima-adpcm';
import { OutputBudget } from './limits';
import { decodeMsBlock, msFramesIn } from './ms-adpcm';
import { decodeLinear } from './pcm-samples';
import { AudioFormat, PushDecoder, PushDecoderOptions } from './push-decoder';
import { parseWavFormat, WavFormat } from './wav-format';

const MAX_FMT_BYTES = 4096;
/** Data chunk sizes that streaming writers leave when they cannot seek back: "until the end". */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);
/** ADPCM blocks decoded per call, so one push yields chunks of bounded size. */
const BLOCKS_PER_CHUNK = 256;

type State = 'riff' | 'chunk' | 'fmt' | 'fact' | 'ds64' | 'skip' | 'data' | 'done';

export class WavDecoder implements PushDecoder {
  private readonly queue = new ByteQueue();
  private state: State = 'riff';
  private le = true;
  private rf64 = false;
  private rf64DataSize = -1;
  private fmt: WavFormat | undefined;
  private factFrames = -1;
  private chunkId = '';
  private need = 0; // bytes of the current chunk still to read or skip
  private pad = 0;
  private dataLeft = Infinity;
  private framesOut = 0;
  /** A whole file (its size known): every frame is decoded straight into this one array. */
  private whole: Float32Array | undefined;
  private wholeUsed = 0;
  private chunks = 0;

  constructor(private readonly options: PushDecoderOptions = {}) {}

  get format(): AudioFormat | undefined {
    return this.fmt && { channels: this.fmt.channels, sampleRate: this.fmt.sampleRate };
  }

  /** The data chunk has ended: what follows is not audio. */
  get finished(): boolean {
    return this.state === 'done';
  }

  async push(bytes: Uint8Array): Promise<Float32Array[]> {
    return this.pushSync(bytes);
  }

  async end(): Promise<Float32Array[]> {
    return this.endSync();
  }

  /** push() on the caller's thread: for small PCM files and streams, where a thread hop costs more than the work. */
  pushSync(bytes: Uint8Array): Float32Array[] {
    this.queue.push(bytes);
    return this.run(false);
  }

  /** end() on the caller's thread. */
  endSync(): Float32Array[] {
    const out = this.run(true);
    if (this.whole) return [this.whole.subarray(0, this.wholeUsed)];
    if (this.state === 'data' || this.state === 'done') return out;
    if (this.state === 'riff' || this.state === 'chunk') {
      throw new MalformedFileError(
        this.fmt ? 'The WAV file ended before its data chunk' : 'The WAV file ended inside its header, before the fmt chunk',
      );
    }
    throw new MalformedFileError(
      `The WAV file is truncated: its "${this.chunkId}" chunk needs ${this.need} more bytes than the file has`,
    );
  }

  free(): void {}

  private fileLeft(): number {
    const total = this.options.totalBytes;
    return total === undefined ? Infinity : total - this.queue.consumed;
  }

  private run(ending: boolean): Float32Array[] {
    const out: Float32Array[] = [];
    for (;;) {
      const before = this.queue.available;
      const beforeState = this.state;
      this.step(out, ending);
      if (this.queue.available === before && this.state === beforeState) return out;
    }
  }

  private step(out: Float32Array[], ending: boolean): void {
    const q = this.queue;
    switch (this.state) {
      case 'riff': {
        if (q.available < 12) return;
        const head = q.read(12);
        const id = ascii(head, 0);
        if (ascii(head, 8) !== 'WAVE' || !['RIFF', 'RIFX', 'RF64'].includes(id)) {
          throw new UnsupportedFormatError('Not a WAV file: no RIFF/RIFX/RF64 ... WAVE header');
        }
        this.le = id !== 'RIFX';
        this.rf64 = id === 'RF64';
        this.state = 'chunk';
        return;
      }
      case 'chunk': {
        if (q.available < 8) return;
        const head = q.read(8);
        this.chunkId = ascii(head, 0);
        this.chunks++;
        const size = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, this.le);
        this.need = size;
        this.pad = size & 1;
        this.beginChunk(size);
        return;
      }
      case 'ds64':
      case 'fmt':
      case 'fact': {
        if (q.available < this.need) return;
        const body = q.read(this.need);
        this.readSmallChunk(body);
        this.need = this.pad;
        this.state = 'skip';
        return;
      }
      case 'skip': {
        this.need -= q.skip(this.need);
        if (this.need === 0) this.state = 'chunk';
        return;
      }
      case 'data':
        this.decodeData(out, ending);
        return;
      case 'done':
        q.skip(q.available);
        return;
    }
  }

  private beginChunk(size: number): void {
    const id = this.chunkId;
    if (id === 'data') {
      this.beginData(size);
      return;
    }
    if (this.rf64 && id !== 'ds64' && this.chunks === 1) {
      throw new MalformedFileError('The RF64 file does not start with its ds64 chunk');
    }
    const padded = size + (size & 1);
    // A chunk may lack its pad byte at the very end of a file; it may not claim more than that.
    if (size > this.fileLeft()) {
      throw new MalformedFileError(`The WAV file's "${printable(id)}" chunk claims ${size} bytes, but only ${this.fileLeft()} follow it`);
    }
    if (padded > this.fileLeft()) this.pad = 0;
    if (id === 'fmt ' || id === 'fact' || id === 'ds64') {
      if (id === 'fmt ' && this.fmt) throw new MalformedFileError('The WAV file has two fmt chunks');
      if (size > MAX_FMT_BYTES) throw new MalformedFileError(`The WAV "${id.trim()}" chunk claims ${size} bytes; it is never more than a few dozen`);
      this.state = id === 'fmt ' ? 'fmt' : id === 'fact' ? 'fact' : 'ds64';
    } else {
      // cue, LIST, smpl, bext, JUNK, ...: skipped by their size alone, their counts never read.
      this.need = padded > this.fileLeft() ? size : padded;
      this.state = 'skip';
    }
  }

  private readSmallChunk(body: Uint8Array): void {
    const view = new DataView(body.buffer, body.byteOffset, body.length);
    if (this.state === 'fmt') {
      this.fmt = parseWavFormat(body, this.le);
    } else if (this.state === 'fact') {
      if (body.length >= 4) this.factFrames = view.getUint32(0, this.le);
    } else {
      if (body.length < 28) throw new MalformedFileError('The RF64 ds64 chunk is shorter than 28 bytes');
      this.rf64DataSize = Number(view.getBigUint64(8, true));
    }
  }

  private beginData(size: number): void {
    const fmt = this.fmt;
    if (!fmt) throw new MalformedFileError('The WAV data chunk comes before any fmt chunk');
    let bytes: number = size;
    if (this.rf64 && size === 0xffffffff) {
      if (this.rf64DataSize < 0) throw new MalformedFileError('The RF64 data chunk refers to a ds64 chunk the file does not have');
      bytes = this.rf64DataSize;
    } else if (UNKNOWN_SIZES.has(size) && this.fileLeft() !== Infinity) {
      bytes = this.fileLeft();
    } else if (UNKNOWN_SIZES.has(size)) {
      bytes = Infinity;
    }
    if (bytes > this.fileLeft()) {
      throw new MalformedFileError(`The WAV file is truncated: its data chunk claims ${bytes} bytes, but only ${this.fileLeft()} follow`);
    }
    this.dataLeft = bytes;
    if (bytes !== Infinity && this.options.maxBytes !== undefined) {
      OutputBudget.check(this.expectedFrames(bytes, fmt) * fmt.channels, this.options.maxBytes);
    }
    if (this.options.headerOnly) {
      this.state = 'done';
      return;
    }
    if (this.options.totalBytes !== undefined) {
      // Room for every whole block, before any fact trim (the trim only shortens the view).
      const blocks = Math.ceil(bytes / fmt.blockBytes);
      this.whole = new Float32Array(blocks * fmt.framesPerBlock * fmt.channels);
    }
    this.state = 'data';
  }

  private expectedFrames(bytes: number, fmt: WavFormat): number {
    const whole = Math.floor(bytes / fmt.blockBytes) * fmt.framesPerBlock;
    const frames = whole + this.framesInBlock(bytes % fmt.blockBytes, fmt);
    return this.factFrames >= 0 && fmt.framesPerBlock > 1 ? Math.min(frames, this.factFrames) : frames;
  }

  private framesInBlock(length: number, fmt: WavFormat): number {
    if (fmt.encoding === 'ima-adpcm') return imaFramesIn(length, fmt);
    if (fmt.encoding === 'ms-adpcm') return msFramesIn(length, fmt);
    return Math.floor(length / fmt.blockBytes);
  }

  private decodeData(out: Float32Array[], ending: boolean): void {
    const fmt = this.fmt as WavFormat;
    const q = this.queue;
    const usable = Math.min(q.available, this.dataLeft);
    let blocks = Math.floor(usable / fmt.blockBytes);
    if (fmt.framesPerBlock > 1) blocks = Math.min(blocks, BLOCKS_PER_CHUNK);
    let chunk: Float32Array | undefined;
    if (blocks > 0) {
      chunk = this.decodeBlocks(q.read(blocks * fmt.blockBytes), blocks, fmt);
      this.dataLeft -= blocks * fmt.blockBytes;
    } else if (ending || this.dataLeft < fmt.blockBytes) {
      // The last, short block of an ADPCM file (a PCM remainder is a partial frame: dropped, as sox does).
      const rest = Math.min(q.available, this.dataLeft);
      if (rest === 0 || (!ending && rest < this.dataLeft)) return;
      const block = q.read(rest);
      this.dataLeft -= rest;
      if (fmt.framesPerBlock > 1) chunk = this.decodeBlocks(block, 1, fmt);
    }
    if (this.dataLeft === 0) this.state = 'done';
    if (!chunk || chunk.length === 0) return;
    chunk = this.trimToFact(chunk, fmt);
    if (this.whole) this.wholeUsed += chunk.length; // already in place: decodeBlocks wrote into `whole`
    else out.push(chunk);
  }

  private decodeBlocks(bytes: Uint8Array, blocks: number, fmt: WavFormat): Float32Array {
    const into = this.whole?.subarray(this.wholeUsed);
    if (fmt.framesPerBlock === 1) return decodeLinear(bytes, fmt, this.le, into);
    const decodeBlock = fmt.encoding === 'ima-adpcm' ? decodeImaBlock : decodeMsBlock;
    const out = into ?? new Float32Array(blocks * fmt.framesPerBlock * fmt.channels);
    let frames = 0;
    for (let b = 0; b < blocks; b++) {
      const block = bytes.subarray(b * fmt.blockBytes, Math.min(bytes.length, (b + 1) * fmt.blockBytes));
      frames += decodeBlock(block, fmt, out, frames);
    }
    return out.subarray(0, frames * fmt.channels);
  }

  /** ADPCM pads its last block; the fact chunk says how many frames are real (sox honours it too). */
  private trimToFact(chunk: Float32Array, fmt: WavFormat): Float32Array {
    const frames = chunk.length / fmt.channels;
    let keep = frames;
    if (fmt.framesPerBlock > 1 && this.factFrames >= 0) keep = Math.max(0, Math.min(frames, this.factFrames - this.framesOut));
    this.framesOut += keep;
    return keep === frames ? chunk : chunk.subarray(0, keep * fmt.channels);
  }
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?');
}
