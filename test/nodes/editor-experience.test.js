'use strict';
// What a Node-RED user sees (issue 16): the stats status labels the last
// report's window, bad settings show red at deploy in a short text, the
// late-start error speaks in flow terms, and the config node's test tone
// plays on exactly the output asked for.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { helper, loadFlow, mixerConfig, mixerOf, nextMessage, statusLog, sleep, useNodeRed } = require('../helpers/node-red');
const { waitFor } = require('../helpers/wait');

const RATE = 48000;
const tab = { id: 't1', type: 'tab' };
const at0 = { z: 't1', x: 100, y: 100 };
const out = { id: 'out', type: 'helper', ...at0 };
const catcher = { id: 'catcher', type: 'catch', ...at0, scope: null, uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', ...at0 };

/** Peak of channel `ch` (0-based) of interleaved `samples`. */
function peak(samples, channels, ch) {
  let p = 0;
  for (let i = ch; i < samples.length; i += channels) p = Math.max(p, Math.abs(samples[i]));
  return p;
}

describe('Node-RED user experience (issue 16)', function () {
  this.timeout(30000);
  useNodeRed();

  it('stats: the status labels the last report, start-up xruns are counted apart', async () => {
    const log = statusLog();
    await loadFlow([tab, mixerConfig(), { id: 'stats', type: 'rtmixer-stats', ...at0, mixer: 'mixer', interval: '0', wires: [['out']] }, out]);
    await sleep(800); // past the start-up window
    const reply = nextMessage('out');
    helper.getNode('stats').receive({});
    const p = (await reply).payload;
    log.stop();
    assert.equal(typeof p.startupXruns, 'number');
    const last = log.stats[log.stats.length - 1];
    assert.equal(last.fill, p.xruns > 0 || p.droppedStarts > 0 ? 'yellow' : 'green', `${last.text}: ${p.xruns} xruns, ${p.startupXruns} at start-up`);
    // Yellow names what the last report saw (totals labelled as such); green shows the output peak.
    if (last.fill === 'green') assert.match(last.text, /^peak -?\d+\.\d dBFS · load \d+%$/, last.text);
    else assert.match(last.text, /^\d+ (xruns?|dropped starts) in last report( \(\d+ total\))? · load \d+%$/, last.text);
  });

  it('bad settings turn red at deploy with a short status; play-buffer checks its outputs against the mixer', async () => {
    const log = statusLog();
    await loadFlow([
      tab, mixerConfig(), catcher, caught,
      { id: 'play9', type: 'rtmixer-play-buffer', ...at0, mixer: 'mixer', outputChannels: '9', wires: [[]] },
      { id: 'long', type: 'rtmixer-record', ...at0, mixer: 'mixer', duration: '100000', wires: [[]] },
    ]);
    await waitFor('play9 red', () => (log.play9 ?? []).some((s) => s.fill === 'red'));
    log.stop();
    const red9 = log.play9.find((s) => s.fill === 'red');
    assert.equal(red9.text, 'Outputs: no output channel 9 (mixer has 2)');
    const redLong = log.long.find((s) => s.fill === 'red');
    assert.equal(redLong.text, 'duration must be > 0 and ≤ 3600 s, got "100000"');
    for (const s of [...log.play9, ...log.long]) assert.ok(s.text === undefined || s.text.length <= 48, s.text);
    const error = nextMessage('caught');
    helper.getNode('play9').receive({ payload: new Float32Array(48) });
    const { error: err } = await error;
    assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(err.message, /output channel 9, but the mixer has 2 output channels/);
  });

  it('a late msg.at says what to do in flow terms, not "allowBelated"', async () => {
    await loadFlow([tab, mixerConfig(), catcher, caught, { id: 'play', type: 'rtmixer-play-buffer', ...at0, mixer: 'mixer', wires: [[]] }]);
    const error = nextMessage('caught');
    helper.getNode('play').receive({ payload: new Float32Array(96), at: Math.max(0, mixerOf().currentFrame - 4800) });
    const { error: err } = await error;
    assert.equal(err.code, 'ERR_RTMIXER_LATE_START');
    assert.match(err.message, /start frame \d+ had passed \d+ frames/);
    assert.match(err.message, /msg\.delay/);
    assert.doesNotMatch(err.message, /allowBelated/);
  });

  it('test tone: plays on exactly the output asked for; coded HTTP errors otherwise', async () => {
    await loadFlow([tab, mixerConfig(), { id: 'stats', type: 'rtmixer-stats', ...at0, mixer: 'mixer', wires: [[]] }]);
    const mixer = mixerOf();
    for (const channel of [1, 2]) {
      const rec = mixer.record(Math.round(1.2 * RATE), { allowBelated: true });
      const res = await helper.request().post(`/rtmixer-config/mixer/test-tone?channel=${channel}`).expect(200);
      assert.deepEqual(res.body, { channel });
      const { samples } = await rec.done;
      const other = channel === 1 ? 1 : 0;
      const level = peak(samples, 2, channel - 1);
      assert.ok(Math.abs(20 * Math.log10(level) + 12) < 0.5, `channel ${channel}: peak ${(20 * Math.log10(level)).toFixed(2)} dBFS, want -12`);
      assert.ok(peak(samples, 2, other) < 1e-4, `the other channel stays silent: ${peak(samples, 2, other)}`);
      // 0.5 s of 1 kHz: about 1000 zero crossings on that channel.
      let crossings = 0;
      for (let i = channel - 1 + 2; i < samples.length; i += 2) if ((samples[i] >= 0) !== (samples[i - 2] >= 0) && Math.abs(samples[i]) + Math.abs(samples[i - 2]) > 1e-3) crossings++;
      assert.ok(Math.abs(crossings - 1000) <= 10, `${crossings} zero crossings`);
    }
    const bad = await helper.request().post('/rtmixer-config/mixer/test-tone?channel=3').expect(400);
    assert.equal(bad.body.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
    assert.match(bad.body.error, /channel must be an integer from 1 to 2, got 3/);
    await helper.request().post('/rtmixer-config/mixer/test-tone?channel=x').expect(400);
    const unknown = await helper.request().post('/rtmixer-config/nope/test-tone?channel=1').expect(404);
    assert.match(unknown.body.error, /deploy the flow first/);
    await helper.request().post('/rtmixer-config/stats/test-tone?channel=1').expect(404);
  });

  it('test tone on a mixer that is not open: 409 with the reason', async () => {
    await loadFlow([tab, mixerConfig({ device: 'no such device' }), { id: 'stats', type: 'rtmixer-stats', ...at0, mixer: 'mixer', wires: [[]] }], { loopback: false });
    await waitFor('mixer in error', () => helper.getNode('mixer').state === 'error');
    const res = await helper.request().post('/rtmixer-config/mixer/test-tone?channel=1').expect(409);
    assert.equal(res.body.code, 'ERR_RTMIXER_DEVICE_NOT_FOUND');
  });

  it('examples: no status text under an rtmixer node runs into another node, and 06 keeps the debug sidebar free', () => {
    const dir = path.join(__dirname, '..', '..', 'examples');
    for (const file of fs.readdirSync(dir)) {
      const flow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).filter((n) => n.x !== undefined && n.type !== 'comment');
      const hasStatus = (n) => n.type.startsWith('rtmixer-') || (n.type === 'debug' && n.tostatus);
      for (const a of flow.filter(hasStatus)) {
        // The status is drawn just under the node (about 40 px down), some 250 px wide from its left edge:
        // no node may sit in that band, nor another status on the same row.
        for (const b of flow) {
          if (a === b || b.x < a.x - 60 || b.x > a.x + 250) continue;
          const dy = b.y - a.y;
          assert.ok(!(dy > 0 && dy < 40) && !(hasStatus(b) && Math.abs(dy) < 20 && b.x > a.x), `${file}: ${a.id} (${a.x},${a.y}) and ${b.id} (${b.x},${b.y})`);
        }
      }
      if (file.startsWith('06')) for (const d of flow.filter((n) => n.type === 'debug')) assert.equal(d.tosidebar, false, `${file}: ${d.id}`);
    }
  });

  it('every runtime string the nodes use is in the en-US message catalogue', () => {
    const catalogue = require('../../nodes/locales/en-US/rtmixer-config.json').runtime;
    const nodes = path.join(__dirname, '..', '..', 'nodes');
    const sources = [...fs.readdirSync(nodes), ...fs.readdirSync(path.join(nodes, 'lib')).map((f) => `lib/${f}`)].filter((f) => f.endsWith('.ts'));
    const keys = new Set();
    for (const f of sources) for (const m of fs.readFileSync(path.join(nodes, f), 'utf8').matchAll(/\bt\('([\w-]+)'/g)) keys.add(m[1]);
    assert.ok(keys.size >= 10, [...keys].join(', '));
    for (const key of keys) assert.ok(key in catalogue, `runtime.${key} missing`);
  });
});
