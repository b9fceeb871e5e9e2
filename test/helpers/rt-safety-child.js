// Runs in a child process with test/native/rtguard.so preloaded: drives the
// mixer hard (plays, records, cancels, stats) and prints what the guard counted
// inside the callback (the guard writes its report at exit). argv[2] may name a test hook to install first.
'use strict';
const { Mixer } = require('../../dist');

async function main() {
  const hook = process.argv[2] || '';
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK' });
  if (hook) mixer._setTestHook(hook);
  const pending = [];
  const tone = new Float32Array(2 * 256).fill(0.1);
  for (let round = 0; round < 10; round++) {
    const at = mixer.currentFrame + 480;
    for (let i = 0; i < 30; i++) {
      const play = mixer.play(tone, { at: at + i * 7, gain: 0.5 });
      pending.push(play.done);
      pending.push(mixer.record(128, { at: at + i * 5 }).done);
      if (i % 3 === 0) pending.push(mixer.cancel(play, { at: at + i * 7 + 100 }).done);
    }
    pending.push(mixer.fetchStats());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(pending);
  await mixer.close();
  process.stdout.write(JSON.stringify({ actions: pending.length }) + '\n');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
