// Bytes pushed in arbitrary pieces, read back in the sizes a parser needs.
// Reading n bytes copies only when they span pieces; skipping never copies,
// so a chunk the parser does not want costs no memory however large it claims to be.
export class ByteQueue {
  private pieces: Uint8Array[] = [];
  private head = 0; // read offset into pieces[0]
  private size = 0;
  /** Total bytes consumed (read or skipped) since the start. */
  consumed = 0;

  get available(): number {
    return this.size;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length > 0) {
      this.pieces.push(bytes);
      this.size += bytes.length;
    }
  }

  /** The next n bytes without consuming them (n <= available). */
  peek(n: number): Uint8Array {
    const first = this.pieces[0];
    if (first && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (let i = 0, from = this.head; filled < n; i++, from = 0) {
      const take = Math.min(n - filled, this.pieces[i].length - from);
      out.set(this.pieces[i].subarray(from, from + take), filled);
      filled += take;
    }
    return out;
  }

  read(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops up to n bytes; returns how many were dropped. */
  skip(n: number): number {
    const dropped = Math.min(n, this.size);
    let left = dropped;
    while (left > 0) {
      const rest = this.pieces[0].length - this.head;
      if (rest > left) {
        this.head += left;
        break;
      }
      left -= rest;
      this.pieces.shift();
      this.head = 0;
    }
    this.size -= dropped;
    this.consumed += dropped;
    return dropped;
  }
}
