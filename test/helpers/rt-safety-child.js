// Runs in a child process with test/native/rtguard.so preloaded: drives the
// mixer hard (plays, records, cancels, stats) and prints what the guard counted
// inside the callback (the guard writes its report at exit). argv[2] may name a test hook to install first.
'use strict';
const { Mixer, RingBuffer } = require('../..');

async function main() {
  const hook = process.argv[2] || '';
  const mixer = new Mixer({ device: 'system', hostApi: 'JACK' });
  if (hook) mixer._setTestHook(hook);
  const pending = [];
  const tone = new Float32Array(2 * 256).fill(0.1);
  for (let round = 0; round < 10; round++) {
    // 100 ms ahead, and belated starts allowed: this test counts what the
    // callback does, and must not fail because a shared machine was slow.
    const at = mixer.currentFrame + 4800;
    for (let i = 0; i < 30; i++) {
      const play = mixer.play(tone, { at: at + i * 7, gain: 0.5, allowBelated: true });
      pending.push(play.done);
      pending.push(mixer.record(128, { at: at + i * 5, allowBelated: true }).done);
      if (i % 3 === 0) pending.push(mixer.cancel(play, { at: at + i * 7 + 100 }).done);
    }
    // ring buffers, fades, loops, gain ramps, queues and xrun logging go through the same guard
    const ring = new RingBuffer(512, 2);
    ring.write(tone);
    const ringPlay = mixer.playRingbuffer(ring, { endWhenDrained: false });
    const ringRec = mixer.recordRingbuffer(new RingBuffer(16384, 2));
    // a record long enough to span many pages (pre-faulted, so no fault in the callback)
    pending.push(mixer.record(9600, { at, allowBelated: true }).done);
    const shaped = mixer.play(tone, { at, allowBelated: true, fadeIn: { frames: 32 }, fadeOut: { frames: 32 }, loop: 3, loopStart: 64, loopEnd: 128 });
    pending.push(mixer.setGain(shaped, 0.3, { ramp: { frames: 40 } }).done.catch(() => undefined));
    pending.push(...mixer.queue([tone, tone]).items.map((a) => a.done));
    pending.push(shaped.done, ringPlay.done, ringRec.done);
    pending.push(mixer.cancel(ringPlay, { at: at + 5000 }).done, mixer.cancel(ringRec, { at: at + 5000 }).done);
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
