'use strict';
// The importable example flows (examples/*.json) and the demo's flows: they are
// well formed, use only core and rtmixer nodes with this package's property
// names, deploy without an error, and do what their comments say, through the
// test JACK server's loopback.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WaveFile } = require('wavefile');
const { helper, coreModules, loadFlow, mixerOf, nextMessage, sleep, statusLog, useNodeRed } = require('../helpers/node-red');
const { PERIOD, SAMPLE_RATE } = require('../../tools/jack-server');
const { column } = require('../helpers/loopback');
const { readExamples, demoFlows } = require('../../scripts/demo/flows');
const { writeMelody, writeSoundFolder } = require('../../scripts/demo/melody');
const { waitFor } = require('../helpers/wait');
const { editorDefaults } = require('../helpers/editor-file');

const root = path.join(__dirname, '..', '..');
const examples = readExamples();
const byTitle = (prefix) => examples.find((e) => e.title.startsWith(prefix));

// Example 07 needs FlowFuse Dashboard 2.0 (a devDependency): its ui-* nodes run
// in the real Node-RED of test/browser/editor.test.js; here, in the test helper,
// the rest of its flow runs without them.
const DASHBOARD_TYPES = new Set(Object.keys(require('@flowfuse/node-red-dashboard/package.json')['node-red'].nodes));
const DASHBOARD_CONFIG = new Set(['ui-base', 'ui-page', 'ui-group', 'ui-theme', 'ui-link']);
const withoutDashboard = (nodes) => nodes.filter((n) => !DASHBOARD_TYPES.has(n.type));

const LAYOUT_KEYS = new Set(['id', 'type', 'z', 'x', 'y', 'wires', 'g', 'd']);

/**
 * An example as a test flow: a tab for its nodes, the mixer on the test JACK
 * server, and `changes` applied by node id (e.g. debug -> helper).
 */
function testFlow(example, changes = {}) {
  const z = example.nodes.find((n) => n.z).z;
  const nodes = example.nodes.map((n) => {
    const node = { ...n, ...(changes[n.id] ?? {}) };
    if (n.type === 'rtmixer-config') Object.assign(node, { hostApi: 'JACK', device: 'system' });
    return node;
  });
  return [{ id: z, type: 'tab', label: example.title }, ...withoutDashboard(nodes)];
}

/** Every debug node of an example turned into a helper node that tests can listen to. */
function debugToHelper(example) {
  return Object.fromEntries(example.nodes.filter((n) => n.type === 'debug').map((n) => [n.id, { type: 'helper' }]));
}

function idOf(example, type, name) {
  const node = example.nodes.find((n) => n.type === type && (name === undefined || n.name === name));
  assert.ok(node, `${example.title}: no ${type} node${name ? ` named "${name}"` : ''}`);
  return node.id;
}

/** Warnings and errors logged by the flow's nodes, and any error at all. */
function problems() {
  const log = helper.log();
  return log.args
    .map((a) => a[0])
    .filter((e) => e && ((e.id && e.level <= log.WARN) || e.level <= log.ERROR))
    .map((e) => `${e.type} ${e.id}: ${e.msg}`);
}

async function waitForOpen(configId, timeoutMs = 20000) {
  const config = helper.getNode(configId);
  for (let t = 0; t < timeoutMs && config.state !== 'open'; t += 25) await sleep(25);
  assert.equal(config.state, 'open', 'the example mixer did not open');
}

