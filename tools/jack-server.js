// Starts a private JACK server on the dummy driver for the whole test run, so
// tests get a real PortAudio stream on machines without a sound card and never
// touch a user's own JACK server. Stopped by its process id.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');

const SAMPLE_RATE = 48000;
const PERIOD = 64;

const os = require('node:os');
const path = require('node:path');

// JACK's client timeout (-t, ms). Left out, it is two periods (2.7 ms at -p 64),
// and the server waits ten of those (27 ms) for a client's activation or
// deactivation to take effect before failing it: on a loaded machine a new
// PortAudio stream then fails to start, or PortAudio finds no JACK at all. The
// dummy driver's own clock does not depend on it; it only bounds how long the
// server waits for clients.
const CLIENT_TIMEOUT_MS = 2000;
// How long a server may take to answer after its start: generous, for a loaded machine.
const START_DEADLINE_MS = 30000;
// How long to wait for a free pool name while other runs hold all of them.
const POOL_WAIT_MS = 10 * 60 * 1000;

const HAS_SETPRIV = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

/** Where the server we start under `name` writes its messages (a test failure prints what it logged meanwhile). */
function serverLogFile(name) {
  return path.join(LOG_DIR, `${name}.${process.pid}.log`);
}

const LOG_DIR = path.join(os.tmpdir(), 'rtmixer-jackd-logs');
fs.mkdirSync(LOG_DIR, { recursive: true });
// Logs of earlier runs are kept a day (a failure can be read after the run), then removed.
for (const file of fs.readdirSync(LOG_DIR)) {
  try {
    if (Date.now() - fs.statSync(path.join(LOG_DIR, file)).mtimeMs > 24 * 3600 * 1000) fs.rmSync(path.join(LOG_DIR, file), { force: true });
  } catch { /* another run removed it */ }
}

function readLog(name) {
  try { return fs.readFileSync(serverLogFile(name), 'utf8'); } catch { return ''; }
}

function startOnce(name, realtime, period, detached) {
  const args = ['-n', name, realtime ? '-R' : '--no-realtime', '-t', String(CLIENT_TIMEOUT_MS), '-d', 'dummy', '-r', String(SAMPLE_RATE), '-p', String(period), '-C', '2', '-P', '2'];
  // Under `setpriv --pdeathsig` the server gets SIGTERM when this process dies,
  // even by SIGKILL or a timeout, so a killed test run leaves no server behind.
  const [command, prefix] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'SIGTERM', 'jackd']] : ['jackd', []];
  // Its output goes to a file, not a pipe: a pipe nobody reads fills up, or,
  // once closed, fails the server's next message (an xrun report under load).
  const log = serverLogFile(name);
  const fd = fs.openSync(log, 'w');
  let child;
  try {
    child = spawn(command, [...prefix, ...args], { detached, stdio: ['ignore', fd, fd], env: { ...process.env, JACK_NO_AUDIO_RESERVATION: '1' } });
  } finally {
    fs.closeSync(fd);
  }
  // A missing jackd is reported by the caller, from the log and the exit.
  child.on('error', (err) => fs.appendFileSync(log, `${err.message}\n`));
  if (waitForOurServer(name, child.pid)) return { child, log, command: `jackd ${args.join(' ')}` };
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  return null;
}

/**
 * Polls until the server under `name` answers and is ours: the process we
 * started holds the server's socket. jack_wait alone also answers for another
 * run's server under the same name (two runs can pick the same free name at
 * once; ours then exits with "server already active", but not at once on a
 * loaded machine). False as soon as ours has exited (say, real-time scheduling
 * refused), or after START_DEADLINE_MS. Synchronous: the root hook and the
 * benchmarks call it before any event loop work.
 */
function waitForOurServer(name, pid) {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (!alive(pid)) return false;
    if (serverRunning(name) && holdsServerSocket(pid, name)) return true;
    spawnSync('sleep', ['0.1']);
  }
  return false;
}

/**
 * Whether process `pid` holds the listening socket of the JACK server `name`
 * (/dev/shm/jack_NAME_UID_0, found by inode in /proc/net/unix). Where /proc
 * cannot tell (not Linux), trusts that the process is still alive a moment later.
 */
function holdsServerSocket(pid, name) {
  let table;
  try {
    table = fs.readFileSync('/proc/net/unix', 'utf8');
  } catch {
    spawnSync('sleep', ['0.5']);
    return alive(pid);
  }
  const dir = process.env.JACK_TMP_DIR || '/dev/shm';
  const socketPath = `${dir}/jack_${name}_${process.getuid ? process.getuid() : 0}_0`;
  const inodes = new Set(table.split('\n').filter((line) => line.endsWith(` ${socketPath}`)).map((line) => `socket:[${line.trim().split(/\s+/)[6]}]`));
  if (inodes.size === 0) return false;
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try { return inodes.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)); } catch { return false; }
    });
  } catch {
    return false;
  }
}

/** Alive and not a zombie. */
function alive(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}

/** A server answering under `name` right now (jack_wait -c checks without waiting). */
function serverRunning(name) {
  // A wedged server can leave jack_wait hanging: no answer in 5 s counts as taken.
  const r = spawnSync('jack_wait', ['-s', name, '-c'], { encoding: 'utf8', timeout: 5000 });
  if (r.error) return true;
  return r.status === 0 && /running/.test(r.stdout) && !/not running/.test(r.stdout);
}

