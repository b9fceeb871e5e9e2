// Mocha root hooks for test/unit, the layer that needs no audio server, and
// proves it: starting jackd from this process (directly or through setpriv)
// throws, libjack may not start a server by itself (JACK_NO_START_SERVER), any
// JACK client would look for a server name that never runs, and after the last
// test no jackd was started and none is a child of this process.
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

process.env.JACK_NO_START_SERVER = '1';
process.env.JACK_DEFAULT_SERVER = 'rtmixer-unit-layer-has-no-server';

const attempts = [];

function startsJack(command, args) {
  const words = [command, ...(Array.isArray(args) ? args : [])].map((w) => path.basename(String(w)));
  return words.includes('jackd') || /(^|[\s/])jackd(\s|$)/.test(String(command));
}

// Wrapped before any test file loads, so a module that destructures
// child_process at its top (tools/jack-server.js does) gets the wrapped ones.
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) {
  const original = childProcess[name];
  childProcess[name] = function guarded(command, args, ...rest) {
    if (startsJack(command, args)) {
      attempts.push(`${name}(${[command, ...(Array.isArray(args) ? args : [])].join(' ')})`);
      throw new Error(`test/unit needs no audio server: it must not start jackd (${name} ${command}); put this test in a JACK layer`);
    }
    return original.call(this, command, args, ...rest);
  };
}

/** Child processes of this process that are jackd. */
function jackChildren() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [comm, rest] = [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), stat.slice(stat.lastIndexOf(')') + 2)];
      if (comm === 'jackd' && Number(rest.split(' ')[1]) === process.pid) found.push(Number(pid));
    } catch { /* gone meanwhile */ }
  }
  return found;
}

/** The attempts recorded so far, cleared: for the layer's own control test. */
exports.takeAttempts = () => attempts.splice(0);

exports.mochaHooks = {
  afterAll() {
    if (attempts.length) throw new Error(`test/unit tried to start a JACK server: ${attempts.join('; ')}`);
    if (process.platform === 'linux' && jackChildren().length) throw new Error(`test/unit left jackd running: pids ${jackChildren().join(', ')}`);
  },
};
