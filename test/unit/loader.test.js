'use strict';
// Where the addon looks for PortAudio on each platform (native/host/pa_search.c),
// through the addon's portAudioSearchOrder(platform, addonDir, override) export:
// the same compiled function the loader calls, asked about every platform.
// The Windows loader itself runs in test/package/windows.test.js under Wine.
const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const gyp = require('node-gyp-build');
const addon = gyp(root);
const order = (...args) => addon.portAudioSearchOrder(...args);

describe('PortAudio search order', () => {
  it('Linux: the distribution library by name, for the dynamic linker to find', () => {
    assert.deepEqual(order('linux', '/opt/app/prebuilds/linux-x64', null), ['libportaudio.so.2']);
  });

  it('macOS: the dylib beside the addon, then Homebrew (Apple silicon, Intel), MacPorts, then dyld', () => {
    assert.deepEqual(order('darwin', '/Users/me/.node-red/node_modules/x/prebuilds/darwin-arm64', null), [
      '/Users/me/.node-red/node_modules/x/prebuilds/darwin-arm64/libportaudio.2.dylib',
      '/opt/homebrew/lib/libportaudio.2.dylib',
      '/usr/local/lib/libportaudio.2.dylib',
      '/opt/local/lib/libportaudio.2.dylib',
      'libportaudio.2.dylib',
    ]);
  });

  it('Windows: the DLL beside the addon by full path, then the DLL search path under common names', () => {
    assert.deepEqual(order('win32', 'C:\\Users\\me\\.node-red\\node_modules\\x\\prebuilds\\win32-x64', null), [
      'C:\\Users\\me\\.node-red\\node_modules\\x\\prebuilds\\win32-x64\\portaudio.dll',
      'portaudio.dll',
      'portaudio_x64.dll',
      'libportaudio.dll',
      'libportaudio-2.dll',
    ]);
  });

  it('RTMIXER_PORTAUDIO_LIBRARY is the only candidate on every platform: no silent fallback', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      assert.deepEqual(order(platform, '/any/dir', '/custom/libportaudio.so'), ['/custom/libportaudio.so'], platform);
    }
    // An empty value is unset.
    assert.deepEqual(order('linux', null, ''), ['libportaudio.so.2']);
  });

  it('skips the bundled copy when the addon folder is unknown or too long, and joins a trailing separator once', () => {
    assert.deepEqual(order('win32', null, null), ['portaudio.dll', 'portaudio_x64.dll', 'libportaudio.dll', 'libportaudio-2.dll']);
    assert.equal(order('darwin', '', null)[0], '/opt/homebrew/lib/libportaudio.2.dylib');
    assert.equal(order('darwin', `/${'d'.repeat(1100)}`, null)[0], '/opt/homebrew/lib/libportaudio.2.dylib');
    assert.equal(order('win32', 'D:\\pkg\\', null)[0], 'D:\\pkg\\portaudio.dll');
    assert.equal(order('darwin', '/pkg/', null)[0], '/pkg/libportaudio.2.dylib');
  });

  it('keeps non-ASCII folder names byte for byte (UTF-8; converted to UTF-16 only at LoadLibraryExW)', () => {
    assert.equal(order('win32', 'C:\\Users\\José\\音', null)[0], 'C:\\Users\\José\\音\\portaudio.dll');
  });

  it('rejects an unknown platform with a TypeError', () => {
    assert.throws(() => order('freebsd', null, null), { name: 'TypeError', message: /'linux', 'darwin' or 'win32'/ });
    assert.throws(() => order(undefined), TypeError);
  });
});

describe('The loader on this machine', () => {
  it('knows the folder of the .node it runs from (where bundled libraries are looked for)', () => {
    assert.equal(addon.addonDir(), path.dirname(gyp.resolve(root)));
  });

  it('reports which file PortAudio came from, the first candidate that loads', () => {
    addon.portAudioVersion(); // loads the library, without initialising it
    const candidates = order(process.platform, addon.addonDir(), process.env.RTMIXER_PORTAUDIO_LIBRARY || null);
    assert.ok(candidates.includes(addon.portAudioLibrary()), `${addon.portAudioLibrary()} is one of ${candidates.join(', ')}`);
  });
});

describe('Loading PortAudio from several threads at once', () => {
  it('four workers and the main thread load it together in a fresh process: one library, the same version everywhere', () => {
    // A fresh process, so that no thread has loaded PortAudio before the race.
    const { spawnSync } = require('node:child_process');
    const script = `
      const { Worker } = require('node:worker_threads');
      const gyp = require('node-gyp-build');
      const source = 'const { parentPort } = require("node:worker_threads");' +
        'const a = require("node-gyp-build")(' + JSON.stringify(${JSON.stringify(root)}) + ');' +
        'parentPort.postMessage({ version: a.portAudioVersion(), file: a.portAudioLibrary() });';
      const workers = Array.from({ length: 4 }, () => new Worker(source, { eval: true }));
      const main = gyp(${JSON.stringify(root)});
      const mine = { version: main.portAudioVersion(), file: main.portAudioLibrary() };
      Promise.all(workers.map((w) => new Promise((ok, fail) => { w.once('message', ok); w.once('error', fail); })))
        .then((all) => { console.log(JSON.stringify([mine, ...all])); });
    `;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
    assert.equal(child.status, 0, child.stderr);
    const results = JSON.parse(child.stdout.trim().split('\n').pop());
    assert.equal(results.length, 5);
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.match(results[0].version, /PortAudio/);
  });
});
