// Which Node-RED the node and package tests run: the devDependency (the Node 20
// + Node-RED 4.1 line), or the package directory RTMIXER_TEST_NODE_RED names
// (scripts/test-node22.sh points it at its Node-RED 5). Everything the tests
// take from Node-RED (the runtime, @node-red/util's events, the core nodes, the
// palette's npm) is resolved from that directory, so one run never mixes two.
'use strict';
const path = require('node:path');

const dir = process.env.RTMIXER_TEST_NODE_RED
  ? path.resolve(process.env.RTMIXER_TEST_NODE_RED)
  : path.dirname(require.resolve('node-red/package.json'));

/** require.resolve() as seen from that Node-RED (its own dependencies first). */
function resolveFromNodeRed(request) {
  return require.resolve(request, { paths: [dir] });
}

module.exports = {
  nodeRedDir: dir,
  nodeRedVersion: require(path.join(dir, 'package.json')).version,
  resolveFromNodeRed,
  requireFromNodeRed: (request) => require(resolveFromNodeRed(request)),
};
