// A short demo melody as a 16-bit stereo WAV file, for the "Stream a WAV file" example.
'use strict';
const fs = require('node:fs');
const { WaveFile } = require('wavefile');

/** Interleaved stereo Int16 samples: 12 notes of 0.25 s, 3 s in all. */
function melody(sampleRate) {
  const notes = [72, 76, 79, 84, 79, 76, 74, 77, 81, 79, 76, 72]; // MIDI note numbers
  const noteFrames = Math.round(sampleRate * 0.25);
  const samples = new Int16Array(notes.length * noteFrames * 2);
  notes.forEach((note, n) => {
    const freq = 440 * 2 ** ((note - 69) / 12);
    const pan = 0.5 + 0.35 * Math.sin(n); // wanders between the speakers
    for (let i = 0; i < noteFrames; i++) {
      const t = i / sampleRate;
      const envelope = Math.min(1, i / (0.005 * sampleRate)) * Math.exp(-4 * t);
      const v = 0.3 * envelope * (Math.sin(2 * Math.PI * freq * t) + 0.3 * Math.sin(4 * Math.PI * freq * t));
      const k = (n * noteFrames + i) * 2;
      samples[k] = Math.round(v * (1 - pan) * 2 * 32767 * 0.5);
      samples[k + 1] = Math.round(v * pan * 2 * 32767 * 0.5);
    }
  });
  return samples;
}

/** Writes the melody to `file`; returns its length in seconds. */
function writeMelody(file, sampleRate = 48000) {
  const samples = melody(sampleRate);
  const wav = new WaveFile();
  wav.fromScratch(2, sampleRate, '16', samples);
  fs.writeFileSync(file, wav.toBuffer());
  return samples.length / 2 / sampleRate;
}

/** Three notes (low, mid, high: 0.4 s, mono 16-bit WAV files) in `dir`, for the "Load a folder of sounds" example. */
function writeSoundFolder(dir, sampleRate = 48000) {
  fs.mkdirSync(dir, { recursive: true });
  const frames = Math.round(0.4 * sampleRate);
  for (const [name, note] of [['low', 60], ['mid', 67], ['high', 76]]) {
    const freq = 440 * 2 ** ((note - 69) / 12);
    const samples = new Int16Array(frames).map((_, i) => Math.round(9000 * Math.min(1, i / 48) * Math.exp((-6 * i) / sampleRate) * Math.sin((2 * Math.PI * freq * i) / sampleRate)));
    const wav = new WaveFile();
    wav.fromScratch(1, sampleRate, '16', samples);
    fs.writeFileSync(`${dir}/${name}.wav`, wav.toBuffer());
  }
  return dir;
}

module.exports = { writeMelody, writeSoundFolder };
