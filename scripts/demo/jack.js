// The demo's private JACK server: `jackd -n rtmixer-demo -d dummy` (no sound
// card needed), stopped by the process id it was started with, and a watcher
// that wires every PortAudio client's outputs to its inputs (out_i -> in_i)
// so that the latency example hears what it plays. The server itself comes
// from tools/jack-server.js, as the tests' and benchmarks' do.
'use strict';
const { spawnSync } = require('node:child_process');
const { startJackServer: startServer, serverRunning, SAMPLE_RATE } = require('../../tools/jack-server');

const SERVER = 'rtmixer-demo';
const PERIOD = 256;

/**
 * Starts the server (real-time scheduling if allowed) through the test
 * suite's helper, detached: a Ctrl-C in the terminal reaches Node-RED (which
 * closes its stream) but not jackd, which is stopped after Node-RED has exited.
 * Returns { name, pid, sampleRate, period, command, reused, stop() }.
 */
function startJackServer(name = SERVER) {
  if (spawnSync('sh', ['-c', 'command -v jackd && command -v jack_lsp && command -v jack_connect'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('jackd is not installed: run "sudo apt-get install jackd2" (or plug in a sound card)');
  }
  if (serverRunning(name)) {
    // Left over from an earlier demo that did not stop cleanly: use it, leave it running.
    return { name, pid: undefined, sampleRate: undefined, period: undefined, command: '(already running)', reused: true, stop() {} };
  }
  return { ...startServer({ name, period: PERIOD, detached: true }), reused: false };
}

// Never let a client call start a server of its own (libjack would, from ~/.jackdrc).
const clientEnv = { ...process.env, JACK_NO_START_SERVER: '1' };

function lsp(server, ...args) {
  const r = spawnSync('jack_lsp', ['-s', server, ...args], { encoding: 'utf8', timeout: 5000, env: clientEnv });
  return r.status === 0 ? r.stdout : '';
}

/** [port, [connected ports]] for every port of the server. */
function ports(server) {
  const result = new Map();
  let current;
  for (const line of lsp(server, '-c').split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) result.get(current)?.push(line.trim());
    else result.set((current = line.trim()), []);
  }
  return result;
}

/**
 * Every `intervalMs`, connects each PortAudio client's out_i to its in_i where
 * that connection is missing (a redeploy opens a new client). Calls
 * `onWire(from, to)` for each new connection. Returns { stop() }.
 */
function watchLoopback(server, { intervalMs = 1000, onWire = () => {} } = {}) {
  const tick = () => {
    const all = ports(server);
    for (const [port, peers] of all) {
      const m = /^(.*):out_(\d+)$/.exec(port);
      if (!m || m[1] === 'system') continue;
      const input = `${m[1]}:in_${m[2]}`;
      if (!all.has(input) || peers.includes(input)) continue;
      const r = spawnSync('jack_connect', ['-s', server, port, input], { stdio: 'ignore', timeout: 5000, env: clientEnv });
      if (r.status === 0) onWire(port, input);
    }
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return { stop: () => clearInterval(timer) };
}

module.exports = { startJackServer, watchLoopback, SERVER, SAMPLE_RATE, PERIOD };
