'use strict';
// queue.cancel() must reach every waiting item before the playing one: the
// callback may take the cancels in two blocks, and a waiting item whose
// predecessor was cancelled first would start at the seam and play until its
// own cancel came (seen in loaded runs: 128-448 frames of the next item).
const assert = require('node:assert/strict');
const { Queue } = require('../../dist/src/queue');

/** Stands in for a Mixer: records the order of plays and cancels. */
function recordingMixer() {
  const calls = [];
  let id = 0;
  return {
    calls,
    play(samples, options) {
      const action = { id: ++id, finished: false, options };
      calls.push(['play', action.id]);
      return action;
    },
    cancel(action, options) {
      calls.push(['cancel', action.id, options]);
    },
  };
}

describe('Queue.cancel()', () => {
  it('cancels the waiting items last-first, then the playing one', () => {
    const mixer = recordingMixer();
    const queue = new Queue(mixer, [new Float32Array(2), new Float32Array(2), new Float32Array(2)], {});
    const fade = { fadeOut: { frames: 32 } };
    queue.cancel(fade);
    assert.deepEqual(mixer.calls.filter((c) => c[0] === 'cancel'), [
      ['cancel', 3, fade],
      ['cancel', 2, fade],
      ['cancel', 1, fade],
    ]);
  });

  it('skips items that already finished', () => {
    const mixer = recordingMixer();
    const queue = new Queue(mixer, [new Float32Array(2), new Float32Array(2)], {});
    queue.items[0].finished = true;
    queue.cancel();
    assert.deepEqual(mixer.calls.filter((c) => c[0] === 'cancel').map((c) => c[1]), [2]);
  });
});
