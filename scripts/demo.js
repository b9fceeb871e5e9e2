#!/usr/bin/env node
// `npm start`: Node-RED (the devDependency) on http://127.0.0.1:1880 with this
// package loaded and the example flows deployed, one tab per example, in a
// project-local user dir (.node-red/). On a machine whose PortAudio finds no
// output device but JACK's (no sound card), it starts a private JACK server on
// the dummy driver and wires its outputs to its inputs, so every example runs.
//
// Environment: PORT (default 1880); RTMIXER_DEMO_JACK=1 always uses the private
// JACK server, =0 never does.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { startJackServer, watchLoopback } = require('./demo/jack');
const { writeMelody, writeSoundFolder } = require('./demo/melody');
const { demoFlows } = require('./demo/flows');

const root = path.join(__dirname, '..');
const userDir = path.join(root, '.node-red');
const port = Number(process.env.PORT || 1880);
const url = `http://127.0.0.1:${port}/`;
const say = (text) => console.log(`[demo] ${text}`);

if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'rtmixer-config.js'))) {
  console.error('[demo] dist/ is missing: run "npm start" (which builds first) or "npm run build".');
  process.exit(1);
}

/**
 * Output devices PortAudio offers and the default one's rate (the rate the
 * example mixer opens at), listed in a child process so this one holds no
 * audio state.
 */
function outputDevices() {
  const script = `
    const { listHostApis, listDevices } = require(${JSON.stringify(root)});
    const devices = listDevices();
    // The default device as the Mixer picks it: the first host API's default that has outputs.
    const byDefault = listHostApis().map((h) => devices.find((d) => d.index === h.defaultOutputDevice)).find((d) => d && d.maxOutputChannels > 0);
    process.stdout.write(JSON.stringify({
      outputs: devices.filter((d) => d.maxOutputChannels > 0).map((d) => ({ name: d.name, hostApi: d.hostApi })),
      defaultRate: byDefault ? Math.round(byDefault.defaultSampleRate) : undefined,
    }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, JACK_NO_START_SERVER: '1' } });
  if (r.status !== 0) throw new Error((r.stderr || '').trim().split('\n').filter(Boolean).pop() || `exit code ${r.status}`);
  return JSON.parse(r.stdout);
}

/** Decides where the demo plays: the default device, or a private JACK server. */
function chooseDevice() {
  const force = process.env.RTMIXER_DEMO_JACK;
  if (force === '1') return { jack: true, why: 'RTMIXER_DEMO_JACK=1' };
  try {
    const { outputs, defaultRate } = outputDevices();
    if (force === '0') return { jack: false, why: 'RTMIXER_DEMO_JACK=0', rate: defaultRate };
    const devices = outputs.filter((d) => d.hostApi !== 'JACK');
    if (devices.length > 0) return { jack: false, why: `PortAudio found ${devices.map((d) => `${d.hostApi} "${d.name}"`).join(', ')}`, rate: defaultRate };
    return { jack: true, why: 'PortAudio finds no output device (no sound card?)' };
  } catch (err) {
    if (force === '0') return { jack: false, why: 'RTMIXER_DEMO_JACK=0' };
    return { jack: true, why: `listing devices failed (${err.message})` };
  }
}

/** .node-red/node_modules/node-red-contrib-rtmixer -> this repository, so Node-RED loads it like an installed package. */
function linkPackage() {
  const modules = path.join(userDir, 'node_modules');
  const link = path.join(modules, require(path.join(root, 'package.json')).name);
  fs.mkdirSync(modules, { recursive: true });
  let stat;
  try {
    stat = fs.lstatSync(link);
  } catch {
    /* not there yet */
  }
  if (stat && !stat.isSymbolicLink()) {
    say(`${link} is a real folder: Node-RED loads that copy, not this repository`);
    return;
  }
  if (stat) fs.unlinkSync(link);
  fs.symlinkSync(path.relative(modules, root), link, 'dir');
}

function writeSettings() {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    flowFilePretty: true,
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    // No catalogue fetch: the palette manager would reach out to the internet at every editor load.
    editorTheme: { tours: false, palette: { catalogues: [] } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  const file = path.join(userDir, 'settings.js');
  fs.writeFileSync(file, `// Written by scripts/demo.js at every start.\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return file;
}

/**
 * The example flows, rewritten at every start. A flows.json the user changed
 * in the editor since (it differs from the copy of what was written last
 * time) is kept as flows.previous.json.
 */
function writeFlows(config) {
  const file = path.join(userDir, 'flows.json');
  const written = path.join(userDir, '.demo-flows.json');
  const text = JSON.stringify(demoFlows({ config }), null, 4) + '\n';
  const deployed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const last = fs.existsSync(written) ? fs.readFileSync(written, 'utf8') : undefined;
  const same = (a, b) => {
    try {
      return b !== undefined && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
    } catch {
      return false;
    }
  };
  if (deployed !== undefined && !same(deployed, last) && !same(deployed, text)) {
    fs.writeFileSync(path.join(userDir, 'flows.previous.json'), deployed);
    say('the flows you deployed last time are saved as .node-red/flows.previous.json (Menu > Import to get them back)');
  }
  fs.writeFileSync(file, text);
  fs.writeFileSync(written, text);
}

