'use strict';
// The mixer config node: one shared stream, opened on first use, errors shown
// on every node that uses it, reconnect with backoff, closed on redeploy, and
// an admin route for the device list that honours adminAuth.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { helper, loadFlow, mixerConfig, mixerOf, nextMessage, sleep, useNodeRed } = require('../helpers/node-red');
const { freeServerName, startJackServer } = require('../../tools/jack-server');
const { startNodeRed } = require('../helpers/node-red-process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { nativeMemory, rescanDevices } = require('../..');

const tab = { id: 't1', type: 'tab' };
// Flow nodes need x/y (else the runtime takes them for config nodes) and ids
// that are not also type names.
const at0 = { z: 't1', x: 100, y: 100 };
const catcher = { id: 'catcher', type: 'catch', ...at0, scope: null, uncaught: false, wires: [['caught']] };
const caught = { id: 'caught', type: 'helper', ...at0, wires: [] };
const stats = (extra = {}) => ({ id: 'stats', type: 'rtmixer-stats', ...at0, mixer: 'mixer', interval: '0', wires: [['out']], ...extra });
const out = { id: 'out', type: 'helper', ...at0, wires: [] };

/** Our PortAudio clients' ports on the test JACK server (one client = one open stream). */
function portAudioClients() {
  const ports = execFileSync('jack_lsp', ['-s', process.env.JACK_DEFAULT_SERVER], { encoding: 'utf8' })
    .split('\n').map((s) => s.trim()).filter((p) => p && !p.startsWith('system:'));
  return new Set(ports.map((p) => p.split(':')[0]));
}

/** Resolves with the next status the node sets that `match` accepts. */
function statusOf(nodeId, match, timeoutMs = 20000) {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching status on ${nodeId}`)), timeoutMs);
    const original = node.status.bind(node);
    node.status = (s) => {
      original(s);
      if (match(s)) {
        clearTimeout(timer);
        node.status = original;
        resolve(s);
      }
    };
  });
}

describe('rtmixer-config node', function () {
  this.timeout(60000);
  useNodeRed();

  it('opens one stream for all its users when deployed, and a message gets an answer through it', async () => {
    await loadFlow([tab, mixerConfig(), stats(), stats({ id: 'stats2', wires: [] }), out]);
    assert.equal(helper.getNode('mixer').state, 'open');
    assert.equal(portAudioClients().size, 1, 'two nodes share one stream');
    const reply = nextMessage('out');
    helper.getNode('stats').receive({});
    const msg = await reply;
    assert.equal(msg.payload.sampleRate, 48000);
  });

  it('shows an unknown device on every node that uses it, and Catch nodes get a coded error', async () => {
    await loadFlow([tab, mixerConfig({ device: 'no such device' }), stats(), catcher, caught], { loopback: false });
    assert.equal(helper.getNode('mixer').state, 'error');
    const error = nextMessage('caught');
    helper.getNode('stats').receive({});
    const msg = await error;
    assert.equal(msg.error.source.id, 'stats');
    assert.match(msg.error.message, /No output device matches "no such device".*Available: .*system/);
    assert.equal(msg.error.code, 'ERR_RTMIXER_DEVICE_NOT_FOUND');
    assert.throws(() => mixerOf(), { code: 'ERR_RTMIXER_DEVICE_NOT_FOUND' });
  });

  it('a node with no mixer selected says so in its status and in a catchable error', async () => {
    const node = stats({ mixer: '' });
    await loadFlow([tab, node, catcher, caught], { loopback: false });
    const error = nextMessage('caught');
    helper.getNode('stats').receive({});
    const msg = await error;
    assert.match(msg.error.message, /has no mixer: open the node and choose/);
    assert.equal(msg.error.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
  });

  it('retries with backoff until the device appears, then opens (rtmixerConfigReconnectInterval)', async () => {
    const serverName = freeServerName(); // not running yet
    const previous = process.env.JACK_DEFAULT_SERVER;
    const previousNoStart = process.env.JACK_NO_START_SERVER;
    process.env.JACK_DEFAULT_SERVER = serverName;
    process.env.JACK_NO_START_SERVER = '1';
    let server;
    try {
      await rescanDevices(); // PortAudio's session now looks for the server that is not there yet
      helper.settings({ rtmixerConfigReconnectInterval: 300 });
      await loadFlow([tab, mixerConfig(), stats()], { loopback: false });
      assert.equal(helper.getNode('mixer').state, 'error');
      const opened = statusOf('stats', (s) => s.fill === 'grey' || s.fill === 'green', 20000);
      server = startJackServer({ name: serverName });
      await opened;
      assert.equal(helper.getNode('mixer').state, 'open');
      assert.equal(mixerOf().sampleRate, 48000);
    } finally {
      await helper.unload();
      helper.settings({});
      process.env.JACK_DEFAULT_SERVER = previous;
      if (previousNoStart === undefined) delete process.env.JACK_NO_START_SERVER;
      else process.env.JACK_NO_START_SERVER = previousNoStart;
      // Back to the suite's server while the late one still runs (were it gone
      // first, the session would be retired rather than re-initialised: PortAudio
      // 19.6's JACK host aborts the process in Pa_Terminate after its server died).
      await rescanDevices();
      if (server) server.stop();
    }
  });

  it('survives 50 full redeploys with no leaked stream, native memory or handle', async function () {
    this.timeout(240000); // 25 s on an idle machine, several times that on a loaded one
    const flow = [tab, mixerConfig(), stats(), out];
    await loadFlow(flow);
    await sleep(100);
    const handlesBefore = process._getActiveHandles().length;
    for (let i = 0; i < 50; i++) {
      await helper.setFlows(flow, 'full');
      assert.equal(helper.getNode('mixer').state, 'open', `redeploy ${i}`);
      const reply = nextMessage('out');
      helper.getNode('stats').receive({});
      await reply;
    }
    assert.equal(portAudioClients().size, 1, 'one stream after 50 redeploys');
    await helper.unload();
    await sleep(200);
    assert.equal(portAudioClients().size, 0, 'the stream is gone after the last close');
    assert.deepEqual(nativeMemory(), { actions: 0, bytes: 0 });
    assert.ok(process._getActiveHandles().length <= handlesBefore + 2, `${process._getActiveHandles().length} handles, ${handlesBefore} before`);
  });

  it('a partial deploy of one user node does not restart the stream for the others', async () => {
    const flow = [tab, mixerConfig(), stats(), stats({ id: 'stats2', wires: [] }), out];
    await loadFlow(flow);
    const before = mixerOf();
    const frame = before.currentFrame;
    const changed = flow.map((n) => (n.id === 'stats2' ? { ...n, name: 'renamed' } : n));
    await helper.setFlows(changed, 'nodes');
    assert.equal(mixerOf(), before, 'same Mixer object');
    assert.ok(mixerOf().currentFrame > frame);
    const reply = nextMessage('out');
    helper.getNode('stats').receive({});
    await reply;
  });

  it('lists host APIs and devices for the editor', async () => {
    await loadFlow([tab, mixerConfig()], { loopback: false });
    const res = await helper.request().get('/rtmixer-config/devices').expect(200);
    assert.ok(res.body.hostApis.some((h) => h.name === 'JACK Audio Connection Kit'));
    assert.ok(res.body.devices.some((d) => d.name === 'system' && d.maxOutputChannels >= 2));
  });
});

describe('rtmixer-config in a real Node-RED without PortAudio', function () {
  this.timeout(180000); // a real Node-RED starts in seconds, in a minute or more on a loaded machine

  it('still loads its nodes, and a message to one gets a coded error that says which library could not be loaded', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-nopa-'));
    const report = path.join(work, 'error.json');
    const flows = [
      { id: 'tab', type: 'tab', label: 'no PortAudio' },
      { id: 'mixer', type: 'rtmixer-config', name: '', hostApi: '', device: '', sampleRate: '', blockSize: '0', latency: 'low', inputChannels: '', outputChannels: '' },
      { id: 'go', type: 'inject', z: 'tab', x: 100, y: 40, once: true, onceDelay: 0.5, repeat: '', props: [{ p: 'payload' }], payload: '', payloadType: 'date', wires: [['stats']] },
      { id: 'stats', type: 'rtmixer-stats', z: 'tab', x: 300, y: 40, mixer: 'mixer', interval: '0', wires: [[]] },
      { id: 'catcher', type: 'catch', z: 'tab', x: 100, y: 100, scope: null, uncaught: false, wires: [['json']] },
      { id: 'json', type: 'function', z: 'tab', x: 300, y: 100, func: 'msg.payload = JSON.stringify(msg.error); return msg;', outputs: 1, wires: [['write']] },
      { id: 'write', type: 'file', z: 'tab', x: 500, y: 100, filename: report, filenameType: 'str', appendNewline: false, createDir: false, overwriteFile: 'true', encoding: 'utf8', wires: [[]] },
    ];
    const red = await startNodeRed({
      userDir: work,
      modules: [path.join(__dirname, '..', '..')],
      flows,
      env: { RTMIXER_PORTAUDIO_LIBRARY: path.join(work, 'no-such-libportaudio.so') },
    });
    try {
      const deadline = Date.now() + 20000;
      while (!fs.existsSync(report) && Date.now() < deadline) await sleep(100);
      const error = JSON.parse(fs.readFileSync(report, 'utf8'));
      assert.equal(error.source.id, 'stats');
      assert.equal(error.code, 'ERR_RTMIXER_NATIVE');
      assert.match(error.message, /Cannot load PortAudio from RTMIXER_PORTAUDIO_LIBRARY=.*no-such-libportaudio\.so.*No such file/);
      const types = await (await red.request('/nodes')).json();
      const ours = types.filter((n) => n.module === 'node-red-contrib-rtmixer');
      assert.equal(ours.length, Object.keys(require('../../package.json')['node-red'].nodes).length, 'every node type of package.json');
      assert.ok(ours.every((n) => n.enabled && !n.err), JSON.stringify(ours));
    } finally {
      await red.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('rtmixer-config device route in a real Node-RED with adminAuth', function () {
  this.timeout(180000); // a real Node-RED starts in seconds, in a minute or more on a loaded machine
  let red;
  before(async () => {
    red = await startNodeRed({
      modules: [path.join(__dirname, '..', '..')],
      settings: {
        // password "rtmixer-test", bcrypt-hashed as Node-RED's settings expect
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: '$2b$08$wzR.9s3O3oTwGsojeUqmv.6kNjSrawVyumSAjPA1LRhQxKV8zBeOm', permissions: '*' },
            { username: 'viewer', password: '$2b$08$wzR.9s3O3oTwGsojeUqmv.6kNjSrawVyumSAjPA1LRhQxKV8zBeOm', permissions: 'read' },
          ],
        },
      },
    });
  });
  after(async () => {
    if (red) {
      await red.stop();
      fs.rmSync(red.userDir, { recursive: true, force: true });
    }
  });

  it('refuses an unauthenticated request and answers an authenticated one', async () => {
    const anonymous = await red.request('/rtmixer-config/devices');
    assert.equal(anonymous.status, 401);
    const login = await red.request('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: 'admin', password: 'rtmixer-test' }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const { access_token: token } = await login.json();
    const listed = await red.request('/rtmixer-config/devices', { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(listed.status, 200);
    const body = await listed.json();
    assert.ok(body.devices.some((d) => d.name === 'system'));
  });

  /** An access token for `username` (password "rtmixer-test") with `scope` (at most the user's permissions). */
  async function tokenFor(username, scope) {
    const login = await red.request('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope, username, password: 'rtmixer-test' }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    return (await login.json()).access_token;
  }

  // Node-RED answers a missing permission with 401 whether or not the request carries a token
  // (@node-red/editor-api auth.needsPermission), so a read-only user gets 401 too.
  it('the test tone needs rtmixer-config.write: 401 anonymous and read-only, 404 for an id that is not deployed', async () => {
    const url = '/rtmixer-config/no-such-config/test-tone?channel=1';
    assert.equal((await red.request(url, { method: 'POST' })).status, 401);
    const viewer = await tokenFor('viewer', 'read');
    assert.equal((await red.request('/rtmixer-config/devices', { headers: { Authorization: `Bearer ${viewer}` } })).status, 200, 'read is enough to list devices');
    assert.equal((await red.request(url, { method: 'POST', headers: { Authorization: `Bearer ${viewer}` } })).status, 401, 'read is not write');
    const admin = await tokenFor('admin', '*');
    const unknown = await red.request(url, { method: 'POST', headers: { Authorization: `Bearer ${admin}` } });
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error, /No deployed rtmixer-config node has this id: deploy the flow first/);
  });

  it('serves the message catalogues and help from locales/en-US to the editor', async () => {
    const headers = { Authorization: `Bearer ${await tokenFor('admin', '*')}` };
    const messages = await (await red.request('/nodes/messages?lng=en-US', { headers })).json();
    assert.equal(messages['node-red-contrib-rtmixer/rtmixer-config']['rtmixer-config'].devices.found_one, '__count__ device found');
    assert.match(messages['node-red-contrib-rtmixer/rtmixer-config'].runtime['late-start'], /msg\.delay/);
    assert.equal(messages['node-red-contrib-rtmixer/rtmixer-stats']['rtmixer-stats'].label.interval, 'Interval');
    const editor = await (await red.request('/nodes', { headers: { ...headers, Accept: 'text/html' } })).text();
    for (const type of ['rtmixer-config', 'rtmixer-play-buffer', 'rtmixer-play-ringbuffer', 'rtmixer-record', 'rtmixer-stats']) {
      assert.match(editor, new RegExp(`data-help-name="${type}"`), `help of ${type}`);
    }
  });
});
