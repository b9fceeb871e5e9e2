'use strict';
// What the Node-RED editor needs of every node's .html: literal registerType
// values, a help text, and no setting that shadows a property the editor
// itself uses (an `outputs` setting would set the node's port count).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { editorRegistration } = require('../helpers/editor-file');

const root = path.join(__dirname, '..', '..');
const nodes = require(path.join(root, 'package.json'))['node-red'].nodes;
// Properties the editor and runtime give their own meaning.
const RESERVED = ['id', 'type', 'x', 'y', 'z', 'g', 'd', 'wires', 'inputs', 'outputs', 'info', 'l'];

describe("nodes' editor files", () => {
  for (const [type, file] of Object.entries(nodes)) {
    it(`${type}: registers its type with literal values, help text and no reserved setting name`, () => {
      const html = fs.readFileSync(path.join(root, 'nodes', `${path.basename(file, '.js')}.html`), 'utf8');
      // Help lives in the message catalogue folder, as Node-RED's core nodes keep it (translations can follow).
      const help = fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${path.basename(file, '.js')}.html`), 'utf8');
      assert.match(html, new RegExp(`RED\\.nodes\\.registerType\\('${type}'`));
      const def = editorRegistration(type);
      const settings = Object.keys(def.defaults);
      assert.deepEqual(settings.filter((k) => RESERVED.includes(k)), [], `${type} settings: ${settings.join(', ')}`);
      assert.match(help, new RegExp(`<script type="text/html" data-help-name="${type}">\\s*<p>`), 'help text starting with the palette tooltip');
      if (type === 'rtmixer-config') {
        assert.equal(def.category, 'config');
      } else {
        assert.equal(def.category, 'rtmixer');
        assert.deepEqual(def.defaults.mixer, { value: '', type: 'rtmixer-config', required: true });
        assert.ok(fs.existsSync(path.join(root, 'icons', def.icon)), `icon ${def.icon}`);
        assert.match(help, /<h3>Inputs<\/h3>[\s\S]*<h3>Outputs<\/h3>[\s\S]*<h3>Details<\/h3>/);
      }
    });
  }

  it('every string key an editor file uses (data-i18n, this._ / node._) is in its en-US message catalogue', () => {
    let used = 0;
    for (const file of Object.values(nodes)) {
      const base = path.basename(file, '.js');
      const html = fs.readFileSync(path.join(root, 'nodes', `${base}.html`), 'utf8');
      const catalogue = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${base}.json`), 'utf8'));
      const keys = [...html.matchAll(/data-i18n="(?:\[\w+\])?([\w.-]+)"/g), ...html.matchAll(/\b(?:this|node)\._\('([\w.-]+)'/g)].map((m) => m[1]);
      for (const key of keys) {
        const text = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), catalogue);
        assert.equal(typeof text, 'string', `${base}.html uses ${key}, which locales/en-US/${base}.json lacks`);
        used++;
      }
    }
    assert.ok(used > 40, `${used} keys`);
  });

  it('a newly dropped node selects the mixer when there is exactly one, and keeps its own choice', () => {
    const mixer = (id) => ({ id, type: 'rtmixer-config' });
    for (const type of Object.keys(nodes).filter((t) => t !== 'rtmixer-config')) {
      const dropped = (configs, own = '') => {
        const node = { mixer: own };
        editorRegistration(type, configs).onadd.call(node);
        return node.mixer;
      };
      assert.equal(dropped([mixer('m1'), { id: 'x', type: 'mqtt-broker' }]), 'm1', type);
      assert.equal(dropped([]), '', `${type}: none to choose`);
      assert.equal(dropped([mixer('m1'), mixer('m2')]), '', `${type}: two mixers, the user chooses`);
      assert.equal(dropped([mixer('m1')], 'm0'), 'm0', `${type}: an imported node keeps its mixer`);
    }
  });
});
