// The exact length of an Ogg Opus stream, from its pages: the last granule
// position minus the OpusHead's pre-skip (RFC 7845). ogg-opus-decoder trims the
// end by this only when the last page is not also the first audio page, so a
// short file came out 312 frames long; CompressedDecoder trims by this instead.
export class OggOpusLength {
  private carry = new Uint8Array(0);
  private skip = 0; // bytes of the current page's body still to pass over
  private preSkip = -1;
  private granule = -1;
  private headerSeen = false;

  /** Follows the pages in the next bytes (any split). */
  push(bytes: Uint8Array): void {
    let b = bytes;
    if (this.carry.length) {
      b = new Uint8Array(this.carry.length + bytes.length);
      b.set(this.carry);
      b.set(bytes, this.carry.length);
    }
    let at = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, b.length - at);
        if (!this.headerSeen && this.preSkip < 0 && n >= 12 && b.length - at >= 12) this.readOpusHead(b, at);
        this.skip -= n;
        at += n;
        if (this.skip > 0) break;
      }
      if (b.length - at < 27) break;
      const segments = b[at + 26];
      if (b.length - at < 27 + segments) break;
      if (b[at] !== 0x4f || b[at + 1] !== 0x67 || b[at + 2] !== 0x67 || b[at + 3] !== 0x53) {
        this.granule = -1; // lost sync: no trim rather than a wrong one
        at = b.length;
        break;
      }
      const view = new DataView(b.buffer, b.byteOffset + at, 27);
      const granule = Number(view.getBigInt64(6, true));
      if (granule >= 0) this.granule = granule;
      let body = 0;
      for (let i = 0; i < segments; i++) body += b[at + 27 + i];
      at += 27 + segments;
      this.skip = body;
    }
    this.carry = b.slice(at);
  }

  private readOpusHead(b: Uint8Array, at: number): void {
    if (String.fromCharCode(...b.subarray(at, at + 8)) === 'OpusHead') this.preSkip = b[at + 10] | (b[at + 11] << 8);
    this.headerSeen = true;
  }

  /** Frames at 48 kHz the stream holds, or undefined when the pages did not say. */
  get frames(): number | undefined {
    return this.preSkip >= 0 && this.granule >= this.preSkip ? this.granule - this.preSkip : undefined;
  }
}
