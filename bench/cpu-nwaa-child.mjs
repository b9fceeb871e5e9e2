// The node-web-audio-api side of the CPU comparison (bench/cpu.js): an
// AudioContext on JACK (its prebuilt binary uses JACK when a server runs; its
// ports are cpal_client_<pid>_out:out_N), idle or playing the same 1 kHz sine
// from an AudioBuffer. Says "ready", then waits to be killed.
import { AudioContext } from 'node-web-audio-api';

const [mode, secondsArg] = process.argv.slice(2);
const ctx = new AudioContext({ latencyHint: 'interactive' });
if (mode !== 'idle') {
  const buffer = ctx.createBuffer(1, Math.round(Number(secondsArg) * ctx.sampleRate), ctx.sampleRate);
  const s = buffer.getChannelData(0);
  for (let k = 0; k < s.length; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % 48)) / 48);
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  source.start();
}
console.log(`ready ${ctx.state} ${ctx.sampleRate}`);
