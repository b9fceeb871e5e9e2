#!/usr/bin/env node
// Node-RED loads a node's editor file (.html) from beside its .js, and icons
// from an icons/ folder beside it: copy both next to the compiled nodes.
// With --clean, empties dist/ instead (run before tsc).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const target = path.join(root, 'dist', 'nodes');
if (process.argv.includes('--clean')) {
  // Before compiling: no stale output from renamed or deleted sources ships.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  process.exit(0);
}
fs.mkdirSync(path.join(target, 'icons'), { recursive: true });
for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
  if (file.endsWith('.html')) fs.copyFileSync(path.join(root, 'nodes', file), path.join(target, file));
}
for (const file of fs.readdirSync(path.join(root, 'icons'))) {
  fs.copyFileSync(path.join(root, 'icons', file), path.join(target, 'icons', file));
}
