// The demo's flows: every example of examples/ on its own tab, all sharing the
// examples' one rtmixer-config node (optionally pointed at another device).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** [{ title, file, nodes }] in menu order. */
function readExamples(dir = EXAMPLES) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ title: file.replace(/\.json$/, ''), file: path.join(dir, file), nodes: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

/**
 * One tab per example (the tab id is the `z` its nodes already carry). Config
 * nodes with the same id are kept once; `config` fields are merged into every
 * rtmixer-config node (e.g. { hostApi: 'JACK', device: 'system' }).
 */
function demoFlows({ config = {}, dir = EXAMPLES } = {}) {
  const flows = [];
  const seen = new Set();
  for (const example of readExamples(dir)) {
    const tab = example.nodes.find((n) => n.z)?.z;
    flows.push({ id: tab, type: 'tab', label: example.title, disabled: false, info: example.nodes.find((n) => n.type === 'comment')?.info ?? '' });
    for (const node of example.nodes) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      flows.push(node.type === 'rtmixer-config' ? { ...node, ...config } : { ...node });
    }
  }
  return flows;
}

module.exports = { readExamples, demoFlows, EXAMPLES };
