// Glitches while Node stalls, beside plain clients (issue 11 §4). On one JACK
// dummy server (48 kHz, 64-frame periods, -R where permitted) three clients
// play the same 1 kHz sine at the same time: the mixer, in a Node process whose
// event loop is blocked 200 ms every 400 ms while it churns garbage
// (stall-mixer-child.js); a plain C JACK client (clients/jack-sine.c); and a
// plain C PortAudio client on PortAudio's JACK host API (clients/pa-sine.c).
// A separate JACK client (clients/break-counter.c) records all three and counts
// the breaks of each sine's period. A break that no other client has within
// ±3 ms is that client's own ("alone"); the rest hit the whole graph (the
// server's xruns). Beside it: the page faults each audio thread took meanwhile.
'use strict';
const { fork, spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { startJackServer } = require('../tools/jack-server');
const { buildClients } = require('./clients/build');
const { audioThread, stat, preemptions } = require('../tools/proc-threads');

const NEAR_NS = 3e6;

function startClient(exe, args, env) {
  const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ready = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`${path.basename(exe)} was not ready within 60 s`)), 60000).unref();
    child.stdout.on('data', (d) => { if (/ready/.test(d)) resolve(child); });
    child.on('exit', (code) => reject(new Error(`${path.basename(exe)} exited (${code}) before it was ready: ${stderr.split('\n').filter((l) => !/^ALSA lib/.test(l)).join('\n')}`)));
  });
  return { child, ready };
}

function message(child, key) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m[key] !== undefined) { child.off('message', onMessage); resolve(m[key]); } };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the mixer process exited (${code}) while waiting for "${key}"`)));
  });
}

/** Runs a client to its end; killed (and a failure) after `timeoutMs`, so a wedged server cannot hang the bench. */
function run(exe, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(exe)} failed (${code}): ${err}`))));
  });
}

function faultsSince(pid, before) {
  if (!before) return { thread: null };
  const after = stat(pid, before.tid);
  return { policy: `${before.policy} ${before.rtPriority}`, minorFaults: after.minflt - before.minflt, majorFaults: after.majflt - before.majflt, preempted: preemptions(pid, before.tid) - before.preempted };
}

function analyse(counted, windows, names) {
  const times = counted.sources.map((s) => s.timesNs.map(Number));
  const inside = (t) => windows.some(([a, b]) => t >= Number(a) && t <= Number(b) + NEAR_NS);
  return Object.fromEntries(counted.sources.map((s, i) => {
    const others = times.filter((_, j) => j !== i);
    const alone = times[i].filter((t) => others.every((o) => !o.some((u) => Math.abs(u - t) <= NEAR_NS)));
    return [names[i], { breaks: s.breaks, alone: alone.length, duringStall: times[i].filter(inside).length, brokenFrames: s.brokenFrames }];
  }));
}

const CLIENTS = {
  mixer: { port: null }, // found when it joins: PortAudio:out_0, or PortAudio-NN:out_0 beside another PortAudio client
  'plain JACK': { exe: 'jack-sine', port: 'jack-sine:out' },
  'plain PortAudio': { exe: 'pa-sine', port: 'pa-sine:out_0' },
};

/** Starts the clients one after another in `order` (JACK runs them in the order they joined). */
const jackPorts = (env) => execFileSync('jack_lsp', ['-s', env.JACK_DEFAULT_SERVER], { encoding: 'utf8' }).split('\n').map((p) => p.trim());

