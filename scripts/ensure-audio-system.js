#!/usr/bin/env node
// Makes sure the system parts the tests need are present: JACK (jackd2, for a
// sound-card-free test server) and PortAudio (libportaudio2). Installs them
// with apt-get when running as root on Debian/Ubuntu; otherwise says how.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
function hasPortAudio() {
  const r = spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libportaudio.so.2 "'], { stdio: 'ignore' });
  return r.status === 0 || Boolean(process.env.RTMIXER_PORTAUDIO_LIBRARY);
}

const missing = [];
if (!has('sh', ['-c', 'command -v jackd && command -v jack_connect && command -v jack_wait'])) missing.push('jackd2');
if (!hasPortAudio()) missing.push('libportaudio2');
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && has('sh', ['-c', 'command -v apt-get'])) {
  console.log(`Installing ${missing.join(' ')} with apt-get (needed to run the audio tests)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  process.exit(0);
}
console.error(`The tests need ${missing.join(' and ')}: run "sudo apt-get install ${missing.join(' ')}" and try again.`);
process.exit(1);
