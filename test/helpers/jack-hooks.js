// Mocha root hooks for the JACK layers: one private JACK dummy server for the
// whole run. When a test fails, what the server logged during it is printed
// beside the failure (a client it dropped, an xrun), so a failure on a loaded
// machine says whether the server saw trouble.
'use strict';
const fs = require('node:fs');
const { startJackServer } = require('../../tools/jack-server');

// The test suite loads the development addon (the shipped code plus test hooks,
// binding.gyp target rtmixer_dev); test/package tests the shipped one.
process.env.RTMIXER_DEV_ADDON = process.env.RTMIXER_DEV_ADDON ?? '1';

let server;
let logOffset = 0;

function logSize() {
  try { return fs.statSync(server.log).size; } catch { return 0; }
}

exports.mochaHooks = {
  beforeAll() {
    // Up to 10 min when other test runs on this machine hold every server name.
    this.timeout(11 * 60 * 1000);
    server = startJackServer();
  },
  beforeEach() {
    if (server) logOffset = logSize();
  },
  afterEach() {
    if (!server || this.currentTest?.state !== 'failed') return;
    const size = logSize();
    if (size <= logOffset) return;
    const fd = fs.openSync(server.log, 'r');
    const text = Buffer.alloc(Math.min(size - logOffset, 8192));
    fs.readSync(fd, text, 0, text.length, size - text.length);
    fs.closeSync(fd);
    console.log(`    JACK server ${server.name} during this test (${server.log}):\n${text.toString('utf8').replace(/^/gm, '      ')}`);
  },
  afterAll() {
    if (server) server.stop();
  },
};
