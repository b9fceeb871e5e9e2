// Runs flows in the real Node-RED runtime (node-red-node-test-helper) against
// the compiled nodes in dist/ — what ships — on the test JACK dummy server.
'use strict';
const helper = require('node-red-node-test-helper');
const path = require('node:path');
const { wireLoopback } = require('./jack-server');

helper.init(require.resolve('node-red'));

/** Every rtmixer node module, as Node-RED loads them (from package.json's node-red section). */
const rtmixerNodes = Object.values(require('../../package.json')['node-red'].nodes)
  .map((file) => require(path.join(__dirname, '..', '..', file)));

/** A config node on the JACK dummy server's "system" device. */
function mixerConfig(extra = {}) {
  return { id: 'mixer', type: 'rtmixer-config', name: 'test mixer', hostApi: 'JACK', device: 'system', ...extra };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads `flow` (with the core nodes it uses: helper, catch, status, complete…
 * are built in), then wires our JACK outputs to our inputs so that what a
 * flow plays is what it records, one period later.
 */
async function loadFlow(flow, { loopback = true, credentials } = {}) {
  await helper.load(rtmixerNodes, flow, credentials);
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
function nextMessage(nodeId, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const node = helper.getNode(nodeId);
    const timer = setTimeout(() => reject(new Error(`${nodeId} received no message in ${timeoutMs} ms`)), timeoutMs);
    node.once('input', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Standard hooks for a describe() of node tests. */
function useNodeRed() {
  before((done) => helper.startServer(done));
  after((done) => helper.stopServer(done));
  afterEach(() => helper.unload());
}

module.exports = { helper, rtmixerNodes, mixerConfig, loadFlow, mixerOf, nextMessage, sleep, useNodeRed };
