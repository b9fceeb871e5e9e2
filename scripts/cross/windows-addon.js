#!/usr/bin/env node
'use strict';
// Cross-compiles the addon for win32-x64 with mingw-w64, from the same source
// list, include folders, defines and flags as binding.gyp's "rtmixer" target
// (node-gyp cannot drive a cross compiler for Windows). N-API functions live
// in node.exe: they are linked through an import library made from
// node-api-headers' node_api.def. The C and C++ runtimes (libgcc, libstdc++,
// winpthreads) are linked statically, so the .node needs only node.exe and
// DLLs every Windows has.
//
//   node scripts/cross/windows-addon.js <output.node>
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const triple = 'x86_64-w64-mingw32';
const cc = process.env.RTMIXER_MINGW_CC || `${triple}-gcc-posix`;
const cxx = process.env.RTMIXER_MINGW_CXX || `${triple}-g++-posix`;

function fail(message) {
  console.error(`windows-addon: ${message}`);
  process.exit(1);
}

/** binding.gyp is JSON plus gyp's # comments and trailing commas. */
function readGyp() {
  const text = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, ''))
    .join('\n')
    .replace(/,(\s*[\]}])/g, '$1');
  const gyp = JSON.parse(text);
  const target = gyp.targets.find((t) => t.target_name === 'rtmixer');
  if (!target) fail('binding.gyp has no "rtmixer" target');
  // target_defaults, then the target's own settings, then the OS=='win'
  // conditions of both (defines, cflags).
  const layers = [gyp.target_defaults || {}, target];
  const win = layers.flatMap((l) => (l.conditions || []).filter(([cond]) => /^\s*OS\s*==\s*['"]win['"]\s*$/.test(cond)).map(([, s]) => s));
  const merged = (key) => [...layers, ...win].flatMap((l) => l[key] || []);
  return { sources: merged('sources'), includeDirs: merged('include_dirs'), defines: merged('defines'), cflags: merged('cflags'), cflagsC: merged('cflags_c'), cflagsCc: merged('cflags_cc') };
}

/** gyp's <!(command) expansion, run from the package root as gyp does. */
function expand(entry) {
  const m = /^<!\((.*)\)$/.exec(entry);
  return m ? execFileSync('sh', ['-c', m[1]], { cwd: root, encoding: 'utf8' }).trim() : entry;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function main() {
  const out = process.argv[2];
  if (!out) fail('usage: windows-addon.js <output.node>');
  for (const tool of [cc, cxx, `${triple}-dlltool`]) {
    try { execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }); } catch { fail(`${tool} not found: sudo apt-get install g++-mingw-w64-x86-64-posix`); }
  }
  const headers = path.dirname(require.resolve('node-api-headers/package.json', { paths: [root] }));
  const gyp = readGyp();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-win-'));
  try {
    const includes = [...gyp.includeDirs.map(expand), path.join(headers, 'include')].map((d) => `-I${path.resolve(root, d)}`);
    const defines = gyp.defines.map((d) => `-D${d}`);
    const jobs = gyp.sources.map((src, i) => {
      const isC = src.endsWith('.c');
      const obj = path.join(work, `${i}-${path.basename(src)}.o`);
      const flags = [...gyp.cflags, ...(isC ? gyp.cflagsC : gyp.cflagsCc)];
      return { obj, cmd: isC ? cc : cxx, args: [...flags, ...defines, ...includes, '-c', path.join(root, src), '-o', obj] };
    });
    // As many compilers at once as there are cores.
    const queue = [...jobs];
    await Promise.all(Array.from({ length: Math.max(1, os.availableParallelism?.() ?? os.cpus().length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await run(job.cmd, job.args);
    }));
    const importLib = path.join(work, 'libnode_api.a');
    execFileSync(`${triple}-dlltool`, ['-d', path.join(headers, 'def', 'node_api.def'), '-l', importLib, '-D', 'node.exe'], { stdio: 'inherit' });
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    await run(cxx, ['-shared', '-s', '-o', path.resolve(out), ...jobs.map((j) => j.obj), importLib,
      '-static-libgcc', '-static-libstdc++', '-Wl,-Bstatic', '-lwinpthread', '-Wl,-Bdynamic', '-Wl,--no-undefined']);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => fail(err.message));
