'use strict';
// The pure pieces of the Node-RED layer (nodes/lib), without Node-RED or JACK:
// msg option parsing, channel routing, the record chunker, the stats window,
// and the description that replaces a refused message's audio.
const assert = require('node:assert/strict');
const opts = { ...require('../../dist/src/index.js'), ...require('../../dist/nodes/lib/msg-options.js') };
const { routeChannels } = require('../../dist/src/index.js');
const { ChunkAssembler } = require('../../dist/src/index.js');
const { StatsWindow, mergeStats, emptyStats } = require('../../dist/src/index.js');

const invalid = (pattern) => (err) => err.code === 'ERR_RTMIXER_INVALID_ARGUMENT' && pattern.test(err.message);

describe('msg options', () => {
  it('channel lists from the editor (strings) and messages (numbers, arrays)', () => {
    assert.deepEqual(opts.channelList('Outputs', '1, 2;3 4'), [1, 2, 3, 4]);
    assert.deepEqual(opts.channelList('msg.outputs', [2, 1]), [2, 1]);
    assert.deepEqual(opts.channelList('msg.outputs', 2), [2]);
    assert.equal(opts.channelList('Outputs', ''), undefined);
    assert.throws(() => opts.channelList('msg.outputs', 'left'), invalid(/msg\.outputs must list 1-based channel numbers like "1,2", got "left"/));
    assert.throws(() => opts.channelList('msg.outputs', [0]), invalid(/1-based/));
  });

  it('numbers, channel counts and choices, with the allowed range in the message', () => {
    assert.equal(opts.optionalNumber('Gain', ' 0.5 ', 0, 100), 0.5);
    assert.equal(opts.optionalNumber('Gain', '', 0, 100), undefined);
    assert.throws(() => opts.optionalNumber('Gain', 'loud', 0, 100), invalid(/Gain must be a number from 0 to 100, got "loud"/));
    assert.equal(opts.channelCount('Channels', '2'), 2);
    assert.throws(() => opts.channelCount('Channels', '1.5'), invalid(/whole number of channels/));
    assert.equal(opts.oneOf('Mode', '', ['mix', 'queue']), 'mix');
    assert.throws(() => opts.oneOf('Mode', 'loop', ['mix', 'queue']), invalid(/Mode must be one of "mix", "queue", got "loop"/));
    assert.equal(opts.firstSet(undefined, '', null, 0, 5), 0);
  });

  it('msg.at or msg.delay as a start frame on the mixer clock', () => {
    const mixer = { currentFrame: 1000, sampleRate: 48000 };
    assert.equal(opts.startFrame({}, mixer), undefined);
    assert.equal(opts.startFrame({ at: 5000 }, mixer), 5000);
    assert.equal(opts.startFrame({ delay: 100 }, mixer), 1000 + 4800);
    assert.throws(() => opts.startFrame({ at: 1, delay: 1 }, mixer), invalid(/Give msg\.at or msg\.delay, not both/));
    assert.throws(() => opts.startFrame({ at: -3 }, mixer), invalid(/msg\.at must be a frame number/));
  });

  it('msg.outputs / msg.inputs over the setting, checked against the mixer', () => {
    assert.deepEqual(opts.channelsFor({}, 'outputs', [2], 2), { list: [2], name: "the node's Outputs setting" });
    assert.deepEqual(opts.channelsFor({ outputs: '1' }, 'outputs', [2], 2), { list: [1], name: 'msg.outputs' });
    assert.deepEqual(opts.channelsFor({}, 'inputs', undefined, 2), { list: undefined, name: 'inputs' });
    assert.throws(() => opts.channelsFor({ inputs: '5' }, 'inputs', undefined, 2), invalid(/msg\.inputs lists input channel 5, but the mixer has 2 input channels \(1 to 2\)/));
  });

  it('a refused message carries a description of its audio, never the audio', () => {
    assert.equal(opts.describePayload(Buffer.alloc(96000), 'int16', 2), '[audio not passed on: int16 PCM, 24000 frames × 2 channels, 96000 bytes]');
    assert.equal(opts.describePayload(new Float32Array(480), 'float32', 1), '[audio not passed on: Float32Array, 480 frames × 1 channels, 1920 bytes]');
    assert.match(opts.describePayload(Buffer.from('RIFF\0\0\0\0WAVEfmt '), 'int16', 2), /a WAV file, 16 bytes/);
  });
});

