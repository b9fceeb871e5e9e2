// One side of the CPU comparison (bench/cpu.js): a mixer on the JACK server in
// JACK_DEFAULT_SERVER, idle (argv[2] === 'idle'), playing one sound ('sound':
// a 1 kHz sine long enough to outlast the measurement), or N voices of one
// shared 12 s stereo sound ('voices', N = argv[4]: mixer.load() once, then N
// play(sound) calls; setup = load + plays, timed). Says "ready setupMs=…",
// then waits to be killed.
'use strict';
const { performance } = require('node:perf_hooks');
const { Mixer } = require('..');
const { sharedSound } = require('./shared-sound');

const [mode, secondsArg, voicesArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const mixer = new Mixer({ device: 'system', hostApi: 'JACK', inputChannels: 0, outputChannels: mode === 'voices' ? 2 : 1 });
let setupMs = 0;
if (mode === 'sound') {
  const s = new Float32Array(Math.round(seconds * mixer.sampleRate));
  for (let k = 0; k < s.length; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % 48)) / 48);
  mixer.play(s);
} else if (mode === 'voices') {
  const { interleaved } = sharedSound(mixer.sampleRate);
  const t0 = performance.now();
  const sound = mixer.load(interleaved, { channels: 2 });
  // Looping: every voice still plays through the whole measurement on a slow machine.
  for (let v = 0; v < Number(voicesArg); v++) mixer.play(sound, { loop: true });
  setupMs = performance.now() - t0;
}
// An idle mixer lets Node exit (by design); a long timer keeps this process alive, costing nothing.
setInterval(() => {}, 1 << 30);
console.log(`ready setupMs=${setupMs}`);