let jack;

/**
 * Where example 07's dashboard is served (its ui-base path), if FlowFuse
 * Dashboard 2.0 (a devDependency) is installed: Node-RED finds it in this
 * repository's node_modules.
 */
function dashboardUrl() {
  try {
    require.resolve('@flowfuse/node-red-dashboard/package.json');
  } catch {
    say('@flowfuse/node-red-dashboard is not installed ("npm install" installs it): example 07 waits for its ui-* nodes');
    return undefined;
  }
  const base = demoFlows().find((n) => n.type === 'ui-base');
  return base ? `${url.replace(/\/$/, '')}${base.path}` : undefined;
}

function main() {
  fs.mkdirSync(userDir, { recursive: true });
  linkPackage();
  const settingsFile = writeSettings();
  const choice = chooseDevice();
  // A WAV that arrives in chunks must be at the mixer's rate (it cannot be resampled on the fly).
  const rate = choice.jack ? 48000 : choice.rate || 48000;
  const wav = path.join(userDir, 'demo-melody.wav');
  const seconds = writeMelody(wav, rate);

  const sounds = writeSoundFolder(path.join(userDir, 'demo-sounds'), rate);

  const env = { ...process.env, RTMIXER_DEMO_WAV: wav, RTMIXER_SOUNDS_DIR: sounds };
  let loopback;
  let config = {};
  if (choice.jack) {
    try {
      jack = startJackServer();
    } catch (err) {
      say(`${choice.why}, and no private JACK server: ${err.message}. The example mixer will show the error and retry.`);
    }
  }
  if (jack) {
    env.JACK_DEFAULT_SERVER = jack.name;
    env.JACK_NO_START_SERVER = '1'; // a retry after the server is gone must not start another one
    config = { name: `demo JACK server "${jack.name}" (dummy driver)`, hostApi: 'JACK', device: 'system' };
    say('------------------------------------------------------------------------------');
    say(`Using a private JACK server: ${choice.why}.`);
    if (jack.reused) say(`Using the JACK server "${jack.name}" that is already running (left from an earlier run?).`);
    else say(`Started a private JACK server on the dummy driver (no sound is heard): ${jack.command} (pid ${jack.pid})`);
    say(`The example mixer uses host API JACK, device "system"; PortAudio's outputs are wired to its inputs.`);
    say('------------------------------------------------------------------------------');
  } else if (!choice.jack) {
    say(`Playing on the default audio device: ${choice.why}.`);
  }
  writeFlows(config);
  const dashboard = dashboardUrl();
  say(`demo WAV for example 03: ${path.relative(root, wav)} (${seconds} s at ${rate} Hz), in RTMIXER_DEMO_WAV`);
  say(`demo sound folder for example 09: ${path.relative(root, sounds)} (low, mid, high), in RTMIXER_SOUNDS_DIR`);

  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '-u', userDir, '-s', settingsFile, '-p', String(port)], {
    cwd: userDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let started = false;
  const echo = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      rest += chunk;
      const lines = rest.split('\n');
      rest = lines.pop();
      for (const line of lines) {
        out.write(line + '\n');
        if (!started && /Server now running at/.test(line)) {
          started = true;
          say(`Node-RED is running: open ${url} (the examples are on their own tabs; Import > Examples > node-red-contrib-rtmixer has them too). Ctrl-C stops it.`);
          if (dashboard) say(`Dashboard of example 07 (level meters, callback load, tone buttons): ${dashboard}`);
        }
      }
    });
  };
  echo(red.stdout, process.stdout);
  echo(red.stderr, process.stderr);

  if (jack) {
    loopback = watchLoopback(jack.name, { onWire: (from, to) => say(`JACK: connected ${from} -> ${to}`) });
  }

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping Node-RED…`);
    try {
      red.kill('SIGINT');
    } catch {
      /* already gone */
    }
    setTimeout(() => red.kill('SIGKILL'), 20000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));

  red.on('error', (err) => {
    say(`could not run Node-RED: ${err.message}`);
    loopback?.stop();
    if (jack && !jack.reused) jack.stop();
    process.exitCode = 1;
  });
  red.on('exit', (code, signal) => {
    loopback?.stop();
    if (jack && !jack.reused) {
      jack.stop();
      say(`stopped the JACK server (pid ${jack.pid})`);
    }
    say(`Node-RED exited (${signal ?? `code ${code}`})`);
    process.exitCode = code ?? 0;
  });
}

try {
  main();
} catch (err) {
  console.error(`[demo] ${err.message}`);
  if (jack && !jack.reused) jack.stop();
  process.exit(1);
}
