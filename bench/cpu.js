// Whole-process CPU of one playing sound (and of an idle stream), this mixer
// beside node-web-audio-api playing the same sound on the same JACK server
// (issue 11 §5). CPU seconds per second from /proc/PID/stat (user + system,
// every thread), over `seconds` after a 1 s settle, each in its own process.
// node-web-audio-api is a devDependency used only here; where it cannot load
// or does not reach JACK, that is printed instead of its figure.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { startJackServer } = require('../tools/jack-server');
const { processCpuSeconds } = require('../tools/proc-threads');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(script, mode, seconds, env, jackPort) {
  const child = spawn(process.execPath, [path.join(__dirname, script), mode, String(seconds + 10)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not ready within 20 s')), 20000);
      child.stdout.on('data', (d) => { if (/ready/.test(d)) { clearTimeout(timer); resolve(); } });
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
    return { cpuPerSecond: Number(((c1 - c0) / (Number(t1 - t0) / 1e9)).toFixed(4)) };
  } catch (err) {
    return { error: err.message };
  } finally {
    child.kill('SIGKILL');
    await sleep(300);
  }
}

module.exports = async function cpu(seconds = 10) {
  const server = startJackServer();
  const env = { ...process.env, JACK_DEFAULT_SERVER: server.name };
  const rows = {};
  try {
    for (const mode of ['one sound', 'idle']) {
      const m = mode === 'idle' ? 'idle' : 'sound';
      rows[mode] = {
        rtmixer: await measure('cpu-mixer-child.js', m, seconds, env, /^PortAudio(-\d+)?:out_0$/m),
        'node-web-audio-api': await measure('cpu-nwaa-child.mjs', m, seconds, env, /^cpal_client_\d+_out:out_0$/m),
      };
    }
  } finally {
    server.stop();
  }
  return { seconds, loadAverage: require('node:os').loadavg().map((l) => Number(l.toFixed(2))), rows };
};

module.exports.print = function print(r) {
  const cell = (x) => (x.error ? `n/a: ${x.error}` : x.cpuPerSecond);
  console.log(`9. Whole-process CPU seconds per second (user + system, all threads; ${r.seconds} s each, 48 kHz, 64-frame JACK periods)`);
  console.table(Object.fromEntries(Object.entries(r.rows).map(([mode, v]) => [mode, { rtmixer: cell(v.rtmixer), 'node-web-audio-api': cell(v['node-web-audio-api']) }])));
  console.log(`   load average ${r.loadAverage.join(' ')}\n`);
};
