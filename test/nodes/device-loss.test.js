'use strict';
// The JACK server SIGKILLed under a real Node-RED process, then restarted:
// every rtmixer node turns red ("device lost") within 1 s, green again within
// 2 s of the server's return, nothing hangs, and every message gets a result
// or a coded error. The flow writes what happens (statuses, results, caught
// errors) as JSON lines to a file the test reads.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNodeRed } = require('../helpers/node-red-process');
const { freeServerName, startJackServer } = require('../../tools/jack-server');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function flowWriting(logFile) {
  const at = (x, y) => ({ z: 'loss', x, y });
  const line = (kind, body) => `msg.payload = JSON.stringify({ t: Date.now(), kind: '${kind}', ${body} }) + '\\n'; return msg;`;
  const file = { id: 'log', type: 'file', ...at(900, 100), filename: logFile, filenameType: 'str', appendNewline: false, createDir: true, overwriteFile: 'false', encoding: 'none', wires: [[]] };
  return [
    { id: 'loss', type: 'tab', label: 'device loss' },
    { id: 'mixer', type: 'rtmixer-config', name: 'lossy', hostApi: 'JACK', device: 'system' },
    // Every 100 ms a 50 ms sound, numbered.
    { id: 'tick', type: 'inject', ...at(100, 100), repeat: '0.1', once: true, onceDelay: '0.5', topic: '', payload: '', payloadType: 'date', props: [{ p: 'payload' }], wires: [['sound']] },
    { id: 'sound', type: 'function', ...at(250, 100), func: 'const seq = context.get("seq") || 0; context.set("seq", seq + 1); msg.seq = seq + 1; msg.payload = new Float32Array(2400).fill(0.01); node.send([msg, { payload: JSON.stringify({ t: Date.now(), kind: "sent", seq: msg.seq }) + "\\n" }]);', outputs: 2, wires: [['play'], ['log']] },
    { id: 'play', type: 'rtmixer-play-buffer', ...at(400, 100), mixer: 'mixer', wires: [['result']] },
    { id: 'result', type: 'function', ...at(550, 100), func: line('result', 'seq: msg.seq, closed: msg.payload.closed, frames: msg.payload.frames'), outputs: 1, wires: [['log']] },
    { id: 'stats', type: 'rtmixer-stats', ...at(400, 200), mixer: 'mixer', interval: '0.25', wires: [[]] },
    { id: 'catch', type: 'catch', ...at(100, 300), scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'function', ...at(250, 300), func: line('error', 'seq: msg.seq, source: msg.error.source.id, code: msg.error.code, message: msg.error.message'), outputs: 1, wires: [['log']] },
    { id: 'status', type: 'status', ...at(100, 400), scope: ['play', 'stats'], wires: [['statusLine']] },
    { id: 'statusLine', type: 'function', ...at(250, 400), func: line('status', 'source: msg.status.source.id, fill: msg.status.fill, text: msg.status.text'), outputs: 1, wires: [['log']] },
    file,
  ];
}

function readLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Waits until `find(lines)` returns something, polling the log. */
async function waitFor(file, what, find, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(readLog(file));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-3000) : '(no log)'}`);
    await sleep(50);
  }
}

const isRed = (l, node, after) => l.kind === 'status' && l.source === node && l.fill === 'red' && l.t >= after;
const isUp = (l, node, after) => l.kind === 'status' && l.source === node && (l.fill === 'green' || l.fill === 'grey') && l.t >= after;

describe('Device loss in a real Node-RED process (JACK server SIGKILLed, then restarted)', function () {
  this.timeout(120000);
  let suiteServer = null; // read once the suite's root hook has started its server
  let server;
  let red;
  let work;

  after(async () => {
    if (red) await red.stop();
    if (server) server.stop();
    if (suiteServer === undefined) delete process.env.JACK_DEFAULT_SERVER;
    else if (suiteServer !== null) process.env.JACK_DEFAULT_SERVER = suiteServer;
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('turns every node red within 1 s, green within 2 s of the return, and answers every message', async () => {
    suiteServer = process.env.JACK_DEFAULT_SERVER;
    server = startJackServer({ name: freeServerName() });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-loss-nr-'));
    const log = path.join(work, 'log.jsonl');
    red = await startNodeRed({
      userDir: work,
      modules: [path.join(__dirname, '..', '..')],
      flows: flowWriting(log),
      env: { JACK_DEFAULT_SERVER: server.name },
    });
    const nodes = ['play', 'stats'];
    // Running: results come back.
    await waitFor(log, 'results before the kill', (lines) => lines.filter((l) => l.kind === 'result' && !l.closed).length >= 5, 20000);

    const killedAt = Date.now();
    process.kill(server.pid, 'SIGKILL');
    for (const node of nodes) {
      const status = await waitFor(log, `red status on ${node}`, (lines) => lines.find((l) => isRed(l, node, killedAt)), 5000);
      console.log(`      ${node}: red ${status.t - killedAt} ms after SIGKILL ("${status.text}")`);
      assert.match(status.text, /device lost/);
      assert.ok(status.t - killedAt < 1000, `${node} turned red ${status.t - killedAt} ms after the kill`);
    }
    // Down for a while: messages get the coded error at once.
    await sleep(1500);
    const downErrors = readLog(log).filter((l) => l.kind === 'error' && l.source === 'play' && l.t > killedAt);
    assert.ok(downErrors.length >= 5, `${downErrors.length} errors while down`);
    assert.ok(downErrors.every((l) => l.code === 'ERR_RTMIXER_STREAM_LOST'), JSON.stringify(downErrors.slice(0, 3)));

    for (let i = 0; i < 500 && fs.existsSync(`/proc/${server.pid}`); i++) await sleep(10);
    const startingAt = Date.now();
    server = startJackServer({ name: server.name });
    const backAt = Date.now();
    console.log(`      the server took ${backAt - startingAt} ms to start`);
    for (const node of nodes) {
      // The first status that is not red after the last red one: the moment it recovered
      // (startJackServer() returns a little after the server answers, so this may come first).
      const status = await waitFor(log, `green status on ${node}`, (lines) => {
        const mine = lines.filter((l) => l.kind === 'status' && l.source === node);
        const lastRed = mine.map((l) => l.fill).lastIndexOf('red');
        return lastRed >= 0 && mine[lastRed].t >= killedAt ? mine.slice(lastRed + 1).find((l) => isUp(l, node, 0)) : undefined;
      }, 10000);
      console.log(`      ${node}: green ${status.t - backAt} ms after the server came back ("${status.text}")`);
      assert.ok(status.t - backAt < 2000, `${node} recovered ${status.t - backAt} ms after the server came back`);
    }
    await waitFor(log, 'results after the return', (lines) => lines.some((l) => l.kind === 'result' && !l.closed && l.t > backAt), 5000);

    // Every message sent up to a second ago got a result or a coded error.
    await sleep(1000);
    const lines = readLog(log);
    const cutoff = Date.now() - 1000;
    const answered = new Map();
    for (const l of lines) if ((l.kind === 'result' || l.kind === 'error') && l.seq) answered.set(l.seq, l);
    const sent = lines.filter((l) => l.kind === 'sent' && l.t < cutoff);
    const unanswered = sent.filter((l) => !answered.has(l.seq));
    assert.deepEqual(unanswered.map((l) => l.seq), [], 'messages with neither a result nor an error');
    for (const l of answered.values()) if (l.kind === 'error') assert.match(l.code, /^ERR_RTMIXER_/);
    const closedAtKill = [...answered.values()].filter((l) => l.kind === 'result' && l.closed).length;
    console.log(`      ${sent.length} messages: ${[...answered.values()].filter((l) => l.kind === 'result' && !l.closed).length} played, ${closedAtKill} closed by the loss, ${[...answered.values()].filter((l) => l.kind === 'error').length} coded errors`);

    const stopped = await red.stop();
    red = undefined;
    assert.equal(stopped, true, 'Node-RED stopped on SIGINT');
  });
});
