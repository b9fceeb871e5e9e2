// One side of the CPU comparison (bench/cpu.js): a mixer on the JACK server in
// JACK_DEFAULT_SERVER, idle (argv[2] === 'idle') or playing one sound: a
// 1 kHz sine long enough to outlast the measurement. Says "ready", then waits
// to be killed.
'use strict';
const { Mixer } = require('..');

const seconds = Number(process.argv[3]);
const mixer = new Mixer({ device: 'system', hostApi: 'JACK', inputChannels: 0, outputChannels: 1 });
if (process.argv[2] !== 'idle') {
  const s = new Float32Array(Math.round(seconds * mixer.sampleRate));
  for (let k = 0; k < s.length; k++) s[k] = 0.5 * Math.sin((2 * Math.PI * (k % 48)) / 48);
  mixer.play(s);
}
// An idle mixer lets Node exit (by design); a long timer keeps this process alive, costing nothing.
setInterval(() => {}, 1 << 30);
console.log('ready');
