'use strict';
// The unit layer runs without an audio server, and its runner
// (test/helpers/unit-hooks.js) makes sure: starting one fails here, and the
// runner's last check would report it.
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');

describe('the unit layer', () => {
  it('refuses to start a JACK server, directly or the way tools/jack-server.js does (control)', () => {
    const hooks = require('../helpers/unit-hooks');
    assert.ok(hooks.takeAttempts, 'the unit layer runs with --require test/helpers/unit-hooks.js');
    assert.throws(() => childProcess.spawnSync('jackd', ['--version']), /test\/unit needs no audio server/);
    assert.throws(() => childProcess.spawn('setpriv', ['--pdeathsig', 'SIGTERM', 'jackd', '-d', 'dummy']), /test\/unit needs no audio server/);
    assert.equal(hooks.takeAttempts().length, 2, 'both attempts recorded for the check after the last test');
    assert.equal(process.env.JACK_NO_START_SERVER, '1', 'libjack may not start a server by itself');
  });
});
