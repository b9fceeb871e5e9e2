// Whole-process CPU, setup time and resident memory, this mixer beside
// node-web-audio-api on the same JACK server in the same run (issue 11 §5,
// issue 15 §5): one playing sound and an idle stream; then N voices (1, 64,
// 256) of one shared 12 s stereo sound (mixer.load + play(sound) here,
// AudioBufferSourceNodes sharing one AudioBuffer there). CPU seconds per
// second from /proc/PID/stat (user + system, every thread), over `seconds`
// after a 1 s settle, each in its own process; RSS from /proc/PID/status at the
// end of that window. node-web-audio-api is a devDependency used only here;
// where it cannot load or does not reach JACK, that is printed instead.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startJackServer } = require('../tools/jack-server');
const { processCpuSeconds } = require('../tools/proc-threads');
const { buildClients } = require('./clients/build');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const VOICES = [1, 64, 256];
const PEER = 'node-web-audio-api';

function rssMiB(pid) {
  const kib = Number(/VmRSS:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return Number((kib / 1024).toFixed(1));
}

/** `script`: a file in bench/ run by this Node, or an executable's absolute path. */
async function measure(script, args, seconds, env, jackPort) {
  const command = path.isAbsolute(script) ? [script, args] : [process.execPath, [path.join(__dirname, script), ...args]];
  const child = spawn(command[0], command[1], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const setupMs = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not ready within 30 s')), 30000);
      child.stdout.on('data', (d) => {
        const m = /ready(?: setupMs=([\d.e+-]+))?/.exec(d);
        if (m) { clearTimeout(timer); resolve(Number(m[1] ?? 0)); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited (${code}): ${stderr.split('\n').filter((l) => l && !/^ALSA lib/.test(l)).slice(-3).join(' ')}`)); });
    });
    await sleep(1000);
    const ports = execFileSync('jack_lsp', ['-s', env.JACK_DEFAULT_SERVER], { encoding: 'utf8' });
    if (!jackPort.test(ports)) throw new Error(`no ${jackPort} port on the JACK server: it did not reach JACK (ports: ${ports.split('\n').map((p) => p.trim()).filter(Boolean).join(', ')})`);
    const c0 = processCpuSeconds(child.pid);
    const t0 = process.hrtime.bigint();
    await sleep(seconds * 1000);
    const c1 = processCpuSeconds(child.pid);
    const t1 = process.hrtime.bigint();
    return { cpuPerSecond: Number(((c1 - c0) / (Number(t1 - t0) / 1e9)).toFixed(4)), setupMs: Number(setupMs.toFixed(1)), rssMiB: rssMiB(child.pid) };
  } catch (err) {
    return { error: err.message };
  } finally {
    child.kill('SIGKILL');
    await sleep(300);
  }
}

const OURS_PORT = /^PortAudio(-\d+)?:out_0$/m;
const PEER_PORT = /^cpal_client_\d+_out:out_0$/m;
const PLAIN_PORT = /^jack-sine:out$/m;

/** The floor: a plain C JACK client writing a sine (bench/clients), in the same run. */
async function plainJackClient(seconds, env) {
  let exe;
  try {
    exe = buildClients()['jack-sine'];
  } catch (err) {
    return { error: err.message };
  }
  return measure(exe, [], seconds, env, PLAIN_PORT);
}

module.exports = async function cpu(seconds = 10) {
  const server = startJackServer();
  const env = { ...process.env, JACK_DEFAULT_SERVER: server.name };
  const rows = {};
  const voices = {};
  try {
    for (const mode of ['one sound', 'idle']) {
      const m = mode === 'idle' ? 'idle' : 'sound';
      rows[mode] = {
        rtmixer: await measure('cpu-mixer-child.js', [m, String(seconds + 10)], seconds, env, OURS_PORT),
        [PEER]: await measure('cpu-nwaa-child.mjs', [m, String(seconds + 10)], seconds, env, PEER_PORT),
      };
    }
    rows['plain C JACK client (sine)'] = { rtmixer: await plainJackClient(seconds, env), [PEER]: { skipped: true } };
    for (const n of VOICES) {
      voices[n] = {
        rtmixer: await measure('cpu-mixer-child.js', ['voices', '12', String(n)], seconds, env, OURS_PORT),
        [PEER]: await measure('cpu-nwaa-child.mjs', ['voices', '12', String(n)], seconds, env, PEER_PORT),
      };
    }
  } finally {
    server.stop();
  }
  // Each side's cost above its own idle stream (the JACK client's wakeups at
  // 750 periods a second cost both about the same, whatever they play).
  for (const v of Object.values(voices)) {
    for (const who of ['rtmixer', PEER]) {
      const idle = rows.idle[who];
      if (!v[who].error && !idle.error) v[who].aboveIdle = Number((v[who].cpuPerSecond - idle.cpuPerSecond).toFixed(4));
    }
  }
  const floor = rows['plain C JACK client (sine)'].rtmixer;
  return { seconds, loadAverage: require('node:os').loadavg().map((l) => Number(l.toFixed(2))), rows, voices, targets: targets(voices), floor: floor.error ? null : floor.cpuPerSecond };
};

/** Issue 15's targets: at 256 voices ≤ 1/5 of the peer's CPU, setup ≤ the peer's (or 100 ms), RSS ≤ the peer's; at 1 voice CPU ≤ the peer's. */
function targets(voices) {
  const v256 = voices[256];
  const v1 = voices[1];
  if (!v256 || !v1 || v256.rtmixer.error || v256[PEER].error || v1.rtmixer.error || v1[PEER].error) return null;
  return {
    'cpu at 256 <= peer / 5': v256.rtmixer.cpuPerSecond <= v256[PEER].cpuPerSecond / 5,
    'cpu above idle at 256 <= peer / 5': v256.rtmixer.aboveIdle <= v256[PEER].aboveIdle / 5,
    'setup at 256 <= peer or 100 ms': v256.rtmixer.setupMs <= Math.max(v256[PEER].setupMs, 100),
    'rss at 256 <= peer': v256.rtmixer.rssMiB <= v256[PEER].rssMiB,
    'cpu at 1 <= peer': v1.rtmixer.cpuPerSecond <= v1[PEER].cpuPerSecond,
  };
}

module.exports.print = function print(r) {
  const cell = (x) => (x.skipped ? '' : x.error ? `n/a: ${x.error}` : x.cpuPerSecond);
  console.log(`9. Whole-process CPU seconds per second (user + system, all threads; ${r.seconds} s each, 48 kHz, 64-frame JACK periods)`);
  console.table(Object.fromEntries(Object.entries(r.rows).map(([mode, v]) => [mode, { rtmixer: cell(v.rtmixer), [PEER]: cell(v[PEER]) }])));
  console.log(`10. N voices of one shared 12 s stereo sound (looping): mixer.load + play(sound) beside ${PEER} (AudioBufferSourceNodes sharing one AudioBuffer)`);
  const table = {};
  for (const [n, v] of Object.entries(r.voices)) {
    for (const who of ['rtmixer', PEER]) {
      const x = v[who];
      table[`${n} voices, ${who}`] = x.error ? { 'setup ms': `n/a: ${x.error}` } : { 'setup ms': x.setupMs, 'CPU-s/s': x.cpuPerSecond, 'above idle': x.aboveIdle ?? '', 'RSS MiB': x.rssMiB };
    }
  }
  console.table(table);
  if (r.targets) console.table(r.targets);
  const v256 = r.voices[256];
  if (r.floor !== null && v256 && !v256[PEER].error && !v256.rtmixer.error) {
    // Whole-process CPU includes JACK's own wakeups (750 a second): no client
    // costs less than a plain C one, so a fifth of the peer's figure below that
    // is out of any JACK client's reach in this run.
    const fifth = v256[PEER].cpuPerSecond / 5;
    console.log(`   at 256 voices: rtmixer ${(v256.rtmixer.cpuPerSecond / v256[PEER].cpuPerSecond).toFixed(2)} of the peer's CPU; a fifth of the peer's is ${fifth.toFixed(4)} CPU-s/s, a plain C JACK client costs ${r.floor} (${fifth < r.floor ? 'below that floor: no JACK client reaches it in this run' : 'reachable'}); rtmixer above that floor: ${(v256.rtmixer.cpuPerSecond - r.floor).toFixed(4)}, the peer: ${(v256[PEER].cpuPerSecond - r.floor).toFixed(4)}`);
  }
  console.log(`   load average ${r.loadAverage.join(' ')}\n`);
};
