// Opens a Mixer on the JACK dummy server with its outputs wired to its inputs.
'use strict';
const { Mixer } = require('../..');
const { wireLoopback } = require('../../tools/jack-server');

async function openLoopbackMixer(options = {}) {
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK', ...options });
  wireLoopback();
  // Let a few blocks pass so the new connections are in the graph.
  await new Promise((resolve) => setTimeout(resolve, 50));
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

/** A start frame comfortably in the future (default 50 ms). */
function soon(mixer, seconds = 0.05) {
  return mixer.currentFrame + Math.round(seconds * mixer.sampleRate);
}

module.exports = { openLoopbackMixer, roundTripFrames, column, soon };
