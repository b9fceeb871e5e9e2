'use strict';
// What ships: `npm pack` with the prebuilt binary, installed into a fresh
// directory with install scripts blocked (as npm 11 does for dependencies) and
// no compiler on PATH, then loaded and played through the JACK loopback.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const platformDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);

function pathWithout(tools, dir) {
  // A PATH of just node, npm and a shell: no cc, g++, make or python.
  fs.mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    fs.symlinkSync(real, path.join(dir, tool));
  }
  return dir;
}

describe('The packed package', function () {
  this.timeout(180000);
  let work;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-pack-'));
    if (!fs.existsSync(platformDir)) execFileSync('npm', ['run', 'prebuildify'], { cwd: root, stdio: 'ignore' });
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('installs with scripts blocked and no compiler, and plays from its prebuilt binary', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
    const files = packed[0].files.map((f) => f.path);
    assert.ok(files.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`)), 'the tarball carries the prebuild');
    assert.ok(!files.some((f) => f.startsWith('build/')), 'never ship build/');
    assert.ok(files.includes('dist/src/index.js'));

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
    const bin = pathWithout(['node', 'npm', 'sh'], path.join(work, 'bin'));
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', path.join(work, packed[0].filename)], {
      cwd: app,
      env: { ...process.env, PATH: bin },
      stdio: 'ignore',
    });
    const installed = path.join(app, 'node_modules', 'node-red-contrib-rtmixer');
    assert.ok(!fs.existsSync(path.join(installed, 'build')), 'nothing was compiled');

    const script = `
      const path = require('node:path');
      const rt = require('node-red-contrib-rtmixer');
      const { wireLoopback } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'jack-server.js'))});
      (async () => {
        const loaded = require('node-gyp-build').resolve(path.dirname(require.resolve('node-red-contrib-rtmixer/package.json')));
        const mixer = new rt.Mixer({ device: 'system', hostApi: 'JACK' });
        wireLoopback();
        await new Promise((r) => setTimeout(r, 50));
        const at = mixer.currentFrame + 2400;
        mixer.play(new Float32Array([1, 0]), { at });
        const { samples } = await mixer.record(256, { at, channels: [1] }).done;
        await mixer.close();
        console.log(JSON.stringify({ loaded, impulseAt: samples.indexOf(1) }));
      })();`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop());
    assert.match(result.loaded, /prebuilds\/linux-x64\/.*\.node$/);
    assert.equal(result.impulseAt, 64);
  });
});
