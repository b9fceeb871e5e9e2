// Planar channel arrays (what the WebAssembly decoders return) to one interleaved array.
export function interleave(planes: Float32Array[], frames: number): Float32Array {
  const channels = planes.length;
  if (channels === 1) return planes[0].length === frames ? planes[0] : planes[0].slice(0, frames);
  const out = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) {
    const plane = planes[c];
    for (let i = 0, o = c; i < frames; i++, o += channels) out[o] = plane[i];
  }
  return out;
}

/** Joins chunks into one array (the whole-file result). */
export function concat(chunks: Float32Array[], total?: number): Float32Array {
  if (chunks.length === 1 && (total === undefined || chunks[0].length === total)) return chunks[0];
  const length = total ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = new Float32Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
