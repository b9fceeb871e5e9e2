'use strict';
// Ten-minute files decode without stalling the event loop: the longest delay
// perf_hooks sees while a 10-minute WAV and a 10-minute 192 kb/s MP3 decode
// stays under 25 ms. (Run after the unit layer by `npm test`; the throughput
// figures are `npm run bench`'s, in BENCHMARKS.md.)
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { decodeAudio, createAudioDecoder } = require('../..');
const { run, tempDir } = require('../helpers/decode-corpus');
const { watchEventLoop } = require('../helpers/event-loop-watch');

describe('decoding ten-minute files leaves the event loop free', function () {
  this.timeout(180000);
  let dir;
  const files = {};
  before(() => {
    dir = tempDir('rtmixer-long-');
    files.wav = path.join(dir, 'ten-minutes.wav');
    files.mp3 = path.join(dir, 'ten-minutes.mp3');
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', files.wav, 'synth', '600', 'sine', '440', 'sine', '1000-3000', 'gain', '-4']);
    run('sox', [files.wav, '-C', '192', files.mp3]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function watched(work) {
    await decodeAudio(fs.readFileSync(files.mp3).subarray(0, 100000)); // threads started, codec compiled
    return watchEventLoop(work);
  }

  /** The loop held < 25 ms by this process; the run-queue wait (other processes' CPU) is reported, not counted. */
  function assertLoopFree({ maxMs, ownMaxMs, waitedMs, schedstat }) {
    const bound = schedstat ? ownMaxMs : maxMs;
    assert.ok(bound < 25, `event loop stalled ${bound.toFixed(1)} ms by this process (delay ${maxMs.toFixed(1)} ms, ${waitedMs.toFixed(0)} ms waiting for a CPU)`);
  }
  const figures = ({ seconds, maxMs, ownMaxMs, waitedMs }) =>
    `${seconds.toFixed(2)} s, event loop max delay ${maxMs.toFixed(1)} ms (held by this process ${ownMaxMs.toFixed(1)} ms; ${waitedMs.toFixed(0)} ms waiting for a CPU in all)`;

  for (const kind of ['wav', 'mp3']) {
    it(`a 10-minute ${kind.toUpperCase()}: whole-file decode, longest event-loop delay < 25 ms`, async () => {
      const bytes = await fs.promises.readFile(files[kind]);
      const watch = await watched(() => decodeAudio(bytes));
      console.log(`      ${kind}: ${figures(watch)}`);
      assert.equal(watch.result.channels, 2);
      assert.ok(watch.result.samples.length / 2 >= 600 * 44100, `${watch.result.samples.length / 2} frames`);
      assertLoopFree(watch);
    });
  }

  it('a 10-minute MP3 streamed in 64 KiB pieces (as `file in` sends it): never all in memory, longest delay < 25 ms', async () => {
    let peakGrowth = 0;
    const watch = await watched(async () => {
      const decoder = createAudioDecoder();
      const before = process.memoryUsage().rss;
      let frames = 0;
      for await (const piece of fs.createReadStream(files.mp3, { highWaterMark: 65536 })) {
        frames += (await decoder.write(piece)).samples.length / 2;
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().rss - before);
      }
      frames += (await decoder.end()).samples.length / 2;
      return frames;
    });
    console.log(`      streamed mp3: ${figures(watch)}, RSS peak +${(peakGrowth / 1048576).toFixed(0)} MiB (decoded: 202 MiB)`);
    assert.ok(watch.result >= 600 * 44100);
    assert.ok(peakGrowth < 150 * 1048576, 'the decoded audio was held, not streamed');
    assertLoopFree(watch);
  });
});
