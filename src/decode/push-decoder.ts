// What every format's decoder looks like inside the worker: bytes pushed in
// any pieces, interleaved float32 frames out as soon as they decode.

export interface AudioFormat {
  channels: number;
  sampleRate: number;
}

export interface PushDecoder {
  /** Known once the header has been read. */
  readonly format: AudioFormat | undefined;
  /** Decodes what it can of the bytes so far; returns interleaved chunks (maybe none). */
  push(bytes: Uint8Array): Promise<Float32Array[]>;
  /** No more bytes: returns the rest, or throws if the stream ended mid-file. */
  end(): Promise<Float32Array[]>;
  /** Frees codec memory (WebAssembly heaps); safe to call twice. */
  free(): void;
}

export interface PushDecoderOptions {
  /** The whole file's size when it is known (decodeAudio): chunk sizes are checked against it up front. */
  totalBytes?: number;
  /** Refuse up front when the header says the decoded audio would pass this many bytes. */
  maxBytes?: number;
  /** Check the header (and every size it declares) only, decoding nothing: a quick refusal on the caller's thread. */
  headerOnly?: boolean;
}
