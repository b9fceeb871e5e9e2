'use strict';
// The editor's red triangle and the runtime agree: every validated field of
// every node's .html accepts exactly the values the compiled node accepts at
// deploy (probed with values on and around each bound), so a value the
// runtime refuses is flagged before deploy, and none it takes is.
const assert = require('node:assert/strict');
const { editorRegistration } = require('../helpers/editor-file');
const { mixerOptionsFromText } = require('../../dist/src/index.js');

const PROBES = ['', '0', '-1', '0.01', '0.04', '0.05', '0.09', '0.1', '1', '1.5', '2', '9', '10', '64', '65', '100', '100.5', '199', '200', '201',
  '3600', '3601', '60000', '60001', '65536', '65537', '86400', '86401', '100000', 'abc', '1,2', '1;2 3', '0,1', ',', '1e3', 'Infinity', 'low', 'high'];

/** The settings a node module refuses at deploy: constructed with a stub RED, a refusal is a node.error. */
function runtimeAccepts(type, settings) {
  let ctor;
  const errors = [];
  const config = { state: 'closed', register() {}, deregister() {}, addStatsListener() {}, refreshStats: async () => {} };
  const RED = {
    nodes: {
      createNode(node, def) {
        Object.assign(node, { id: def.id, type, on() {}, status() {}, error: (e) => errors.push(e), warn() {}, log() {}, send() {} });
      },
      registerType: (_t, c) => (ctor = c),
      getNode: () => config,
    },
    httpAdmin: { get() {}, post() {} }, auth: { needsPermission: () => () => {} }, settings: {}, log: {}, _: (k) => k,
  };
  require(`../../dist/nodes/${type}.js`)(RED);
  new ctor({ id: 'n', type, mixer: 'mixer', ...settings });
  return errors.length === 0;
}

describe('editor validation matches the runtime', () => {
  for (const type of Object.keys(require('../../package.json')['node-red'].nodes)) {
    const { defaults } = editorRegistration(type);
    // Text fields (record's format is a select: its validator checks the mode combination, tested below).
    const fields = Object.keys(defaults).filter((k) => typeof defaults[k].validate === 'function' && k !== 'format');
    it(`${type}: ${fields.join(', ')}`, () => {
      const values = Object.fromEntries(Object.entries(defaults).map(([k, d]) => [k, d.value]));
      for (const field of fields) {
        for (const v of PROBES) {
          const settings = { ...values, [field]: v };
          const editor = defaults[field].validate.call(settings, v) === true;
          let runtime;
          if (type === 'rtmixer-config') {
            try {
              mixerOptionsFromText(settings);
              runtime = true;
            } catch (err) {
              assert.equal(err.code, 'ERR_RTMIXER_INVALID_ARGUMENT');
              runtime = false;
            }
          } else runtime = runtimeAccepts(type, settings);
          assert.equal(editor, runtime, `${type}.${field} = ${JSON.stringify(v)}: editor ${editor ? 'accepts' : 'refuses'}, runtime ${runtime ? 'accepts' : 'refuses'}`);
        }
      }
    });
  }
  it('record: WAV output with continuous mode is flagged in the editor and refused at deploy', () => {
    const { format } = editorRegistration('rtmixer-record').defaults;
    for (const [mode, value] of [['continuous', 'wav'], ['continuous', 'float32'], ['duration', 'wav']]) {
      assert.equal(format.validate.call({ mode, format: value }, value), runtimeAccepts('rtmixer-record', { mode, format: value }), `${mode} + ${value}`);
    }
  });
  it('flags the values issue 16 found: Duration 100000, Ring 0', () => {
    assert.equal(editorRegistration('rtmixer-record').defaults.duration.validate('100000'), false);
    assert.equal(editorRegistration('rtmixer-play-ringbuffer').defaults.ringMs.validate.call({ ringMs: '0' }, '0'), false);
  });
});
