// Starts the real Node-RED (the devDependency) as a child process on loopback,
// with a throwaway user directory, for what the in-process test helper cannot
// show: adminAuth, the palette's module loading, examples. Stopped by its pid.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { resolveFromNodeRed } = require('./node-red-runtime');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `modules`: package directories to make visible in userDir/node_modules (as
 * symlinks), `settings`: extra settings.js properties (JSON-serialisable),
 * `env`: extra environment variables for Node-RED, `cwd`: its working directory,
 * `globalModules`: { name: module path } required into functionGlobalContext,
 * so function nodes can reach them through global.get(name).
 */
async function startNodeRed({ userDir, modules = [], settings = {}, flows = [], env = {}, cwd, globalModules = {}, timeoutMs = 120000 } = {}) {
  userDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-nr-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  for (const dir of modules) {
    const name = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
    const link = path.join(userDir, 'node_modules', name);
    if (!fs.existsSync(link)) fs.symlinkSync(dir, link, 'dir');
  }
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  const port = await freePort();
  const all = { uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', credentialSecret: false, logging: { console: { level: 'info' } }, ...settings };
  const requires = Object.entries(globalModules).map(([name, file]) => `${JSON.stringify(name)}: require(${JSON.stringify(file)})`);
  const globals = requires.length ? `module.exports.functionGlobalContext = { ${requires.join(', ')} };\n` : '';
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(all, null, 2)};\n${globals}`);
  const red = resolveFromNodeRed('node-red/red.js');
  const child = spawn(process.execPath, [red, '-u', userDir, '-s', path.join(userDir, 'settings.js')], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', ...env },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: a stray Node-RED would keep the test run from ending.
      child.kill('SIGKILL');
      reject(new Error(`Node-RED did not start in ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const check = () => {
      if (/Started flows|Server now running/.test(log)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${log}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    userDir,
    pid: child.pid,
    log: () => log,
    /** fetch() against the admin API, JSON by default. */
    request(route, options = {}) {
      return fetch(url + route, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
    },
    /**
     * SIGINT (Node-RED stops its flows), SIGKILL after `graceMs`. Resolves
     * true if it stopped by itself in time, false if it had to be killed.
     */
    stop({ graceMs = 10000 } = {}) {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', (_code, signal) => {
          clearTimeout(timer);
          resolve(signal !== 'SIGKILL');
        });
        child.kill('SIGINT');
      });
    },
  };
}

module.exports = { startNodeRed, freePort };
