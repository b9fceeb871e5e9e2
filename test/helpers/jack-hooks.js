// Mocha root hooks: one private JACK dummy server for the whole run.
'use strict';
const { startJackServer } = require('../../tools/jack-server');

// The test suite loads the development addon (the shipped code plus test hooks,
// binding.gyp target rtmixer_dev); test/package tests the shipped one.
process.env.RTMIXER_DEV_ADDON = process.env.RTMIXER_DEV_ADDON ?? '1';

let server;
exports.mochaHooks = {
  beforeAll() {
    this.timeout(30000);
    server = startJackServer();
  },
  afterAll() {
    if (server) server.stop();
  },
};
