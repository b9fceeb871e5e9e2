#!/usr/bin/env node
// Builds the development addon (binding.gyp target rtmixer_dev: the shipped
// code plus test hooks and bench kernels) unless it is there and newer than
// every native source. `npm test` and `npm run bench` load it through
// RTMIXER_DEV_ADDON=1; a clean `npm ci` (or prebuildify) builds only the shipped one.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dev = path.join(root, 'build', 'Release', 'dev', 'rtmixer_dev.node');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const sources = Math.max(newestSource(path.join(root, 'native')), fs.statSync(path.join(root, 'binding.gyp')).mtimeMs);
if (fs.existsSync(dev) && fs.statSync(dev).mtimeMs >= sources) process.exit(0);
console.log('Building the native addons (shipped and development)…');
// npm runs scripts with its bundled node-gyp named in npm_config_node_gyp
const gyp = process.env.npm_config_node_gyp;
if (gyp) execFileSync(process.execPath, [gyp, 'rebuild', '--rtmixer-dev=yes'], { cwd: root, stdio: 'inherit' });
else execFileSync('node-gyp', ['rebuild', '--rtmixer-dev=yes'], { cwd: root, stdio: 'inherit' });