describe('routeChannels', () => {
  const stereo = new Float32Array([1, 2, 3, 4]);
  it('automatic: same count as the mixer 1..n, mono to every output, fewer to the first, more is an error', () => {
    assert.deepEqual(routeChannels(stereo, 2, undefined, 2, 'Outputs'), { samples: stereo, outputs: [1, 2] });
    assert.deepEqual(routeChannels(new Float32Array([5, 6]), 1, undefined, 3, 'Outputs'), { samples: new Float32Array([5, 5, 5, 6, 6, 6]), outputs: [1, 2, 3] });
    assert.deepEqual(routeChannels(stereo, 2, undefined, 4, 'Outputs').outputs, [1, 2]);
    assert.throws(() => routeChannels(new Float32Array(4), 4, undefined, 2, 'Outputs'), invalid(/4 channels but the mixer has only 2 outputs.*"1,2,1,2"/));
  });
  it('explicit: one output per channel, or mono on every listed output', () => {
    assert.deepEqual(routeChannels(stereo, 2, [2, 1], 2, 'msg.outputs').outputs, [2, 1]);
    assert.deepEqual(routeChannels(new Float32Array([7]), 1, [1, 2], 2, 'msg.outputs').samples, new Float32Array([7, 7]));
    assert.throws(() => routeChannels(stereo, 2, [1, 2, 1], 4, 'msg.outputs'), invalid(/2 channels but msg\.outputs lists 3 outputs \(1,2,1\)/));
  });
});

describe('ChunkAssembler (continuous record)', () => {
  it('regroups blocks of any length into exact chunks stamped with their first frame; rest() gives the tail', () => {
    const chunker = new ChunkAssembler(2, 3);
    const block = (from, frames) => Float32Array.from({ length: frames * 2 }, (_, i) => from + (i >> 1));
    chunker.push(block(0, 2), 100);
    assert.equal(chunker.next(), undefined);
    chunker.push(block(2, 5), 102);
    chunker.push(block(7, 1), 110); // 3 frames were lost before this block
    const a = chunker.next();
    const b = chunker.next();
    assert.deepEqual([a.startFrame, a.frames, Array.from(a.samples)], [100, 3, [0, 0, 1, 1, 2, 2]]);
    assert.deepEqual([b.startFrame, b.frames, Array.from(b.samples)], [103, 3, [3, 3, 4, 4, 5, 5]]);
    assert.equal(chunker.next(), undefined);
    const rest = chunker.rest();
    assert.deepEqual([rest.startFrame, rest.frames, Array.from(rest.samples)], [106, 2, [6, 6, 7, 7]]);
    assert.equal(chunker.rest(), undefined);
  });
});

