// Builds test/native/fake_portaudio.c (a stand-in PortAudio whose audio thread
// can stop silently, or whose abort never returns) and runs a script in a
// child process that loads it through RTMIXER_PORTAUDIO_LIBRARY.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const source = path.join(__dirname, '..', 'native', 'fake_portaudio.c');

function buildFakePortAudio() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-fake-pa-'));
  const library = path.join(dir, 'libfakeportaudio.so');
  execFileSync(process.env.CC || 'cc', ['-O1', '-Wall', '-shared', '-fPIC', '-o', library, source, '-lpthread']);
  return library;
}

/** Runs `script` (JS source) with the fake library; resolves { code, signal, stdout, stderr, ms }. */
function runWithFake(library, script, env = {}, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, RTMIXER_PORTAUDIO_LIBRARY: library, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

module.exports = { buildFakePortAudio, runWithFake };
