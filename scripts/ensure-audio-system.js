#!/usr/bin/env node
// Makes sure the system parts the tests need are present: JACK (jackd2, for a
// sound-card-free test server), PortAudio (libportaudio2), and the reference
// encoders/decoders the decode tests compare with (sox with its MP3 format,
// opus-tools, lame), and Chromium for the browser tests. Installs them
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
if (!has('sh', ['-c', 'command -v sox && ls /usr/lib/*/sox/libsox_fmt_mp3.so'])) missing.push('sox', 'libsox-fmt-all');
if (!has('sh', ['-c', 'command -v opusenc && command -v opusdec'])) missing.push('opus-tools');
if (!has('sh', ['-c', 'command -v lame'])) missing.push('lame');
// Debian's Chromium for the browser tests (test/browser: playwright-core drives it; nothing is downloaded).
if (!has('sh', ['-c', 'command -v chromium || [ -n "$RTMIXER_CHROMIUM" ]'])) missing.push('chromium');
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
