// Opens a Mixer on the JACK dummy server with its outputs wired to its inputs.
'use strict';
const { Mixer } = require('../..');
const { wireLoopback, PERIOD } = require('../../tools/jack-server');
const { framesPass } = require('./wait');

async function openLoopbackMixer(options = {}) {
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK', ...options });
  wireLoopback();
  // JACK applies new connections at the start of a cycle: after a few blocks
  // of the stream's own clock they carry sound.
  await framesPass(mixer, 4 * PERIOD);
  return mixer;
}

/** Round-trip latency the stream reports, in frames. */
function roundTripFrames(mixer) {
  return Math.round((mixer.inputLatency + mixer.outputLatency) * mixer.sampleRate);
}

/** Column `channel` (0-based) of interleaved samples. */
function column(samples, channels, channel) {
  const out = new Float32Array(samples.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + channel];
  return out;
}

/**
 * A start frame comfortably in the future: by default 300 ms, so that an
 * action reaches the callback before its start even when a loaded machine
 * keeps the event loop waiting between this call and the play() after it.
 */
function soon(mixer, seconds = 0.3) {
  return mixer.currentFrame + Math.round(seconds * mixer.sampleRate);
}

module.exports = { openLoopbackMixer, roundTripFrames, column, soon };
