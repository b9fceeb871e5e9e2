'use strict';
// The node tests run in the Node-RED they say they run in: the devDependency,
// or the one RTMIXER_TEST_NODE_RED names (the Node 22 + Node-RED 5 line), and
// that Node-RED accepts the Node.js it runs on.
const assert = require('node:assert/strict');
const semver = require('semver');
const { useNodeRed } = require('../helpers/node-red');
const { nodeRedDir, nodeRedVersion } = require('../helpers/node-red-runtime');

describe(`Node-RED runtime under test (${nodeRedVersion} on Node ${process.versions.node})`, () => {
  useNodeRed();

  it('is the Node-RED the run asked for, on a Node.js it supports, in the range package.json declares', () => {
    const nodeRedPackage = require(`${nodeRedDir}/package.json`);
    // The runtime the test helper started (the same module instance) reports that version.
    assert.equal(require(require.resolve(nodeRedDir)).version().replace(/-git$/, ''), nodeRedVersion);
    assert.ok(semver.satisfies(process.versions.node, nodeRedPackage.engines.node), `Node-RED ${nodeRedVersion} wants Node ${nodeRedPackage.engines.node}`);
    const ours = require('../../package.json');
    assert.ok(semver.satisfies(nodeRedVersion, ours['node-red'].version), `package.json's node-red.version ${ours['node-red'].version} covers ${nodeRedVersion}`);
    assert.ok(semver.satisfies(process.versions.node, ours.engines.node), `package.json's engines.node ${ours.engines.node} covers ${process.versions.node}`);
  });
});