async function startAll(order, bins, env, started) {
  const pids = {};
  const ports = {};
  let mixer;
  for (const name of order) {
    if (name === 'mixer') {
      const before = new Set(jackPorts(env));
      mixer = fork(path.join(__dirname, 'stall-mixer-child.js'), { env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      started.push(mixer);
      await message(mixer, 'ready');
      pids[name] = mixer.pid;
      ports[name] = jackPorts(env).find((p) => !before.has(p) && /^PortAudio.*:out_0$/.test(p));
      if (!ports[name]) throw new Error('the mixer\'s JACK port did not appear');
    } else {
      const client = startClient(bins[CLIENTS[name].exe], [CLIENTS[name].exe], env);
      started.push(client.child);
      pids[name] = (await client.ready).pid;
      ports[name] = CLIENTS[name].port;
    }
  }
  return { pids, ports, mixer };
}

/** One round: the three clients joined in `order`, counted for `seconds`. */
async function round(seconds, order, stall, bins, env) {
  const started = [];
  try {
    const { pids, ports, mixer } = await startAll(order, bins, env, started);
    const names = Object.keys(CLIENTS);
    const before = names.map((name) => {
      const thread = audioThread(pids[name]);
      return thread && { ...thread, preempted: preemptions(pids[name], thread.tid) };
    });
    const counting = run(bins['break-counter'], [String(seconds), ...names.map((n) => ports[n])], env, Math.round((seconds + 30) * 1000));
    const stalls = new Promise((resolve) => mixer.on('message', (m) => m.windows && resolve(m)));
    mixer.send({ stall: stall ? seconds + 1.5 : 0 }); // the counter lets the graph settle for 1 s first
    const counted = JSON.parse(await counting);
    const { windows, callback } = await stalls;
    const faults = names.map((name, i) => faultsSince(pids[name], before[i]));
    mixer.send({ close: true });
    const rows = analyse(counted, windows, names);
    names.forEach((name, i) => Object.assign(rows[name], { audioThread: faults[i].policy ?? 'not found (no real-time thread)', minorFaults: faults[i].minorFaults, majorFaults: faults[i].majorFaults, preempted: faults[i].preempted }));
    return { order, serverXruns: counted.xruns, stalls: windows.length, mixerCallback: callback, rows };
  } finally {
    await Promise.all(started.map(stop));
  }
}

/** SIGTERM (the clients leave JACK cleanly), SIGKILL after 5 s; resolves once it exited. */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

/**
 * `seconds` in all, split into three rounds in which each client joins the
 * graph first, second and third once: the order decides which client JACK
 * wakes first, and on a loaded machine the later ones break more often.
 */
module.exports = async function stallCompare(seconds = 60, { stall = true } = {}) {
  const bins = buildClients();
  const server = startJackServer();
  const env = { ...process.env, JACK_DEFAULT_SERVER: server.name };
  const names = Object.keys(CLIENTS);
  const rounds = [];
  try {
    for (let r = 0; r < names.length; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      rounds.push(await round(seconds / names.length, order, stall, bins, env));
    }
  } finally {
    server.stop();
  }
  const total = Object.fromEntries(names.map((name) => {
    const sum = (key) => rounds.reduce((acc, r) => acc + r.rows[name][key], 0);
    return [name, { breaks: sum('breaks'), alone: sum('alone'), duringStall: sum('duringStall'), brokenFrames: sum('brokenFrames'), minorFaults: sum('minorFaults'), majorFaults: sum('majorFaults'), preempted: sum('preempted'), audioThread: rounds[0].rows[name].audioThread, perRound: rounds.map((r) => r.rows[name].breaks) }];
  }));
  return {
    seconds,
    stall,
    server: server.command,
    serverXruns: rounds.reduce((acc, r) => acc + r.serverXruns, 0),
    mixerCallbackMaxUs: Math.max(...rounds.map((r) => r.mixerCallback.maxUs)),
    loadAverage: require('node:os').loadavg().map((l) => Number(l.toFixed(2))),
    rows: total,
    rounds,
  };
};

module.exports.print = function print(r) {
  console.log(`7. Stalled event loop beside plain clients: ${r.seconds} s, one JACK dummy server (${r.server}), 1 kHz sine from each; the mixer's event loop blocked 200 ms every 400 ms with garbage churn (arrays up to 320 MiB); breaks = runs of frames that break the sine's period in a separate JACK recorder; alone = no other client broke within 3 ms`);
  console.table(Object.fromEntries(Object.entries(r.rows).map(([k, v]) => [k, { breaks: v.breaks, 'per round': v.perRound.join(' / '), alone: v.alone, 'during a stall': v.duringStall, 'audio thread': v.audioThread, 'minor faults': v.minorFaults, 'major faults': v.majorFaults, preempted: v.preempted }])));
  const ratio = (other) => (r.rows[other].breaks ? (r.rows.mixer.breaks / r.rows[other].breaks).toFixed(2) : 'n/a');
  console.log(`   mixer / plain JACK breaks ${ratio('plain JACK')}, mixer / plain PortAudio ${ratio('plain PortAudio')}; the mixer's longest callback ${r.mixerCallbackMaxUs.toFixed(0)} µs; server xruns meanwhile: ${r.serverXruns}; load average ${r.loadAverage.join(' ')}\n`);
};
