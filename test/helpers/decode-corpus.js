'use strict';
// Sound files made at test time by Debian's own tools (sox, opusenc, lame),
// and those tools' decodes of them as the reference (sox, opusdec).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, execFile } = require('node:child_process');
const { promisify } = require('node:util');

function run(cmd, args) {
  return execFileSync(cmd, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A source signal: two tones and a sweep, different in each channel, `seconds` long. */
function source(dir, { rate = 44100, channels = 2, seconds = 0.5, name = `src-${rate}-${channels}.wav` } = {}) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const voices = ['sine 440', 'sine 1000', 'sine 100-3000', 'sine 3000', 'square 220', 'sine 5000', 'sine 700', 'sine 60'];
    run('sox', ['-n', '-r', String(rate), '-c', String(channels), '-b', '16', file, 'synth', String(seconds), ...voices.slice(0, channels).flatMap((v) => v.split(' ')), 'gain', '-4']);
  }
  return file;
}

/** Runs [cmd, args] pairs, a few at a time (the corpus is made while both cores are busy). */
async function runAll(commands, concurrency = 4) {
  const queue = [...commands];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await promisify(execFile)(next[0], next[1], { maxBuffer: 1 << 30 });
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** sox's decode of any file it reads, as interleaved float32 (sox's own scaling: integer / 2^(bits-1)). */
const decoded = new Map();
function soxDecode(file) {
  if (!decoded.has(file)) {
    const raw = run('sox', [file, '-t', 'f32', '-']);
    decoded.set(file, new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4).slice());
  }
  return decoded.get(file);
}

/** sox's decodes of several files, made concurrently into `<file>.f32` and cached for soxDecode(). */
async function soxDecodeAll(files) {
  await runAll(files.map((file) => ['sox', [file, '-t', 'f32', `${file}.f32`]]));
  for (const file of files) {
    const raw = fs.readFileSync(`${file}.f32`);
    decoded.set(file, new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4).slice());
  }
}

/** opusdec's decode at 48 kHz, as float (via a float WAV that sox reads exactly). */
function opusdecDecode(file) {
  const out = `${file}.opusdec.wav`;
  run('opusdec', ['--quiet', '--float', '--rate', '48000', file, out]);
  return soxDecode(out);
}

/** Largest absolute difference over the frames both have, and the SNR of `a` against reference `b`, dB. */
function compare(a, b) {
  const n = Math.min(a.length, b.length);
  let max = 0;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    max = Math.max(max, Math.abs(d));
    signal += b[i] * b[i];
    noise += d * d;
  }
  return { max, snrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise), compared: n };
}

/** Float32Arrays one after the other, as one. */
function join(chunks) {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

module.exports = { run, runAll, tempDir, source, soxDecode, soxDecodeAll, opusdecDecode, compare, join };
