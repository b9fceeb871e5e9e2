'use strict';
// rtmixer-stats through the real Node-RED runtime on the JACK dummy server:
// snapshots on input and on a timer, several stats nodes on one mixer each
// seeing every block, running totals and msg.reset, a forced xrun, bad setup.
const assert = require('node:assert/strict');
const { helper, loadFlow, mixerConfig, mixerOf, nextMessage, collect, statusLog, sleep, useNodeRed } = require('../helpers/node-red');
const { waitFor, framesPass } = require('../helpers/wait');

const RATE = 48000;
const PERIOD = 64;
const tab = { id: 't1', type: 'tab' };
const outA = { id: 'outA', type: 'helper', z: 't1' };
const outB = { id: 'outB', type: 'helper', z: 't1' };
// No node id may equal a property value of a node without x/y (Node-RED then
// sees a config node that needs itself): hence 'catcher'.
const catcher = { id: 'catcher', type: 'catch', z: 't1', scope: null, uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', z: 't1' };

function stats(extra = {}) {
  return { id: 'statsA', type: 'rtmixer-stats', z: 't1', name: '', mixer: 'mixer', interval: '0', wires: [['outA']], ...extra };
}



/** A report requested now from `statsId`, resolved when it reaches `outId`. */
async function report(statsId, outId, msg = {}) {
  const reply = nextMessage(outId);
  helper.getNode(statsId).receive(msg);
  return (await reply).payload;
}

describe('rtmixer-stats node', function () {
  this.timeout(30000);
  useNodeRed();

  afterEach(() => {
    delete process.env.RTMIXER_ENABLE_TEST_HOOKS;
  });

  it('any message gives a snapshot with the contract fields and sane values', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), stats(), outA]);
    await report('statsA', 'outA');
    await sleep(200);
    const reply = nextMessage('outA');
    helper.getNode('statsA').receive({ topic: 'health' });
    const msg = await reply;
    log.stop();
    const p = msg.payload;
    assert.equal(msg.topic, 'health', 'the input message is sent on');

    for (const key of ['blocks', 'frames', 'xruns', 'inputUnderflows', 'inputOverflows', 'outputUnderflows', 'outputOverflows',
      'outputPriming', 'lateStarts', 'droppedStarts', 'underflowFrames', 'overflowFrames', 'activeActions', 'maxActiveActions',
      'minBlockSize', 'maxBlockSize', 'currentFrame', 'time', 'sampleRate', 'inputLatency', 'outputLatency', 'inputChannels', 'outputChannels']) {
      assert.equal(typeof p[key], 'number', `payload.${key} is a number`);
      assert.ok(p[key] >= 0, `payload.${key} >= 0`);
    }
    assert.ok(p.blocks > 50 && p.blocks < 2000, `${p.blocks} blocks in about 0.2 s`);
    assert.equal(p.frames, p.blocks * PERIOD, 'JACK runs fixed 64-frame blocks');
    assert.equal(p.minBlockSize, PERIOD);
    assert.equal(p.maxBlockSize, PERIOD);
    // xruns counts blocks with any under/overflow flag (JACK flags one xrun both ways): a loaded machine may have some
    const flags = p.inputUnderflows + p.inputOverflows + p.outputUnderflows + p.outputOverflows;
    assert.ok(p.xruns <= flags && (p.xruns === 0) === (flags === 0), `${p.xruns} xruns, ${flags} flags`);
    assert.ok(p.callbackDuration.min > 0 && p.callbackDuration.min <= p.callbackDuration.mean && p.callbackDuration.mean <= p.callbackDuration.max);
    assert.ok(p.cpuLoad.mean > 0 && p.cpuLoad.mean <= p.cpuLoad.max, JSON.stringify(p.cpuLoad));
    assert.equal(p.sampleRate, RATE);
    assert.equal(p.inputChannels, 2);
    assert.equal(p.outputChannels, 2);
    assert.equal(Math.round((p.inputLatency + p.outputLatency) * RATE), PERIOD, 'round trip of one period');
    assert.ok(p.currentFrame > 0);
    assert.equal(p.time, p.currentFrame / RATE);
    const mixerNow = mixerOf().currentFrame;
    assert.ok(mixerNow >= p.currentFrame && mixerNow - p.currentFrame < RATE, 'currentFrame is the mixer clock');

    assert.deepEqual(Object.keys(p.totals).sort(), ['blocks', 'droppedStarts', 'inputOverflows', 'inputUnderflows', 'lateStarts',
      'outputOverflows', 'outputUnderflows', 'since', 'xruns']);
    assert.ok(p.totals.blocks > p.blocks, 'totals include the first report');
    assert.ok(p.totals.xruns >= p.xruns);
    assert.ok(Date.now() - Date.parse(p.totals.since) < 10000, `since ${p.totals.since}`);

    const last = log.statsA[log.statsA.length - 1];
    assert.ok(['green', 'yellow'].includes(last.fill), JSON.stringify(last));
    assert.match(last.text, /^(peak -?\d+\.\d dBFS|\d+ xruns?.*) · load \d+%$/);
    // level meters, dBFS per channel (nothing plays: the floor)
    assert.deepEqual([p.outputPeak, p.outputRms, p.inputPeak, p.inputRms], [[-120, -120], [-120, -120], [-120, -120], [-120, -120]]);
    if (last.fill === 'green') assert.match(last.text, /^peak -120\.0 dBFS · /);
  });

  it('interval 0.2 reports by itself, one window after the other', async () => {
    await loadFlow([tab, mixerConfig(), stats({ interval: '0.2' }), outA]);
    const got = collect('outA');
    await waitFor('3 reports', () => got.length >= 3);
    for (let i = 1; i < got.length; i++) {
      const p = got[i].payload;
      assert.ok(p.blocks > 40, `report ${i}: ${p.blocks} blocks`);
      // Consecutive windows tile the clock: a window's frames are the clock's advance since the last report.
      // (currentFrame is read when the report is sent: a loaded event loop shifts it by some blocks;
      // a lost or doubled window would be off by a whole 0.2 s.)
      const advance = p.currentFrame - got[i - 1].payload.currentFrame;
      assert.ok(Math.abs(p.frames - advance) <= 0.1 * RATE, `report ${i}: ${p.frames} frames vs clock +${advance}`);
    }
  });

  it('two stats nodes on one mixer each see every block', async () => {
    await loadFlow([
      tab, mixerConfig(), outA, outB,
      stats({ interval: '0.1' }),
      stats({ id: 'statsB', wires: [['outB']] }),
    ]);
    const fromA = collect('outA');
    const syncA = () => new Promise((resolve) => {
      const node = helper.getNode('outA');
      const listener = (m) => {
        if (m.topic !== 'sync') return;
        node.removeListener('input', listener);
        resolve(m.payload);
      };
      node.on('input', listener);
    });
    const sync = async () => {
      const a = syncA();
      const b = nextMessage('outB');
      helper.getNode('statsA').receive({ topic: 'sync' });
      helper.getNode('statsB').receive({ topic: 'sync' });
      return [await a, (await b).payload];
    };
    const [a0, b0] = await sync();
    // A reports by itself meanwhile, every 0.1 s.
    await waitFor('5 reports of A after the first sync', () => fromA.length - fromA.findIndex((m) => m.payload === a0) > 5);
    const [a1, b1] = await sync();

    const i0 = fromA.findIndex((m) => m.payload === a0);
    const i1 = fromA.findIndex((m) => m.payload === a1);
    const windowsOfA = fromA.slice(i0 + 1, i1 + 1).map((m) => m.payload);
    assert.ok(windowsOfA.length >= 4, `A reported ${windowsOfA.length} times in between`);
    const blocksA = windowsOfA.reduce((n, p) => n + p.blocks, 0);
    assert.ok(Math.abs(blocksA - b1.blocks) <= 16, `A saw ${blocksA} blocks, B ${b1.blocks}`);
    // B fetched nothing in between: its one window is the whole period, so A's fetches did not take it away.
    // (currentFrame is read when each report is sent, so a loaded event loop shifts it by some
    // blocks; had A's fetches taken B's window, B would miss all but its last 0.1 s.)
    const advance = b1.currentFrame - b0.currentFrame;
    assert.ok(Math.abs(b1.frames - advance) <= 0.15 * RATE, `B: ${b1.frames} frames vs clock +${advance}`);
    assert.ok(Math.abs(a1.totals.blocks - b1.totals.blocks) <= 16, `totals ${a1.totals.blocks} vs ${b1.totals.blocks}`);
    assert.ok(a0.blocks >= 0 && b0.blocks >= 0);
  });

  it('totals add up the reports; msg.reset zeroes them and sends nothing', async () => {
    await loadFlow([tab, mixerConfig(), stats(), outA]);
    const r1 = await report('statsA', 'outA');
    await sleep(250);
    const r2 = await report('statsA', 'outA');
    assert.equal(r2.totals.blocks, r1.blocks + r2.blocks, 'totals are the sum of the windows');
    assert.equal(r2.totals.xruns, r1.xruns + r2.xruns);
    assert.equal(r2.totals.since, r1.totals.since);

    const got = collect('outA');
    const beforeReset = mixerOf().currentFrame;
    helper.getNode('statsA').receive({ reset: true });
    await framesPass(mixerOf(), 0.25 * RATE);
    assert.equal(got.length, 0, 'msg.reset sends nothing');
    const r3 = await report('statsA', 'outA');
    assert.ok(r3.blocks > 50, `${r3.blocks} blocks since the reset`);
    assert.equal(r3.totals.blocks, r3.blocks, 'totals start again at the reset');
    assert.equal(r3.totals.xruns, r3.xruns);
    assert.equal(r3.totals.lateStarts, r3.lateStarts);
    assert.ok(Date.parse(r3.totals.since) > Date.parse(r2.totals.since), 'since moved to the reset');
    assert.ok(r3.frames <= r3.currentFrame - beforeReset + 16 * PERIOD, `the window was reset too: ${r3.frames} frames, ${r3.currentFrame - beforeReset} since the reset`);
  });

  it('a forced xrun shows up in xruns and totals, and the status turns yellow', async () => {
    process.env.RTMIXER_ENABLE_TEST_HOOKS = '1';
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), stats(), outA]);
    await report('statsA', 'outA');
    const mixer = mixerOf();
    mixer._setTestHook('stall'); // a 20 ms stall every 256 blocks
    await sleep(700);
    mixer._setTestHook('');
    await sleep(150);
    const p = await report('statsA', 'outA');
    log.stop();
    assert.ok(p.xruns > 0, `xruns ${p.xruns}`);
    assert.ok(p.outputUnderflows > 0, 'JACK reports an xrun as an output underflow');
    assert.ok(p.callbackDuration.max >= 0.019, `longest callback ${p.callbackDuration.max} s`);
    assert.ok(p.cpuLoad.max > 1, `load ${p.cpuLoad.max}`);
    assert.ok(p.totals.xruns >= p.xruns);
    assert.ok(p.totals.outputUnderflows >= p.outputUnderflows);
    const last = log.statsA[log.statsA.length - 1];
    assert.equal(last.fill, 'yellow');
    assert.match(last.text, new RegExp(`^${p.xruns} xruns? in last report( \\(${p.totals.xruns} total\\))? · load \\d+%$`));
  });

  it('missing mixer or bad interval: coded errors to Catch, red status, and it keeps answering', async () => {
    const log = statusLog();
    await loadFlow([
      tab, outA, catcher, caught,
      stats({ mixer: '' }),
      stats({ id: 'statsBad', mixer: 'mixer', interval: '0.01', wires: [['outB']] }), outB, mixerConfig(),
    ]);
    const statuses = { ...log };
    log.stop();
    assert.ok(statuses.statsA.some((s) => s.fill === 'red' && /no mixer/.test(s.text)), JSON.stringify(statuses.statsA));
    assert.ok(statuses.statsBad.some((s) => s.fill === 'red' && /interval must be 0/.test(s.text)), JSON.stringify(statuses.statsBad));
    for (let i = 0; i < 2; i++) {
      const error = nextMessage('caught');
      helper.getNode('statsA').receive({ topic: `try ${i}` });
      const msg = await error;
      assert.equal(msg.error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
      assert.match(msg.error.message, /rtmixer-stats has no mixer: open the node and choose/);
      assert.equal(msg.error.source.id, 'statsA');
      assert.equal(msg.topic, `try ${i}`);
    }
    const error = nextMessage('caught');
    helper.getNode('statsBad').receive({});
    const { error: err } = await error;
    assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(err.message, /interval must be 0 or at least 0\.05 s, got 0\.01 \(0 = report only on input\)/);
  });

  it('a timer tick with the mixer not open turns red and warns once, without throwing', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig({ device: 'no such device' }), stats({ interval: '0.1' }), outA], { loopback: false });
    const node = helper.getNode('statsA');
    const warnings = [];
    const warn = node.warn.bind(node);
    node.warn = (w) => {
      warnings.push(String(w));
      warn(w);
    };
    const got = collect('outA');
    await sleep(550);
    log.stop();
    assert.equal(got.length, 0);
    assert.equal(warnings.length, 1, warnings.join(' | '));
    assert.match(warnings[0], /stats report failed: .*no such device/i);
    const last = (log.statsA ?? []).concat().pop();
    assert.equal(last.fill, 'red');
  });

  it('closing clears the interval timer: nothing is sent after a redeploy removes it', async () => {
    const flow = [tab, mixerConfig(), stats({ interval: '0.1' }), outA];
    await loadFlow(flow);
    const got = collect('outA');
    await sleep(350);
    assert.ok(got.length >= 2);
    // Partial deploy without the stats node: the mixer stays open, the timer must stop.
    await helper.setFlows([tab, mixerConfig(), outA], 'nodes');
    const count = got.length;
    await sleep(350);
    assert.equal(got.length, count, 'no report after close');
    assert.equal(helper.getNode('mixer').state, 'open');
  });
});
