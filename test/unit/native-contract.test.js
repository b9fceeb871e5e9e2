'use strict';
// The numbers TypeScript sends to and reads from the addon are the ones the C
// core declares in native/core/rtm_contract.h (exported by contract()).
const assert = require('node:assert/strict');
const path = require('node:path');
const { MAX_SHAPE_FRAMES } = require('../../dist/src/shaping');
const { native, ActionType, Outcome, STATUS_FLAGS, NATIVE_STATS_FIELDS } = require('../../dist/src/native');

/** A TypeScript numeric enum as { name: number } (without its reverse mapping). */
function enumEntries(e) {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === 'number'));
}

describe('The native contract', () => {
  const contract = native().contract();

  it('action types match', () => {
    assert.deepEqual(enumEntries(ActionType), contract.actionTypes);
  });

  it('outcomes match', () => {
    assert.deepEqual(enumEntries(Outcome), contract.outcomes);
  });

  it('PortAudio status flags match', () => {
    assert.deepEqual({ ...STATUS_FLAGS }, contract.statusFlags);
  });

  it('stats fields match, in order', () => {
    assert.deepEqual([...NATIVE_STATS_FIELDS], contract.statsFields);
  });

  it('limits are exported', () => {
    assert.equal(contract.maxChannels, 64);
    assert.equal(contract.maxShapeFrames, MAX_SHAPE_FRAMES);
  });

  it('the shipped addon has no test hooks or bench kernels; the development addon has them', () => {
    const root = path.join(__dirname, '..', '..');
    const shipped = require('node-gyp-build')(root);
    assert.equal(typeof shipped.benchSumVoicesNs, 'undefined');
    assert.equal(typeof shipped.NativeMixer.prototype.setTestHook, 'undefined');
    const dev = require(path.join(root, 'build', 'Release', 'dev', 'rtmixer_dev.node'));
    assert.equal(typeof dev.benchSumVoicesNs, 'function');
    assert.equal(typeof dev.NativeMixer.prototype.setTestHook, 'function');
  });
});
