// Compiles the small C clients of the stall comparison (jack-sine, pa-sine,
// break-counter) into bench/clients/bin at bench time. They need the JACK and
// PortAudio headers, which the tests do not: a missing package is reported with
// the one apt-get line that installs both.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const INSTALL = 'apt-get install libjack-jackd2-dev portaudio19-dev';
const CLIENTS = {
  'jack-sine': ['-ljack', '-lm'],
  'break-counter': ['-ljack', '-lm'],
  'pa-sine': ['-lportaudio', '-lm'],
};
const BIN = path.join(__dirname, 'bin');

class MissingHeadersError extends Error {}

/** Builds every client (when its source is newer than its binary); returns { name: path }. */
function buildClients() {
  fs.mkdirSync(BIN, { recursive: true });
  const built = {};
  for (const [name, libs] of Object.entries(CLIENTS)) {
    const src = path.join(__dirname, `${name}.c`);
    const exe = path.join(BIN, name);
    if (!fs.existsSync(exe) || fs.statSync(exe).mtimeMs < fs.statSync(src).mtimeMs) {
      const r = spawnSync('cc', ['-O2', '-Wall', '-o', exe, src, ...libs], { encoding: 'utf8' });
      if (r.error) throw new Error(`bench: no C compiler (cc) to build ${name}: ${r.error.message}`);
      if (r.status !== 0) {
        const missing = /(jack\/jack\.h|portaudio\.h|pa_jack\.h): No such file/.exec(r.stderr);
        if (missing) throw new MissingHeadersError(`bench: ${missing[1]} is missing, so the ${name} client cannot be built. Install the headers with: ${INSTALL}`);
        throw new Error(`bench: building ${name} failed:\n${r.stderr}`);
      }
    }
    built[name] = exe;
  }
  return built;
}

module.exports = { buildClients, MissingHeadersError, INSTALL };