describe('example flows (examples/*.json)', function () {
  it('has the nine examples, named "NN - Title.json"', () => {
    assert.deepEqual(
      examples.map((e) => e.title),
      [
        '01 - Play a sound on inject',
        '02 - Sample-exact metronome',
        '03 - Stream a WAV file',
        '04 - Record 5 seconds to a WAV file',
        '05 - Loopback latency check',
        '06 - Stats watcher',
        '07 - Dashboard with level meters',
        '08 - Trigger sounds with buttons',
        '09 - Load a folder of sounds',
      ],
    );
  });

  for (const example of examples) {
    describe(example.title, () => {
      const nodes = example.nodes;
      const config = nodes.filter((n) => n.type === 'rtmixer-config');
      const flowNodes = nodes.filter((n) => n.type !== 'rtmixer-config' && !DASHBOARD_CONFIG.has(n.type));

      it('is an exported flow: ids unique, one tab id, x/y/wires on every flow node, wires inside the file', () => {
        assert.ok(Array.isArray(nodes) && nodes.length > 0);
        const ids = new Set(nodes.map((n) => n.id));
        assert.equal(ids.size, nodes.length, 'duplicate ids');
        assert.equal(new Set(flowNodes.map((n) => n.z)).size, 1, 'all flow nodes share one z');
        assert.ok(!nodes.some((n) => n.type === 'tab'), 'no tab node: Import puts the nodes on the current tab');
        for (const n of flowNodes) {
          assert.equal(typeof n.z, 'string', `${n.id} has no z`);
          assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${n.id} has no position`);
          assert.ok(Array.isArray(n.wires), `${n.id} has no wires`);
          for (const target of n.wires.flat()) assert.ok(ids.has(target), `${n.id} is wired to ${target}, which is not in the file`);
        }
      });

      it('uses only core node types and rtmixer-* types (and Dashboard 2.0 ui-* types where its comment says it needs them)', () => {
        const needsDashboard = nodes.some((n) => n.type === 'comment' && /needs FlowFuse Dashboard 2\.0.*`@flowfuse\/node-red-dashboard`/is.test(n.info || ''));
        for (const n of nodes) {
          const allowed = coreModules.has(n.type) || n.type.startsWith('rtmixer-') || (needsDashboard && DASHBOARD_TYPES.has(n.type));
          assert.ok(allowed, `${n.id} is of type ${n.type}`);
          if (n.type.startsWith('rtmixer-')) assert.ok(fs.existsSync(path.join(root, 'nodes', `${n.type}.html`)), `${n.type} does not exist`);
        }
      });

      it('has a comment node that explains it and what to change', () => {
        const comment = nodes.find((n) => n.type === 'comment' && n.info);
        assert.ok(comment, 'no comment node with an info text');
        assert.match(comment.info, /What to change/);
      });

      it('includes the config node its rtmixer nodes use (default device)', () => {
        assert.equal(config.length, 1);
        assert.equal(config[0].device, '');
        assert.equal(config[0].hostApi, '');
        assert.equal(config[0].z, undefined, 'a global config node');
        for (const n of flowNodes.filter((x) => x.type.startsWith('rtmixer-'))) assert.equal(n.mixer, config[0].id, `${n.id} uses another mixer`);
      });

      it("sets every rtmixer node's editor settings, with the contract's names", () => {
        for (const n of nodes.filter((x) => x.type.startsWith('rtmixer-'))) {
          const keys = Object.keys(n).filter((k) => !LAYOUT_KEYS.has(k)).sort();
          assert.deepEqual(keys, Object.keys(editorDefaults(n.type)).sort(), `${n.id} (${n.type})`);
        }
      });
    });
  }

  it("start from the editor's defaults: the config node is exactly its defaults, every other setting has its default's type", () => {
    for (const e of examples) {
      for (const n of e.nodes.filter((x) => x.type.startsWith('rtmixer-'))) {
        for (const [key, def] of Object.entries(editorDefaults(n.type))) {
          if (n.type === 'rtmixer-config') assert.deepEqual(n[key], def.value, `${e.title}: the mixer's ${key}`);
          else if (key !== 'mixer') assert.equal(typeof n[key], typeof def.value, `${e.title}: ${n.id}.${key}`);
        }
      }
    }
  });

  it('share one identical config node and no other id, so importing several makes one mixer', () => {
    const configs = examples.map((e) => JSON.stringify(e.nodes.find((n) => n.type === 'rtmixer-config')));
    assert.equal(new Set(configs).size, 1);
    const ids = examples.flatMap((e) => e.nodes.filter((n) => n.type !== 'rtmixer-config').map((n) => n.id));
    assert.equal(new Set(ids).size, ids.length);
  });

  describe('in the Node-RED runtime (JACK loopback)', function () {
    useNodeRed();

    for (const example of examples) {
      it(`deploys "${example.title}" with no error or warning and opens the mixer`, async () => {
        const flow = testFlow(example);
        await loadFlow(flow);
        const configId = flow.find((n) => n.type === 'rtmixer-config').id;
        await waitForOpen(configId);
        await sleep(100);
        assert.deepEqual(problems(), []);
        for (const n of flow.filter((x) => x.type !== 'tab')) assert.ok(helper.getNode(n.id), `${n.id} did not start`);
      });
    }

    it('01 plays the tone on inject and reports the finished sound', async () => {
      const example = byTitle('01');
      await loadFlow(testFlow(example, debugToHelper(example)));
      const mixer = mixerOf('rtmixer-example-mixer');
      const take = mixer.record(Math.round(0.8 * SAMPLE_RATE), { channels: [1, 2] });
      const finished = nextMessage(idOf(example, 'debug'));
      helper.getNode(idOf(example, 'inject')).receive({});
      const msg = await finished;
      assert.equal(msg.payload.frames, 24000);
      assert.equal(msg.payload.cancelled, false);
      assert.equal(msg.payload.late, 0);
      assert.ok(Number.isInteger(msg.payload.startFrame));
      const { samples, startFrame } = await take.done;
      // The tone (peak 0.2) arrives one JACK period after it was played, on both outputs.
      for (const channel of [0, 1]) {
        const heard = column(samples, 2, channel);
        const first = heard.findIndex((v) => v !== 0);
        assert.ok(Math.abs(first - (msg.payload.startFrame - startFrame + PERIOD)) <= 1, `tone heard at ${first}`);
        const peak = heard.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        assert.ok(peak > 0.19 && peak <= 0.2001, `peak ${peak}`);
      }
    });

    it('02 clicks exactly every 24000 frames (120 BPM at 48 kHz) until stop', async () => {
      const example = byTitle('02');
      await loadFlow(testFlow(example, debugToHelper(example)));
      const mixer = mixerOf('rtmixer-example-mixer');
      const take = mixer.record(Math.round(1.4 * SAMPLE_RATE), { channels: [1] });
      helper.getNode(idOf(example, 'inject', 'start')).receive({});
      const { samples } = await take.done;
      const onsets = [];
      let silent = Infinity;
      samples.forEach((v, k) => {
        if (Math.abs(v) > 1e-3 && silent > 2000) onsets.push(k);
        silent = Math.abs(v) > 1e-3 ? 0 : silent + 1;
      });
      assert.ok(onsets.length >= 2, `clicks at ${onsets}`);
      for (let i = 1; i < onsets.length; i++) assert.equal(onsets[i] - onsets[i - 1], 24000);
      const stopped = nextMessage(idOf(example, 'debug'));
      helper.getNode(idOf(example, 'inject', 'stop')).receive({});
      const msg = await stopped;
      assert.equal(msg.payload.cancelled, true);
      assert.equal(msg.loop, true);
    });

    describe('03 with a WAV file', () => {
      let dir;
      before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-examples-'));
        // 0.5 s, stereo 16-bit: 96 KB, two chunks from the file in node.
        const wav = new WaveFile();
        const pcm = new Int16Array(24000 * 2).map((_, i) => Math.round(8000 * Math.sin(i / 20)));
        wav.fromScratch(2, SAMPLE_RATE, '16', pcm);
        fs.writeFileSync(path.join(dir, 'short.wav'), wav.toBuffer());
        process.env.RTMIXER_DEMO_WAV = path.join(dir, 'short.wav');
      });
      after(() => {
        delete process.env.RTMIXER_DEMO_WAV;
        fs.rmSync(dir, { recursive: true, force: true });
      });

      it('streams the file named by RTMIXER_DEMO_WAV to the end', async () => {
        const example = byTitle('03');
        await loadFlow(testFlow(example, debugToHelper(example)));
        const finished = nextMessage(idOf(example, 'debug'), 8000);
        helper.getNode(idOf(example, 'inject', 'play file')).receive({});
        const msg = await finished;
        assert.equal(msg.payload.frames, 24000);
        assert.equal(msg.payload.cancelled, false);
      });
    });

    describe('04 recording to a WAV file', () => {
      let dir;
      before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-examples-'))));
      after(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('records (0.5 s here, to keep the test short) and writes a WAV file the file node saves', async () => {
        const example = byTitle('04');
        const file = path.join(dir, 'take.wav');
        const changes = debugToHelper(example);
        changes[idOf(example, 'rtmixer-record')] = { duration: '0.5' };
        changes[idOf(example, 'file')] = { filename: file };
        await loadFlow(testFlow(example, changes));
        const saved = nextMessage(idOf(example, 'debug'));
        helper.getNode(idOf(example, 'inject', 'record')).receive({});
        const msg = await saved;
        assert.equal(msg.payload, `saved 0.5 s (2 channels) to ${file}`);
        const wav = new WaveFile(fs.readFileSync(file));
        assert.equal(wav.fmt.sampleRate, SAMPLE_RATE);
        assert.equal(wav.fmt.numChannels, 2);
        assert.equal(wav.bitDepth, '16');
        assert.equal(wav.getSamples(true).length, 24000 * 2);
      });
    });

    it('05 measures the loopback: the impulse arrives one JACK period later, as reported', async () => {
      const example = byTitle('05');
      await loadFlow(testFlow(example, debugToHelper(example)));
      const measured = nextMessage(idOf(example, 'debug'));
      helper.getNode(idOf(example, 'inject')).receive({});
      const msg = await measured;
      // (spread: the function node built the object in its own vm context)
      assert.deepEqual({ ...msg.payload }, {
        measuredFrames: PERIOD,
        measuredMs: Math.round((PERIOD / SAMPLE_RATE) * 1e5) / 100,
        reportedFrames: PERIOD,
        reportedMs: Math.round((PERIOD / SAMPLE_RATE) * 1e5) / 100,
        differenceFrames: 0,
        sampleRate: SAMPLE_RATE,
      });
    });

    it('06 reports the stats on request and every second', async () => {
      const example = byTitle('06');
      await loadFlow(testFlow(example, debugToHelper(example)));
      const debugId = idOf(example, 'debug');
      const snapshot = nextMessage(debugId);
      helper.getNode(idOf(example, 'inject', 'snapshot')).receive({});
      const first = await snapshot;
      assert.equal(first.payload.sampleRate, SAMPLE_RATE);
      assert.ok(Number.isInteger(first.payload.currentFrame));
      assert.equal(typeof first.payload.totals, 'object');
      assert.equal(typeof first.payload.xruns, 'number');
      const periodic = await nextMessage(debugId, 10000);
      assert.ok(periodic.payload.currentFrame > first.payload.currentFrame);
    });

    /** Resolves once the node's last status (in a statusLog()) reads `text`. */
    const shows = (log, id, text) => waitFor(`${id} status "${text}"`, () => log[id]?.at(-1)?.text === text, { timeoutMs: 20000 });

    it('08 loads three sounds at deploy and a button plays its sound, heard through the loopback', async () => {
      const example = byTitle('08');
      const log = statusLog();
      await loadFlow(testFlow(example, debugToHelper(example)));
      await shows(log, idOf(example, 'rtmixer-sampler'), '3 sounds · 0 playing');
      log.stop();
      const mixer = mixerOf('rtmixer-example-mixer');
      const take = mixer.record(Math.round(0.6 * SAMPLE_RATE), { channels: [1] });
      const ended = nextMessage(idOf(example, 'debug'));
      helper.getNode(idOf(example, 'inject', 'button: blip')).receive({ payload: Date.now(), topic: 'blip' });
      const msg = await ended;
      assert.equal(msg.topic, 'blip');
      assert.deepEqual({ ...msg.payload, startFrame: 0 }, { startFrame: 0, frames: 4800, late: 0, cancelled: false, closed: false });
      const { samples, startFrame } = await take.done;
      const at = msg.payload.startFrame - startFrame + PERIOD;
      assert.equal(samples[at - 1], 0, 'silence before the blip');
      assert.ok(samples.subarray(at, at + 4800).some((v) => Math.abs(v) > 0.2), 'the blip is heard');
    });

    describe('09 with a folder of sounds', () => {
      let dir;
      before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-examples-'));
        writeSoundFolder(dir, 44100); // resampled to the mixer's 48 kHz as they load
        fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a sound');
        process.env.RTMIXER_SOUNDS_DIR = dir;
      });
      after(() => {
        delete process.env.RTMIXER_SOUNDS_DIR;
        fs.rmSync(dir, { recursive: true, force: true });
      });

      it('loads every sound file of RTMIXER_SOUNDS_DIR by message, then plays one by name', async () => {
        const example = byTitle('09');
        const log = statusLog();
        await loadFlow(testFlow(example, debugToHelper(example)));
        const loaded = [];
        helper.getNode(idOf(example, 'debug', 'loaded')).on('input', (m) => loaded.push(m.topic));
        helper.getNode(idOf(example, 'inject', 'load folder')).receive({ folder: dir });
        await waitFor('three sounds loaded', () => loaded.length === 3, { timeoutMs: 20000 });
        assert.deepEqual(loaded.sort(), ['high', 'low', 'mid']);
        await shows(log, idOf(example, 'rtmixer-sampler'), '3 sounds · 0 playing');
        log.stop();
        const ended = nextMessage(idOf(example, 'debug', 'voice ended'));
        helper.getNode(idOf(example, 'inject', 'play high')).receive({ payload: Date.now(), topic: 'high' });
        const msg = await ended;
        assert.equal(msg.topic, 'high');
        assert.equal(msg.payload.cancelled, false);
        assert.ok(Math.abs(msg.payload.frames - 0.4 * SAMPLE_RATE) <= 2, `0.4 s at 48 kHz: ${msg.payload.frames} frames`);
      });
    });

    it('npm start deploys every example on its own tab, all on one mixer', async () => {
      const flows = demoFlows({ config: { hostApi: 'JACK', device: 'system' } });
      const tabs = flows.filter((n) => n.type === 'tab');
      assert.deepEqual(tabs.map((t) => t.label), examples.map((e) => e.title));
      assert.equal(flows.filter((n) => n.type === 'rtmixer-config').length, 1);
      for (const n of flows.filter((x) => x.type !== 'tab' && x.type !== 'rtmixer-config' && !DASHBOARD_CONFIG.has(x.type))) assert.ok(tabs.some((t) => t.id === n.z), `${n.id} is on no tab`);
      await loadFlow(withoutDashboard(flows));
      await waitForOpen('rtmixer-example-mixer');
      await sleep(100);
      assert.deepEqual(problems(), []);
    });
  });

  it("npm start's demo melody is a 3 s stereo WAV file", () => {
    const file = path.join(os.tmpdir(), `rtmixer-melody-${process.pid}.wav`);
    try {
      assert.equal(writeMelody(file, 48000), 3);
      const wav = new WaveFile(fs.readFileSync(file));
      assert.equal(wav.fmt.numChannels, 2);
      assert.equal(wav.fmt.sampleRate, 48000);
      const samples = wav.getSamples(true);
      assert.equal(samples.length, 3 * 48000 * 2);
      assert.ok(samples.some((v) => Math.abs(v) > 5000));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
