// The demo's private JACK server: `jackd -n rtmixer-demo -d dummy` (no sound
// card needed), stopped by the process id it was started with, and a watcher
// that wires every PortAudio client's outputs to its inputs (out_i -> in_i)
// so that the latency example hears what it plays. Same approach as
// test/helpers/jack-server.js.
'use strict';
const { spawn, spawnSync } = require('node:child_process');

const SERVER = 'rtmixer-demo';
const SAMPLE_RATE = 48000;
const PERIOD = 256;

function running(name) {
  const r = spawnSync('jack_wait', ['-s', name, '-c'], { encoding: 'utf8', env: { ...process.env, JACK_NO_START_SERVER: '1' } });
  return r.status === 0 && /running/.test(r.stdout) && !/not running/.test(r.stdout);
}

function waitForServer(name, timeoutSeconds) {
  const r = spawnSync('jack_wait', ['-s', name, '-w', '-t', String(timeoutSeconds)], { encoding: 'utf8' });
  return r.status === 0 && /available/.test(r.stdout);
}

function startOnce(name, realtime) {
  const args = ['-n', name, realtime ? '-R' : '--no-realtime', '-d', 'dummy', '-r', String(SAMPLE_RATE), '-p', String(PERIOD), '-C', '2', '-P', '2'];
  // Detached: a Ctrl-C in the terminal reaches Node-RED (which closes its
  // stream) but not jackd, which is stopped after Node-RED has exited.
  const child = spawn('jackd', args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.on('error', (err) => (stderr += err.message));
  if (waitForServer(name, 10) && child.exitCode === null) {
    child.stderr.destroy();
    return { child, args };
  }
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  return { error: stderr.trim().split('\n').slice(-3).join(' | ') };
}

/**
 * Starts the server (real-time scheduling if allowed). Returns
 * { name, pid, sampleRate, period, command, reused, stop() }.
 */
function startJackServer(name = SERVER) {
  if (spawnSync('sh', ['-c', 'command -v jackd && command -v jack_lsp && command -v jack_connect'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('jackd is not installed: run "sudo apt-get install jackd2" (or plug in a sound card)');
  }
  if (running(name)) {
    // Left over from an earlier demo that did not stop cleanly: use it, leave it running.
    return { name, pid: undefined, sampleRate: undefined, period: undefined, command: '(already running)', reused: true, stop() {} };
  }
  let started = startOnce(name, true);
  if (!started.child) started = startOnce(name, false);
  if (!started.child) throw new Error(`could not start "jackd -n ${name} -d dummy": ${started.error || 'no output'}`);
  const { child } = started;
  child.unref();
  return {
    name,
    pid: child.pid,
    sampleRate: SAMPLE_RATE,
    period: PERIOD,
    command: `jackd ${started.args.join(' ')}`,
    reused: false,
    stop() {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
    },
  };
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
