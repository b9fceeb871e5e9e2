// Runs 64 looping stereo voices for argv[2] seconds on the JACK server named
// in JACK_DEFAULT_SERVER and prints the stats as JSON.
'use strict';
const { Mixer } = require('..');

(async () => {
  const seconds = Number(process.argv[2]);
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK' });
  const sound = new Float32Array(2 * 4800).fill(0.001);
  const voices = [];
  for (let v = 0; v < 64; v++) voices.push(mixer.play(sound, { loop: true }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await mixer.fetchStats();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const stats = await mixer.fetchStats();
  await mixer.close();
  console.log(JSON.stringify(stats));
})();
