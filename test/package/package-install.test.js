'use strict';
// What ships: `npm pack` with the prebuilt binary, installed into a fresh
// Node-RED user directory the way the palette manager does it (Node-RED's own
// npm, its arguments) with install scripts blocked and no compiler on PATH;
// then loaded and played through the JACK loopback from plain Node.js, and
// loaded by Node-RED itself (the node-red devDependency, started as a child
// process on loopback only), which lists the nodes and examples and plays a
// deployed flow.
//
// It packs the dist/ that `npm run build` made (npm test's pretest) with
// `npm pack --ignore-scripts`: the `prepare` script would wipe and rebuild
// dist/ in the middle of the run. That needs the system npm: under `npm test`
// or `npx mocha`, `npm` on PATH is node_modules/.bin/npm, the npm 10 that
// Node-RED bundles, whose pack runs `prepare` even with --ignore-scripts.
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { portAudioPorts } = require('../../tools/jack-server');
const { startNodeRed } = require('../helpers/node-red-process');
const { systemTool } = require('../helpers/wine');
const { resolveFromNodeRed } = require('../helpers/node-red-runtime');
const { waitFor } = require('../helpers/wait');

const root = path.join(__dirname, '..', '..');
const pkg = require('../../package.json');
const platformDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const jackServerHelper = path.join(__dirname, '..', '..', 'tools', 'jack-server.js');
/** Every node type the package declares (the keys of package.json's node-red.nodes are the type names). */
const nodeTypes = Object.keys(pkg['node-red'].nodes);
// The palette manager's `npm install` arguments (@node-red/registry installer.js).
const PALETTE_NPM_ARGS = ['--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `tool` on PATH outside node_modules/.bin (the helper the Windows test uses), or an error. */
function requireSystemTool(tool) {
  const file = systemTool(tool);
  if (!file) throw new Error(`${tool} is not on PATH`);
  return file;
}

function pathWithout(tools, dir) {
  // A PATH of just node, npm and a shell: no cc, g++, make or python.
  fs.mkdirSync(dir, { recursive: true });
  for (const tool of tools) fs.symlinkSync(requireSystemTool(tool), path.join(dir, tool));
  return dir;
}

/** The npm CLI the palette manager runs: the one @node-red/registry resolves (installer.js). */
const paletteNpmCli = path.join(
  path.dirname(require.resolve('npm/package.json', { paths: [path.dirname(resolveFromNodeRed('@node-red/registry/package.json'))] })),
  'bin',
  'npm-cli.js',
);

/** One admin API request (no keep-alive, so no socket outlives the test). */
function request(port, method, urlPath, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: false,
        headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json;
          try { json = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
          resolve({ status: res.statusCode, text, json });
        });
      },
    );
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}


/** A child process whose stdout lines are collected and can be awaited. */
function lineReader(child) {
  const lines = [];
  const waiters = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    rest += chunk;
    const parts = rest.split('\n');
    rest = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) if (w.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
    }
  });
  return {
    lines,
    next(test, timeoutMs, what) {
      const found = lines.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { test, resolve: (l) => { clearTimeout(timer); resolve(l); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${what}; output so far:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
  };
}

function jackCommand(cmd, ...args) {
  execFileSync(cmd, ['-s', process.env.JACK_DEFAULT_SERVER, ...args], { stdio: 'ignore' });
}

/** Cuts every connection that touches `ports`, so only the wires we make carry sound. */
function disconnectAll(ports) {
  const lines = execFileSync('jack_lsp', ['-s', process.env.JACK_DEFAULT_SERVER, '-c'], { encoding: 'utf8' }).split('\n');
  let current = null;
  for (const line of lines) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) { current = line.trim(); continue; }
    const other = line.trim();
    if (ports.includes(current) || ports.includes(other)) {
      try { jackCommand('jack_disconnect', current, other); } catch { /* already cut from the other side */ }
    }
  }
}

