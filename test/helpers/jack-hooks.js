// Mocha root hooks: one private JACK dummy server for the whole run.
'use strict';
const { startJackServer } = require('../../tools/jack-server');

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
