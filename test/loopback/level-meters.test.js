'use strict';
// Level meters through the JACK loopback: the callback measures the mixed
// output and the inputs (the output wired back) per channel over each stats window.
const assert = require('node:assert/strict');
const { LEVEL_FLOOR_DBFS } = require('../..');
const { openLoopbackMixer, soon } = require('../helpers/loopback');
const { waitFor } = require('../helpers/wait');

describe('Level meters in fetchStats()', function () {
  let mixer;
  beforeEach(async () => (mixer = await openLoopbackMixer()));
  afterEach(() => mixer.close());

  it('a 0.5-amplitude sine reads -6.0 dBFS peak and -9.0 dBFS RMS, out and back in; silence reads the floor', async () => {
    const idle = await mixer.fetchStats();
    assert.equal(idle.outputPeak.length, mixer.outputChannels);
    assert.deepEqual(idle.outputPeak, idle.outputPeak.map(() => LEVEL_FLOOR_DBFS), 'nothing playing: the floor, not -Infinity');
    // 1 kHz at 48 kHz: 48 frames a period, one sample on each crest (exactly 0.5)
    const period = new Float32Array(48).map((_, i) => 0.5 * Math.sin((2 * Math.PI * i) / 48));
    const stereo = new Float32Array(96).map((_, i) => period[i >> 1]);
    const at = soon(mixer);
    const tone = mixer.play(stereo, { at, loop: true });
    await waitFor('the tone and its loopback under way', () => mixer.currentFrame > at + 4800);
    await mixer.fetchStats(); // a window entirely inside the tone starts here
    await waitFor('a 0.2 s window', () => mixer.currentFrame > at + 4800 + 9600);
    const s = await mixer.fetchStats();
    mixer.cancel(tone);
    await tone.done;
    const oneDecimal = (dbs) => dbs.map((db) => db.toFixed(1));
    assert.deepEqual(oneDecimal(s.outputPeak), ['-6.0', '-6.0'], JSON.stringify(s.outputPeak));
    assert.deepEqual(oneDecimal(s.outputRms), ['-9.0', '-9.0'], JSON.stringify(s.outputRms));
    assert.deepEqual(oneDecimal(s.inputPeak), ['-6.0', '-6.0'], JSON.stringify(s.inputPeak));
    assert.deepEqual(oneDecimal(s.inputRms), ['-9.0', '-9.0'], JSON.stringify(s.inputRms));
    assert.equal(s.levelSums.frames, s.frames);
    assert.ok(Math.abs(s.levelSums.outputPeak[0] - 0.5) < 1e-7, 'raw peak, linear');
    await waitFor('the loopback silent again', async () => (await mixer.fetchStats()).inputPeak.every((db) => db === LEVEL_FLOOR_DBFS));
  });
});