/** Newest modification time under `entry` (a file or a folder). */
function newestMtime(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** No glibc prebuild for this platform, or one older than the native sources it is built from. */
function prebuildIsStale() {
  const binaries = fs.existsSync(platformDir) ? fs.readdirSync(platformDir).filter((f) => f.endsWith('.glibc.node')) : [];
  if (binaries.length === 0) return true;
  const built = Math.min(...binaries.map((f) => fs.statSync(path.join(platformDir, f)).mtimeMs));
  return newestMtime(path.join(root, 'native')) > built || newestMtime(path.join(root, 'binding.gyp')) > built;
}

describe('The packed package', function () {
  // About 15 s on 2 shared cores, mostly npm install and Node-RED's start.
  this.timeout(120000);
  let work;
  let userDir;
  let bin;
  let tarballFiles;
  let tarballSize;
  let installed;

  before(function () {
    // Compiling the prebuild takes a minute on 2 idle cores and several on a
    // loaded machine; packing and installing, well under one.
    const rebuild = prebuildIsStale();
    this.timeout(rebuild ? 600000 : 120000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-pack-'));
    const npm = requireSystemTool('npm');
    // (the glibc binary this test loads: prebuilds/linux-x64 may hold only the musl one)
    if (rebuild) {
      // prebuildify recompiles in build/ and leaves it without the development
      // addon the rest of the suite (and the Node 22 line after it) loads: the
      // suite's build is kept aside meanwhile and put back.
      const build = path.join(root, 'build');
      const kept = path.join(root, 'build.kept-by-package-test');
      fs.rmSync(kept, { recursive: true, force: true });
      if (fs.existsSync(build)) fs.renameSync(build, kept);
      try {
        execFileSync(npm, ['run', 'prebuildify'], { cwd: root, stdio: 'ignore' });
      } finally {
        if (fs.existsSync(kept)) {
          fs.rmSync(build, { recursive: true, force: true });
          fs.renameSync(kept, build);
        }
      }
    }
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
    );
    tarballSize = packed[0].size;
    tarballFiles = packed[0].files.map((f) => f.path);

    // A fresh Node-RED user directory, as Node-RED creates it, and the
    // palette manager's install with dependency scripts blocked and no compiler.
    userDir = path.join(work, 'node-red');
    fs.mkdirSync(userDir);
    fs.writeFileSync(
      path.join(userDir, 'package.json'),
      JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }),
    );
    bin = pathWithout(['node', 'npm', 'sh'], path.join(work, 'bin'));
    execFileSync(process.execPath, [paletteNpmCli, 'install', ...PALETTE_NPM_ARGS, '--ignore-scripts', '--', path.join(work, packed[0].filename)], {
      cwd: userDir,
      env: { ...process.env, PATH: bin },
      stdio: 'ignore',
    });
    installed = path.join(userDir, 'node_modules', 'node-red-contrib-rtmixer');
  });
  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('carries the prebuild, the compiled nodes and no build/, and installs with nothing compiled', () => {
    assert.ok(tarballFiles.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`)), 'the tarball carries the prebuild');
    assert.ok(!tarballFiles.some((f) => f.startsWith('build/')), 'never ship build/');
    assert.ok(tarballFiles.includes('dist/src/index.js'));
    // About 0.2 MB with one prebuild, 0.4 MB with the ARM ones: a stray build/,
    // node_modules/ or recording would show here first.
    assert.ok(tarballSize < 2 * 1024 * 1024, `the tarball is ${tarballSize} bytes`);
    for (const file of Object.values(pkg['node-red'].nodes)) {
      assert.ok(tarballFiles.includes(file), `the tarball carries ${file}`);
      assert.ok(tarballFiles.includes(file.replace(/\.js$/, '.html')), `the tarball carries ${file.replace(/\.js$/, '.html')}`);
    }
    assert.ok(fs.existsSync(path.join(installed, 'package.json')), 'installed into the user directory');
    assert.ok(!fs.existsSync(path.join(installed, 'build')), 'nothing was compiled');
    const saved = JSON.parse(fs.readFileSync(path.join(userDir, 'package.json'), 'utf8'));
    assert.ok(saved.dependencies['node-red-contrib-rtmixer'], 'saved in the user directory as the palette does');
  });

  it('plays from its prebuilt binary from plain Node.js', () => {
    const script = `
      const path = require('node:path');
      const rt = require('node-red-contrib-rtmixer');
      const { wireLoopback } = require(${JSON.stringify(jackServerHelper)});
      (async () => {
        const loaded = require('node-gyp-build').resolve(path.dirname(require.resolve('node-red-contrib-rtmixer/package.json')));
        const mixer = new rt.Mixer({ device: 'system', hostApi: 'JACK' });
        wireLoopback();
        await new Promise((r) => setTimeout(r, 50));
        const at = mixer.currentFrame + 14400; // 300 ms ahead: the play must reach the callback before it

        // 0.5, not 1: the mix clamps full scale to just below 1.0 (see README, How it works).
        mixer.play(new Float32Array([0.5, 0]), { at });
        const { samples } = await mixer.record(256, { at, channels: [1] }).done;
        await mixer.close();
        console.log(JSON.stringify({ loaded, impulseAt: samples.indexOf(0.5) }));
      })();`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: userDir, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop());
    assert.match(result.loaded, /prebuilds\/linux-x64\/.*\.node$/);
    assert.equal(result.impulseAt, 64);
  });

  describe('in Node-RED', () => {
    let red;
    let port;
    const outFile = () => path.join(work, 'flow-output.jsonl');

    before(async function () {
      this.timeout(180000);
      // The admin API answers once the runtime has loaded every node module.
      red = await startNodeRed({
        userDir,
        cwd: userDir,
        env: { PATH: bin },
        timeoutMs: 120000,
        settings: {
          logging: { console: { level: 'info', metrics: false, audit: false } },
          diagnostics: { enabled: false, ui: false },
          telemetry: { enabled: false, updateNotification: false },
          editorTheme: { tours: false, projects: { enabled: false } },
          externalModules: { autoInstall: false, palette: { allowInstall: false } },
        },
      });
      port = Number(new URL(red.url).port);
    });

    after(async function () {
      this.timeout(20000);
      if (!red) return;
      // Node-RED stops its flows on SIGINT: the config node closes the stream.
      const stopped = await red.stop({ graceMs: 15000 });
      assert.ok(stopped, `Node-RED did not stop within 15 s of SIGINT:\n${red.log().split('\n').slice(-20).join('\n')}`);
    });

    const failure = (what) => `${what}\nNode-RED log:\n${red.log()}`;

    it('loads every rtmixer node type, enabled and without error', async () => {
      const res = await request(port, 'GET', '/nodes');
      assert.equal(res.status, 200);
      const sets = res.json.filter((set) => set.module === pkg.name);
      for (const type of nodeTypes) {
        const set = sets.find((s) => s.types.includes(type) || s.name === type);
        assert.ok(set, failure(`Node-RED does not list ${type}`));
        assert.equal(set.err, undefined, failure(`${type} failed to load: ${set.err?.message ?? JSON.stringify(set.err)}`));
        assert.ok(set.types.includes(type), failure(`${type} registered no node type (types: ${set.types.join(', ')})`));
        assert.equal(set.enabled, true, `${type} is enabled`);
      }
      const info = await request(port, 'GET', `/nodes/${pkg.name}`);
      assert.equal(info.status, 200);
      assert.equal(info.json.version, pkg.version);
      assert.deepEqual(info.json.nodes.map((n) => n.name).sort(), [...nodeTypes].sort());
    });

    it('lists the examples, which use only node types that are installed', async () => {
      const shipped = tarballFiles
        .filter((f) => f.startsWith('examples/') && f.endsWith('.json'))
        .map((f) => f.slice('examples/'.length, -'.json'.length))
        .sort();
      assert.ok(shipped.length > 0, 'the tarball carries examples');
      // The Import > Examples menu: every flow Node-RED lists for the module, folders included.
      const listed = [];
      async function walk(dir) {
        const res = await request(port, 'GET', `/library/examples/flows/${pkg.name}${dir ? `/${dir}` : ''}`);
        assert.equal(res.status, 200, `examples of ${pkg.name}${dir ? `/${dir}` : ''}`);
        for (const entry of res.json) {
          if (typeof entry === 'string') await walk(dir ? `${dir}/${entry}` : entry);
          else listed.push(dir ? `${dir}/${entry.fn}` : entry.fn);
        }
      }
      await walk('');
      assert.deepEqual(listed.sort(), shipped);

      const known = new Set((await request(port, 'GET', '/nodes')).json.flatMap((set) => set.types));
      for (const name of shipped) {
        const res = await request(port, 'GET', `/library/examples/flows/${pkg.name}/${name.split('/').map(encodeURIComponent).join('/')}`);
        assert.equal(res.status, 200, `example "${name}"`);
        assert.ok(Array.isArray(res.json), `example "${name}" is a flow (an array of nodes)`);
        const types = res.json.map((n) => n.type).filter((t) => t !== 'tab' && t !== 'group' && !t.startsWith('subflow'));
        assert.ok(types.some((t) => t.startsWith('rtmixer-')), `example "${name}" uses an rtmixer node`);
        assert.ok(types.includes('comment'), `example "${name}" explains itself in a comment node`);
        for (const type of types) assert.ok(known.has(type), `example "${name}" uses ${type}, which is not installed`);
      }
    });

    it('deploys an inject -> rtmixer-play-buffer flow that plays through JACK and reports when the sound ended', async function () {
      this.timeout(40000);
      const flow = [
        { id: 'tab', type: 'tab', label: 'package test' }, // nodes on a tab need x and y, or Node-RED takes them for config nodes,
        { id: 'mixer', type: 'rtmixer-config', name: 'JACK', hostApi: 'JACK', device: 'system', latency: 'low', blockSize: '0', sampleRate: '', inputChannels: '', outputChannels: '' },
        {
          id: 'go', type: 'inject', z: 'tab', name: 'impulse', x: 100, y: 40, props: [{ p: 'payload' }], payload: '', payloadType: 'date',
          repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', wires: [['impulse']],
        },
        {
          id: 'impulse', type: 'function', z: 'tab', name: 'a Float32Array', x: 260, y: 40, outputs: 1, noerr: 0, initialize: '', finalize: '', libs: [],
          func: 'msg.payload = new Float32Array([0.5, 0]);\nreturn msg;', wires: [['play']],
        },
        { id: 'play', type: 'rtmixer-play-buffer', z: 'tab', name: '', x: 440, y: 40, mixer: 'mixer', format: 'float32', channels: '1', wires: [['ended']] },
        {
          id: 'ended', type: 'function', z: 'tab', name: 'to JSON', x: 620, y: 40, outputs: 1, noerr: 0, initialize: '', finalize: '', libs: [],
          func: 'return { payload: JSON.stringify({ ended: msg.payload }) };', wires: [['out']],
        },
        { id: 'errors', type: 'catch', z: 'tab', name: '', x: 100, y: 100, scope: null, uncaught: false, wires: [['failed']] },
        {
          id: 'failed', type: 'function', z: 'tab', name: 'error to JSON', x: 260, y: 100, outputs: 1, noerr: 0, initialize: '', finalize: '', libs: [],
          func: 'return { payload: JSON.stringify({ error: msg.error }) };', wires: [['out']],
        },
        {
          id: 'out', type: 'file', z: 'tab', name: '', x: 800, y: 40, filename: outFile(), filenameType: 'str', appendNewline: true,
          createDir: true, overwriteFile: 'false', encoding: 'none', wires: [[]],
        },
      ];
      const deployed = await request(port, 'POST', '/flows', { body: flow, headers: { 'Node-RED-Deployment-Type': 'full' } });
      assert.ok(deployed.status === 200 || deployed.status === 204, failure(`deploy answered ${deployed.status}: ${deployed.text}`));

      // The config node opens its JACK client when play-buffer registers.
      const redPorts = await waitFor('the Node-RED mixer on JACK', () => {
        const p = portAudioPorts();
        return p.outputs.length > 0 ? p : null;
      }, { timeoutMs: 15000, everyMs: 100 }).catch((err) => assert.fail(failure(err.message)));

      // A second process records what Node-RED's outputs carry, with the installed package.
      const recorderScript = `
        const rt = require('node-red-contrib-rtmixer');
        const mixer = new rt.Mixer({ device: 'system', hostApi: 'JACK' });
        console.log(JSON.stringify({ ready: true }));
        process.stdin.once('data', async () => {
          process.stdin.destroy();
          // As soon as possible (late is fine) and 3 s long: the impulse comes after this line is read.
          const take = mixer.record(Math.round(mixer.sampleRate * 3), { allowBelated: true, channels: [1, 2] });
          console.log(JSON.stringify({ recording: true }));
          const { samples } = await take.done;
          await mixer.close();
          const hits = [];
          for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) hits.push([i % 2 + 1, samples[i]]);
          console.log(JSON.stringify({ hits }));
        });`;
      const recorder = spawn(process.execPath, ['-e', recorderScript], { cwd: userDir, env: { ...process.env, PATH: bin }, stdio: ['pipe', 'pipe', 'inherit'] });
      const recorderOut = lineReader(recorder);
      try {
        await recorderOut.next((l) => l.includes('"ready"'), 15000, 'the recorder');
        const all = portAudioPorts();
        const recInputs = all.inputs.filter((p) => !redPorts.inputs.includes(p));
        assert.ok(recInputs.length >= 2 && redPorts.outputs.length >= 2, `ports: ${JSON.stringify({ redPorts, all })}`);
        disconnectAll([...redPorts.outputs, ...recInputs]);
        jackCommand('jack_connect', redPorts.outputs[0], recInputs[0]);
        jackCommand('jack_connect', redPorts.outputs[1], recInputs[1]);
        recorder.stdin.end('go\n');
        await recorderOut.next((l) => l.includes('"recording"'), 10000, 'the recording to start');
        await sleep(100);

        const injected = await request(port, 'POST', '/inject/go');
        assert.equal(injected.status, 200, failure(`inject answered ${injected.status}: ${injected.text}`));

        const line = await waitFor('the flow output file', () => {
          const text = fs.existsSync(outFile()) ? fs.readFileSync(outFile(), 'utf8').trim() : '';
          return text ? text.split('\n')[0] : null;
        }, { timeoutMs: 10000, everyMs: 50 }).catch((err) => assert.fail(failure(err.message)));
        const result = JSON.parse(line);
        assert.equal(result.error, undefined, `the flow reported an error: ${JSON.stringify(result.error)}`);
        const ended = result.ended;
        assert.equal(typeof ended.startFrame, 'number', `play-buffer's message: ${line}`);
        assert.ok(Number.isInteger(ended.startFrame) && ended.startFrame >= 0);
        assert.equal(ended.frames, 2, 'the two mono frames played');
        assert.equal(ended.late, 0, 'frames late');
        assert.equal(ended.cancelled, false);

        const { hits } = JSON.parse(await recorderOut.next((l) => l.includes('"hits"'), 30000, 'the recording'));
        // Exactly the impulse, bit-exact, once on each output (a mono sound goes to
        // every output): nothing lost, nothing doubled, nothing else.
        assert.deepEqual(hits, [[1, 0.5], [2, 0.5]], `what the recorder heard: ${JSON.stringify(hits)}`);
      } finally {
        if (recorder.exitCode === null) {
          const gone = new Promise((resolve) => recorder.once('exit', resolve));
          if (!recorder.stdin.destroyed) recorder.stdin.end('go\n');
          await Promise.race([gone, sleep(5000).then(() => { try { process.kill(recorder.pid, 'SIGKILL'); } catch { /* gone */ } })]);
        }
      }
    });
  });
});
