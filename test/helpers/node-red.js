// Runs flows in the real Node-RED runtime (node-red-node-test-helper) against
// the compiled nodes in dist/ — what ships — on the test JACK dummy server.
'use strict';
const helper = require('node-red-node-test-helper');
const fs = require('node:fs');
const path = require('node:path');
const { wireLoopback } = require('../../tools/jack-server');
const { nodeRedDir, resolveFromNodeRed, requireFromNodeRed } = require('./node-red-runtime');

const { events } = requireFromNodeRed('@node-red/util');
helper.init(require.resolve(nodeRedDir));

/** Every rtmixer node module, as Node-RED loads them (from package.json's node-red section). */
const rtmixerNodes = Object.values(require('../../package.json')['node-red'].nodes)
  .map((file) => require(path.join(__dirname, '..', '..', file)));

/**
 * Every core node type -> the module that registers it. The test helper
 * registers only its own 'helper' type: loadFlow() loads the core modules a
 * flow uses.
 */
const coreModules = (() => {
  const dir = path.dirname(resolveFromNodeRed('@node-red/nodes/package.json'));
  const map = new Map();
  for (const group of fs.readdirSync(path.join(dir, 'core'))) {
    for (const file of fs.readdirSync(path.join(dir, 'core', group))) {
      if (!file.endsWith('.js')) continue;
      const full = path.join(dir, 'core', group, file);
      for (const m of fs.readFileSync(full, 'utf8').matchAll(/registerType\(\s*["']([^"']+)["']/g)) map.set(m[1], full);
    }
  }
  return map;
})();

/** A config node on the JACK dummy server's "system" device. */
function mixerConfig(extra = {}) {
  return { id: 'mixer', type: 'rtmixer-config', name: 'test mixer', hostApi: 'JACK', device: 'system', ...extra };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads `flow` with the core node modules it uses, then wires our JACK outputs
 * to our inputs so that what a flow plays is what it records, one period later.
 */
async function loadFlow(flow, { loopback = true, credentials } = {}) {
  const core = new Set(flow.filter((n) => coreModules.has(n.type)).map((n) => require(coreModules.get(n.type))));
  await helper.load([...core, ...rtmixerNodes], flow, credentials);
  if (loopback && flow.some((n) => n.type === 'rtmixer-config')) {
    wireLoopback();
    await sleep(50);
  }
}

/** The config node's Mixer, for tests that check timing against its clock. */
function mixerOf(id = 'mixer') {
  return helper.getNode(id).mixer();
}

/** Resolves with the next message `nodeId` receives (a helper node). */
function nextMessage(nodeId, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const node = helper.getNode(nodeId);
    const timer = setTimeout(() => reject(new Error(`${nodeId} received no message in ${timeoutMs} ms`)), timeoutMs);
    node.once('input', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Every message a helper node receives from now on (through `map`). */
function collect(nodeId, map = (msg) => msg) {
  const list = [];
  helper.getNode(nodeId).on('input', (msg) => list.push(map(msg)));
  return list;
}

/** Every status any node sets from now on (constructor statuses included), by node id; `stop()` ends it. */
function statusLog() {
  const log = {};
  const listener = ({ id, status }) => (log[id] ??= []).push(status);
  events.on('node-status', listener);
  log.stop = () => events.removeListener('node-status', listener);
  return log;
}

/** Standard hooks for a describe() of node tests. */
function useNodeRed() {
  // The helper's start/stopServer return promises (a callback as well would be
  // "overspecified" to mocha).
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());
}

// The frame every node test's flow sits in. Flow nodes need x/y (without them
// the runtime treats a node as a config node), and an id that is not also a
// type name (the runtime would take a node of type 'catch' to reference the
// node with id 'catch').
const tab = { id: 't1', type: 'tab' };
const at0 = { z: 't1', x: 100, y: 100 };
const flowFrame = {
  tab,
  at0,
  out: { id: 'out', type: 'helper', ...at0 },
  catcher: { id: 'catcher', type: 'catch', ...at0, scope: null, uncaught: false, wires: [['caught']] },
  caught: { id: 'caught', type: 'helper', ...at0 },
};

/** An rtmixer-play-buffer node (id 'play', mixer 'mixer', wired to 'out') at its editor defaults, with `extra` over them. */
function playBufferNode(extra = {}) {
  return {
    id: 'play', type: 'rtmixer-play-buffer', ...at0, name: '', mixer: 'mixer', outputChannels: '', gain: '1', format: 'float32',
    channels: '', mode: 'mix', fadeIn: '', fadeOut: '', resample: true, wires: [['out']], ...extra,
  };
}

module.exports = { flowFrame, playBufferNode, helper, coreModules, rtmixerNodes, mixerConfig, loadFlow, mixerOf, nextMessage, collect, statusLog, sleep, useNodeRed };
