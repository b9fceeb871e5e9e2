// The node-web-audio-api side of the CPU comparison (bench/cpu.js): an
// AudioContext on JACK (its prebuilt binary uses JACK when a server runs; its
// ports are cpal_client_<pid>_out:out_N), idle, playing the same 1 kHz sine
// from an AudioBuffer ('sound'), or N AudioBufferSourceNodes sharing one
// AudioBuffer of the same 12 s stereo sound ('voices'; setup = the buffer
// filled + N sources started, timed). Says "ready setupMs=…", then waits to be killed.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { AudioContext } from 'node-web-audio-api';

const { sharedSound } = createRequire(import.meta.url)('./shared-sound.js');
const [mode, secondsArg, voicesArg] = process.argv.slice(2);
const ctx = new AudioContext({ latencyHint: 'interactive' });
let setupMs = 0;
if (mode === 'sound') {
  const buffer = ctx.createBuffer(1, Math.round(Number(secondsArg) * ctx.sampleRate), ctx.sampleRate);
  const s = buffer.getChannelData(0);
  for (let k = 0; k < s.length; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % 48)) / 48);
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  source.start();
} else if (mode === 'voices') {
  const { left, right, frames } = sharedSound(ctx.sampleRate);
  const t0 = performance.now();
  const buffer = ctx.createBuffer(2, frames, ctx.sampleRate);
  buffer.copyToChannel(left, 0);
  buffer.copyToChannel(right, 1);
  for (let v = 0; v < Number(voicesArg); v++) {
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.loop = true;
    source.connect(ctx.destination);
    source.start();
  }
  setupMs = performance.now() - t0;
}
console.log(`ready setupMs=${setupMs} ${ctx.state} ${ctx.sampleRate}`);
