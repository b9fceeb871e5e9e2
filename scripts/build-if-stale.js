#!/usr/bin/env node
// Runs `npm run build` only when a source is newer than the last build's
// output (dist/src/index.js, written by every full build), so `npm run
// test:unit` starts its tests at once when nothing changed.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', 'src', 'index.js');

function newest(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const sources = ['src', 'nodes', 'icons', 'tsconfig.json', 'scripts/copy-node-assets.js'].map((p) => path.join(root, p)).filter((p) => fs.existsSync(p));
const stale = !fs.existsSync(built) || Math.max(...sources.map(newest)) > fs.statSync(built).mtimeMs;
if (stale) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
