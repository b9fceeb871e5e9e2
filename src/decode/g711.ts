// A-law and µ-law bytes to float, through 256-entry tables built once from
// ITU-T G.711 (the same 16-bit values sox decodes to, divided by 32768).
function alawToInt16(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 7;
  let magnitude = ((a & 0x0f) << 4) + 8;
  if (exponent !== 0) magnitude = (magnitude + 0x100) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function mulawToInt16(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 7;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function table(expand: (byte: number) => number): Float32Array {
  const out = new Float32Array(256);
  for (let i = 0; i < 256; i++) out[i] = expand(i) / 32768;
  return out;
}

export const ALAW_TABLE = table(alawToInt16);
export const MULAW_TABLE = table(mulawToInt16);
