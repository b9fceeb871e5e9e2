'use strict';
// Checks that need no audio device: channel lists with holes, option objects,
// gains, and ring buffers written with bad data or called directly.
const assert = require('node:assert/strict');
const { RingBuffer } = require('../..');
const { native } = require('../../dist/src/native');
const { channelMap, requireGain, requireOptions } = require('../../dist/src/validate');

function throwsCoded(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}
const INVALID = 'ERR_RTMIXER_INVALID_ARGUMENT';

describe('Input checks without a device', function () {
  it('checks every index of a channel list, holes included', () => {
    const holes = [];
    holes[2] = 1;
    throwsCoded(() => channelMap('outputs', holes, 2), INVALID, /outputs\[0\] must be a channel number from 1 to 2.*a hole in a sparse array/);
    throwsCoded(() => channelMap('channels', new Array(3), 2), INVALID, /channels\[0\].*hole/);
    throwsCoded(() => channelMap('channels', [1, undefined], 2), INVALID, /channels\[1\].*got undefined/);
    assert.deepEqual(channelMap('channels', [2, 1], 2), [1, 0]);
  });

  it('refuses unknown option keys and non-object options', () => {
    throwsCoded(() => requireOptions('play()', { fadeout: 1 }, ['fadeIn', 'fadeOut']), INVALID, /Unknown option "fadeout" for play\(\) \(did you mean "fadeOut"\?\)\. Allowed: fadeIn, fadeOut/);
    throwsCoded(() => requireOptions('record()', [1], ['at']), INVALID, /must be an object, got an Array/);
    assert.deepEqual(requireOptions('record()', undefined, ['at']), {});
    assert.deepEqual(requireOptions('record()', { at: undefined }, ['at']), { at: undefined });
  });

  it('bounds gains from 0 to the limit the addon enforces', () => {
    assert.equal(native().limits.maxGain, 100);
    assert.equal(requireGain('gain', 100), 100);
    for (const bad of [3.5e38, -1, NaN, Infinity, 100.0001]) throwsCoded(() => requireGain('gain', bad), INVALID, /gain must be a linear gain from 0 to 100/);
  });

  it('writes nothing of a chunk with a NaN or Infinity', () => {
    const rb = new RingBuffer(64, 1);
    throwsCoded(() => rb.write(Float32Array.of(0, 0.5, NaN)), INVALID, /non-finite sample \(NaN\) at index 2/);
    throwsCoded(() => rb.write(Float32Array.of(Infinity)), INVALID, /non-finite sample \(Infinity\)/);
    assert.equal(rb.readAvailable, 0);
    assert.equal(rb.write(Float32Array.of(0.25)), 1);
  });

  it('refuses a ring it cannot hold (TOO_LARGE) instead of wrapping its size', () => {
    throwsCoded(() => new RingBuffer(2 ** 26, 64), 'ERR_RTMIXER_TOO_LARGE', /needs 16384 MiB; a ring buffer holds at most 2 GiB/);
    throwsCoded(() => new RingBuffer(2 ** 24 + 1, 32), 'ERR_RTMIXER_TOO_LARGE', /33554432 frames x 32 channels/);
    assert.equal(new RingBuffer(2 ** 24, 1).capacity, 2 ** 24);
  });

  it('survives direct calls of the native ring with wrong arguments', () => {
    const { NativeRingBuffer } = native();
    assert.throws(() => new NativeRingBuffer('64', 2), RangeError);
    assert.throws(() => new NativeRingBuffer(64, 0), RangeError);
    assert.throws(() => new NativeRingBuffer(2 ** 40, 1), RangeError);
    const rb = new NativeRingBuffer(64, 2);
    assert.throws(() => rb.write(new Int16Array(4)), /write\(\) needs a Float32Array/);
    assert.throws(() => rb.write('samples'), /write\(\) needs a Float32Array/);
    assert.equal(rb.write(new Float32Array(3)), 1, 'a partial frame is left out');
    assert.equal(rb.read(-1).length, 2, 'a negative count reads what there is');
    assert.equal(rb.read(NaN).length, 0);
    assert.equal(rb.inUse, '');
  });
});
