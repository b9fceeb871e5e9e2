'use strict';
// Shared sounds without a device: what load() refuses, what a Sound reports,
// and that its native memory goes with release() or, if forgotten, with the
// garbage collector. Playing them is in test/loopback/shared-sounds.test.js.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { nativeMemory, Sound } = require('../..');
const { loadSound } = require('../../dist/src/sound');
const { native } = require('../../dist/src/native');

const INVALID = 'ERR_RTMIXER_INVALID_ARGUMENT';
function throwsCoded(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('Shared sounds without a device', function () {
  it('copies once into native memory that nativeMemory() counts, freed by release()', () => {
    const before = nativeMemory().bytes;
    const samples = new Float32Array([0.1, -0.1, 0.2, -0.2, 0.3, -0.3]);
    const sound = loadSound(samples, { channels: 2 }, 2);
    assert.ok(sound instanceof Sound);
    assert.deepEqual({ frames: sound.frames, channels: sound.channels, byteLength: sound.byteLength, released: sound.released },
      { frames: 3, channels: 2, byteLength: 24, released: false });
    assert.equal(nativeMemory().bytes, before + 24);
    samples.fill(9); // the Sound holds its own copy
    sound.release();
    assert.equal(sound.released, true);
    assert.equal(nativeMemory().bytes, before);
    sound.release(); // harmless
    assert.equal(nativeMemory().bytes, before);
    assert.equal(sound.frames, 3, 'its shape stays readable');
  });

  it('refuses bad input with coded errors and allocates nothing', () => {
    const before = nativeMemory();
    throwsCoded(() => loadSound([0.1, 0.2], { channels: 1 }, 2), INVALID, /samples must be a Float32Array/);
    throwsCoded(() => loadSound(Float32Array.of(0, 0.5, NaN, 0), { channels: 2 }, 2), INVALID, /non-finite sample \(NaN\) at index 2/);
    throwsCoded(() => loadSound(Float32Array.of(0, -Infinity), { channels: 1 }, 2), INVALID, /non-finite sample \(-Infinity\) at index 1/);
    throwsCoded(() => loadSound(Float32Array.of(0, 0, 0), { channels: 2 }, 2), INVALID, /3 values, which is not a whole number of 2-channel frames/);
    throwsCoded(() => loadSound(new Float32Array(0), { channels: 1 }, 2), INVALID, /samples is empty/);
    throwsCoded(() => loadSound(new Float32Array(6), { channels: 3 }, 2), INVALID, /channels must be an integer from 1 to 2, got 3/);
    throwsCoded(() => loadSound(new Float32Array(6), { channels: 0 }, 2), INVALID, /channels must be an integer from 1 to 2/);
    throwsCoded(() => loadSound(new Float32Array(6), {}, 2), INVALID, /load\(\) needs \{ channels \}/);
    throwsCoded(() => loadSound(new Float32Array(6), { channels: 1, chanels: 2 }, 2), INVALID, /Unknown option "chanels"/);
    throwsCoded(() => loadSound(new Float32Array(6), { channels: 1 }, 0), INVALID, /no output channels/);
    assert.deepEqual(nativeMemory(), before);
  });

  it('survives direct calls of the native sound with wrong arguments', () => {
    const { NativeSound } = native();
    assert.throws(() => new NativeSound([1, 2], 1), TypeError);
    assert.throws(() => new NativeSound(new Float32Array(4), 0), RangeError);
    assert.throws(() => new NativeSound(new Float32Array(4), 65), RangeError);
    assert.throws(() => new NativeSound(new Float32Array(3), 2), RangeError);
    assert.throws(() => new NativeSound(new Float32Array(0), 1), RangeError);
    assert.throws(() => new NativeSound(Float32Array.of(Infinity), 1), /non-finite sample \(Infinity\) at index 0/);
  });

  it('frees a sound never released once it is garbage-collected (finalizer)', () => {
    // A child process with --expose-gc: the collection and the finalizer are real.
    const script = `
      const { nativeMemory } = require(${JSON.stringify(path.join(__dirname, '../..'))});
      const { loadSound } = require(${JSON.stringify(path.join(__dirname, '../../dist/src/sound'))});
      (function () { for (let i = 0; i < 8; i++) loadSound(new Float32Array(48000 * 2).fill(0.5), { channels: 2 }, 2); })();
      const loaded = nativeMemory().bytes;
      const end = Date.now() + 20000;
      (function poll() {
        global.gc();
        if (nativeMemory().bytes === 0 || Date.now() > end) return console.log(JSON.stringify({ loaded, after: nativeMemory().bytes }));
        setTimeout(poll, 10);
      })();`;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' }));
    assert.deepEqual(out, { loaded: 8 * 48000 * 2 * 4, after: 0 });
  });
});
