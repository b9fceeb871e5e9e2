// Reads a node's editor file (nodes/<type>.html) the way the Flow Library's
// scorecard does: the registerType() options object must be a literal, so it
// can be evaluated on its own with a stub RED. The tests check the editor files
// and the examples' settings against it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const NODES = path.join(__dirname, '..', '..', 'nodes');

/**
 * The options object passed to RED.nodes.registerType() in nodes/<type>.html.
 * `configNodes`: the config nodes the stub RED.nodes.eachConfig() lists (for onadd).
 */
function editorRegistration(type, configNodes = []) {
  const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
  const call = html.indexOf('RED.nodes.registerType(');
  if (call < 0) throw new Error(`nodes/${type}.html does not call RED.nodes.registerType`);
  const start = html.indexOf('{', call);
  let depth = 0;
  let end = start;
  for (; end < html.length; end++) {
    if (html[end] === '{') depth++;
    else if (html[end] === '}' && --depth === 0) break;
  }
  const validator = () => () => true;
  const RED = { validators: { regex: validator, number: validator, typedInput: validator }, nodes: { eachConfig: (fn) => configNodes.forEach(fn) } };
  // $ finds no element: validators then read the node's saved settings (this).
  return new Function('RED', '$', `return (${html.slice(start, end + 1)});`)(RED, () => ({ length: 0 }));
}

/** The `defaults` object of a node's editor file: { setting: { value, … } }. */
function editorDefaults(type) {
  return editorRegistration(type).defaults;
}

module.exports = { editorRegistration, editorDefaults };