// JACK2 keeps a machine-wide registry of 8 server slots in /dev/shm and frees a
// dead server's slot only when a new server starts under the same name. Names
// made unique per run (or per purpose) would fill it for good ("Too many servers
// already active"), so every test and benchmark server takes the first free
// name of the same few, and at most these few slots are ever ours.
const NAME_SLOTS = 4;
const POOL = Array.from({ length: NAME_SLOTS }, (_, i) => `rtmixer-test-${i}`);

/**
 * A pool name no server runs under now, for a test that starts its server
 * later; waits up to `waitMs` while other runs on this machine hold them all.
 */
function freeServerName({ waitMs = POOL_WAIT_MS } = {}) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const name = POOL.find((candidate) => !serverRunning(candidate));
    if (name) return name;
    if (Date.now() >= deadline) throw new Error(`Every JACK test server name is taken (${POOL.join(', ')})`);
    spawnSync('sleep', ['2']);
  }
}

/**
 * Starts `jackd -n NAME -d dummy`, real-time if allowed, under `name` (one
 * from freeServerName(), or the demo's own) or the first free pool name. Sets JACK_DEFAULT_SERVER. `detached` puts it in
 * its own process group (a Ctrl-C in a terminal then reaches only its parent).
 */
function startJackServer({ name, period = PERIOD, detached = false, waitForNameMs = POOL_WAIT_MS } = {}) {
  const names = name ? [name] : POOL;
  const deadline = Date.now() + (name ? 0 : waitForNameMs);
  let noted = false;
  for (;;) {
    let failed = null;
    for (const candidate of names) {
      if (serverRunning(candidate)) continue;
      const server = startOnce(candidate, true, period, detached) || startOnce(candidate, false, period, detached);
      if (server) return started(candidate, server, period);
      // Another run may have taken the name a moment before us: try the next.
      if (!/already active/.test(readLog(candidate))) failed = candidate;
    }
    if (failed) {
      throw new Error(`Could not start a JACK dummy server (jackd -d dummy) under ${failed}: is jackd2 installed? It said:\n${readLog(failed)}`);
    }
    if (Date.now() >= deadline) throw new Error(`Every JACK test server name is taken (${names.join(', ')}): other test runs are using them`);
    // Other runs on this machine hold every name: wait for one to end.
    if (!noted) console.error(`JACK test server names ${names.join(', ')} are all in use; waiting up to ${Math.round(waitForNameMs / 1000)} s for one`);
    noted = true;
    spawnSync('sleep', ['2']);
  }
}

function started(name, server, period) {
  process.env.JACK_DEFAULT_SERVER = name;
  // A JACK client (jack_lsp, PortAudio) must never start a server of its own
  // with other settings when ours is gone: it fails instead, and says so.
  process.env.JACK_NO_START_SERVER = '1';
  server.child.unref();
  return {
    name,
    pid: server.child.pid,
    command: server.command,
    log: server.log,
    sampleRate: SAMPLE_RATE,
    period,
    stop() {
      try { process.kill(server.child.pid, 'SIGTERM'); } catch { /* already gone */ }
    },
  };
}

/**
 * Runs a JACK command-line client against our server. Each one opens a JACK
 * client, which the server refuses when the new process does not answer its
 * notifications within JACK's fixed 2 s (a loaded machine can starve a fresh
 * process that long): such a refusal is retried, a few times, before failing.
 */
function jack(cmd, ...args) {
  const all = ['-s', process.env.JACK_DEFAULT_SERVER, ...args];
  for (let attempt = 1; ; attempt++) {
    // A wedged server can leave jack_connect waiting for ever: 15 s is ample.
    const r = spawnSync(cmd, all, { encoding: 'utf8', timeout: 15000, killSignal: 'SIGKILL' });
    if (r.status === 0) return r.stdout;
    const refused = /jack_client_open\(\) failed|Cannot open .* client|cannot connect to JACK/i.test(`${r.stderr}${r.stdout}`);
    if (!refused || attempt === 3) throw new Error(`${cmd} ${all.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message || ''}`);
    spawnSync('sleep', ['0.5']);
  }
}

/** Every port of the server and every connection (each one listed from both ends), from one jack_lsp -c. */
function graph() {
  const ports = [];
  const pairs = [];
  let current = null;
  for (const line of jack('jack_lsp', '-c').split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) pairs.push([current, line.trim()]);
    else ports.push((current = line.trim()));
  }
  return { ports, pairs };
}

function clientPorts(ports) {
  const ours = ports.filter((p) => !p.startsWith('system:'));
  return { outputs: ours.filter((p) => /:out_\d+$/.test(p)), inputs: ours.filter((p) => /:in_\d+$/.test(p)) };
}

/** Port names of our own PortAudio clients, e.g. { outputs: ['PortAudio:out_0', …], inputs: […] }. */
function portAudioPorts() {
  return clientPorts(graph().ports);
}

/**
 * Wires our outputs to our inputs (out_i -> in_i) and cuts every connection to
 * system ports, so what we play is what we record, one period later.
 */
function wireLoopback() {
  const { ports, pairs } = graph();
  for (const [a, b] of pairs) {
    if (a.startsWith('system:') || b.startsWith('system:')) {
      spawnSync('jack_disconnect', ['-s', process.env.JACK_DEFAULT_SERVER, a, b], { stdio: 'ignore' });
    }
  }
  const { outputs, inputs } = clientPorts(ports);
  const n = Math.min(outputs.length, inputs.length);
  for (let i = 0; i < n; i++) jack('jack_connect', outputs[i], inputs[i]);
  return n;
}

module.exports = { startJackServer, freeServerName, serverRunning, serverLogFile, wireLoopback, portAudioPorts, SAMPLE_RATE, PERIOD };
