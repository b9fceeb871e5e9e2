// The sound of the voices comparison (bench/cpu.js): 12 s of stereo (a quiet
// 220/330 Hz pair, so that 256 voices summed stay below full scale), made
// before the timed setup, interleaved for this package and planar for Web Audio.
'use strict';

function sharedSound(sampleRate, seconds = 12) {
  const frames = Math.round(seconds * sampleRate);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const interleaved = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    left[k] = 0.003 * Math.sin((2 * Math.PI * 220 * k) / sampleRate);
    right[k] = 0.003 * Math.sin((2 * Math.PI * 330 * k) / sampleRate);
    interleaved[2 * k] = left[k];
    interleaved[2 * k + 1] = right[k];
  }
  return { frames, left, right, interleaved };
}

module.exports = { sharedSound };
