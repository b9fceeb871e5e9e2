'use strict';
// Node starts every child process (an exec node, a jack_connect) with fork(),
// which write-protects every private page of this process for copy-on-write.
// Memory the callback writes on every block is taken back in the first blocks
// after a fork; memory it writes now and then — the id index, the result
// queue's slots, an action's voice state, a recording — would fault on JACK's
// real-time thread at its next write, long after the fork. The mixer keeps that
// memory out of fork() (native/core/rt_memory.h); this counts the audio
// thread's page faults, from /proc, during a burst of actions after a fork.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { RingBuffer } = require('../..');
const { audioThread, stat } = require('../../tools/proc-threads');
const { PERIOD } = require('../../tools/jack-server');
const { openLoopbackMixer, soon } = require('../helpers/loopback');
const { framesPass } = require('../helpers/wait');

describe('A fork of the process', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('costs the audio thread no page fault on the mixer\'s own memory afterwards', async () => {
    const thread = audioThread(process.pid);
    assert.ok(thread, 'no real-time thread in this process: the JACK test server must run with -R');
    const tone = new Float32Array(2 * 64).fill(0.01);
    // Warm every path once, so what is counted below is the fork's doing alone.
    await mixer.play(tone).done;
    await mixer.record(64).done;

    assert.equal(spawnSync('true').status, 0);
    // PortAudio's and libjack's own buffers, written every block, fault once in
    // the first blocks after the fork: not the mixer's memory, and not counted.
    await framesPass(mixer, 8 * PERIOD);

    const before = stat(process.pid, thread.tid);
    const at = soon(mixer, 0.1);
    const pending = [];
    // 400 ids spread over the id index's pages, results over the queue's slots.
    for (let i = 0; i < 400; i++) pending.push(mixer.play(tone, { at: at + i * 3, allowBelated: true }).done);
    pending.push(mixer.record(48000, { at, allowBelated: true }).done);
    const ring = new RingBuffer(8192, 2);
    ring.write(new Float32Array(2 * 4096).fill(0.01));
    ring.end();
    pending.push(mixer.playRingbuffer(ring, { at, allowBelated: true }).done);
    pending.push(mixer.fetchStats());
    await Promise.all(pending);
    const after = stat(process.pid, thread.tid);
    assert.deepEqual(
      { minor: after.minflt - before.minflt, major: after.majflt - before.majflt },
      { minor: 0, major: 0 },
    );
  });
});