describe('StatsWindow (stats node)', () => {
  const snapshot = (over) => ({ ...emptyStats(), ...over });
  it('merges snapshots as one fetch over both would have reported', () => {
    const a = snapshot({ blocks: 10, frames: 640, minBlockSize: 64, maxBlockSize: 64, xruns: 1, callbackDuration: { min: 1, mean: 2, max: 3 }, cpuLoad: { mean: 0.1, max: 0.2 }, activeActions: 3, maxActiveActions: 4 });
    const b = snapshot({ blocks: 30, frames: 3840, minBlockSize: 128, maxBlockSize: 128, callbackDuration: { min: 0.5, mean: 4, max: 5 }, cpuLoad: { mean: 0.3, max: 0.4 }, activeActions: 1, maxActiveActions: 2 });
    const m = mergeStats(a, b);
    assert.deepEqual([m.blocks, m.frames, m.minBlockSize, m.maxBlockSize, m.xruns], [40, 4480, 64, 128, 1]);
    assert.deepEqual(m.callbackDuration, { min: 0.5, mean: 3.5, max: 5 });
    assert.deepEqual([m.cpuLoad.mean, m.cpuLoad.max, m.activeActions, m.maxActiveActions], [0.25, 0.4, 1, 4]);
    assert.equal(mergeStats(emptyStats(), b).minBlockSize, 128, 'an empty window does not pull the minimum to 0');
  });
  it('merges level meters: peaks by max, RMS from the summed squares and frames, dBFS floored at -120', () => {
    const levels = (frames, outputPeak, outputSumSquares) => ({ levelSums: { frames, outputPeak, outputSumSquares, inputPeak: [], inputSumSquares: [] } });
    // 1000 frames of a 0.5 sine on channel 1 (sum of squares 125), then 1000 frames of silence
    const m = mergeStats(snapshot({ frames: 1000, ...levels(1000, [0.5, 0], [125, 0]) }), snapshot({ frames: 1000, ...levels(1000, [0.25, 0], [0, 0]) }));
    assert.deepEqual(m.outputPeak.map((db) => db.toFixed(1)), ['-6.0', '-120.0']);
    assert.deepEqual(m.outputRms.map((db) => db.toFixed(1)), ['-12.0', '-120.0'], 'half the time at -9.0: -3 dB');
    assert.deepEqual([m.levelSums.frames, m.levelSums.outputSumSquares[0], m.inputPeak.length], [2000, 125, 0]);
    assert.deepEqual(mergeStats(emptyStats(), m).outputRms, m.outputRms, 'an empty window changes nothing');
  });
  it('takes a window per report, adds it to the totals, and reset zeroes them', () => {
    const w = new StatsWindow();
    w.add(snapshot({ blocks: 5, xruns: 2 }));
    w.add(snapshot({ blocks: 5, lateStarts: 1 }));
    assert.deepEqual([w.take().blocks, w.take().blocks], [10, 0]);
    assert.deepEqual([w.totals.blocks, w.totals.xruns, w.totals.lateStarts], [10, 2, 1]);
    w.reset();
    assert.equal(w.totals.xruns, 0);
    assert.ok(!Number.isNaN(Date.parse(w.totals.since)));
  });
});

describe('start-up xruns and short statuses', () => {
  const snapshot = (over) => ({ ...emptyStats(), ...over });
  it('xruns of a snapshot that starts in the first 0.5 s are start-up xruns, apart from the window and the totals', () => {
    const w = new StatsWindow();
    w.add(snapshot({ blocks: 300, startFrame: 0, endFrame: 25600, xruns: 3, outputUnderflows: 3, inputOverflows: 3 }), 48000);
    w.add(snapshot({ blocks: 100, startFrame: 25600, endFrame: 32000, xruns: 1, outputUnderflows: 1 }), 48000);
    const r = w.take();
    assert.deepEqual([r.blocks, r.xruns, r.outputUnderflows, r.inputOverflows, r.startupXruns], [400, 1, 1, 0, 3]);
    assert.equal(w.totals.xruns, 1);
    w.add(snapshot({ blocks: 100, startFrame: 30000, xruns: 2 }), 48000);
    assert.deepEqual([w.take().startupXruns, w.totals.xruns], [0, 3], 'after 0.5 s every xrun counts');
  });
  it('status texts keep the setting, the rule and the value within 48 characters', () => {
    const { shorten } = require('../../dist/nodes/lib/node-status.js');
    const cases = {
      'duration must be a number of seconds greater than 0 and at most 3600, got "100000"': 'duration must be > 0 and ≤ 3600 s, got "100000"',
      'Ring (ms) must be a number from 10 to 60000, got "0"': 'Ring (ms) must be 10 to 60000, got "0"',
      'interval must be 0 or at least 0.05 s, got 0.01 (0 = report only on input)': 'interval must be 0 or at least 0.05 s, got 0.01',
      "the node's Outputs setting lists output channel 9, but the mixer has 2 output channels (1 to 2)": 'Outputs: no output channel 9 (mixer has 2)',
      'device lost: the audio stream on system was stopped by its host (a JACK server that went away). The mixer closed itself.': 'device lost',
    };
    for (const [message, status] of Object.entries(cases)) {
      assert.equal(shorten(message), status);
      assert.ok(status.length <= 48);
    }
    assert.equal(shorten('x'.repeat(60)).length, 48);
  });
});
