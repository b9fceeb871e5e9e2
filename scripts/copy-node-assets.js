#!/usr/bin/env node
// Node-RED loads a node's editor file (.html) from beside its .js, icons from
// an icons/ folder and strings and help from locales/ beside it: copy them
// next to the compiled nodes.
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
// Message catalogues and help, as Node-RED looks for them: locales/<lang>/<node>.{json,html} beside the .js.
fs.cpSync(path.join(root, 'nodes', 'locales'), path.join(target, 'locales'), { recursive: true });
for (const file of fs.readdirSync(path.join(root, 'icons'))) {
  fs.copyFileSync(path.join(root, 'icons', file), path.join(target, 'icons', file));
}
