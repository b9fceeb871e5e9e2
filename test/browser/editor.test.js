'use strict';
// The Node-RED editor and the example dashboard as a user sees them: a real
// Node-RED (the devDependency, with this package and FlowFuse Dashboard 2.0 in
// its user dir, as `npm start` runs it) on the test JACK server, driven in
// headless Chromium. The steps build on each other (one Node-RED, one page).
// Screenshots of every dialog go to test-artifacts/browser/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startNodeRed } = require('../helpers/node-red-process');
const { openBrowser, screenshot, ARTIFACTS } = require('../helpers/browser');
const page$ = require('../helpers/editor-page');
const { demoFlows } = require('../../scripts/demo/flows');

const root = path.join(__dirname, '..', '..');
const pkg = require('../../package.json');
const types = Object.keys(pkg['node-red'].nodes);
const JACK = { hostApi: 'JACK', device: 'system' };

describe('the editor and the dashboard in headless Chromium', function () {
  this.timeout(120000);
  let red;
  let browser;
  let page;
  let errors;
  let flowTypes; // the package's node types that show in the palette (all but config nodes)

  before(async function () {
    this.timeout(240000);
    red = await startNodeRed({
      modules: [root],
      settings: {
        telemetry: { enabled: false, updateNotification: false },
        // No tour, no catalogue fetch (the network is closed); Ace instead of
        // Monaco: the same editor for our nodes, and seconds faster to load.
        editorTheme: { tours: false, palette: { catalogues: [] }, codeEditor: { lib: 'ace' } },
      },
    });
    ({ browser, page, errors } = await openBrowser());
    await page.goto(`${red.url}/`);
    await page$.waitForEditor(page, 'inject');
  });

  after(async () => {
    await browser?.close();
    if (red) {
      await red.stop();
      fs.rmSync(red.userDir, { recursive: true, force: true });
    }
  });

  afterEach(function () {
    if (this.currentTest.state !== 'failed') return;
    // What Node-RED logged so far, and what the page showed, beside the failure.
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    if (red) fs.writeFileSync(path.join(ARTIFACTS, 'node-red.log'), red.log());
    if (page) return screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
  });

  it("shows every node of package.json's node-red section: flow nodes in the palette, the config node registered", async () => {
    const registered = await page.evaluate((ts) => ts.map((t) => ({ type: t, category: RED.nodes.getType(t)?.category })), types);
    for (const r of registered) assert.ok(r.category, `${r.type} is not registered in the editor`);
    flowTypes = registered.filter((r) => r.category !== 'config').map((r) => r.type);
    assert.ok(flowTypes.length >= 4, `flow node types: ${flowTypes}`);
    for (const type of flowTypes) {
      await page.waitForSelector(`.red-ui-palette-node[data-palette-type="${type}"]`, { state: 'attached', timeout: page$.LONG });
    }
    await screenshot(page, 'palette', page.locator('#red-ui-palette'));
  });

  it('opens the edit dialog of each node dropped from the palette, every field at its default', async () => {
    for (const type of flowTypes) {
      const id = await page$.dropFromPalette(page, type);
      await page$.openEditor(page, id);
      const mismatches = await page.evaluate((t) => {
        const defaults = RED.nodes.getType(t).defaults;
        const wrong = [];
        for (const [key, def] of Object.entries(defaults)) {
          if (key === 'mixer') continue; // a config node picker: checked in the next test
          if (Array.isArray(def.value)) {
            // A list setting (the sampler's sounds) is an editableList, #node-input-<item>-list, with one row per entry.
            const list = $(`#node-input-${key.replace(/s$/, '')}-list`);
            if (!list.length) wrong.push(`${key}: no list #node-input-${key.replace(/s$/, '')}-list`);
            else if (list.editableList('items').length !== def.value.length) wrong.push(`${key}: ${list.editableList('items').length} rows, default ${def.value.length}`);
            continue;
          }
          const field = $(`#node-input-${key}`);
          if (!field.length) {
            wrong.push(`${key}: no field #node-input-${key}`);
            continue;
          }
          const shown = field.is(':checkbox') ? field.is(':checked') : field.val();
          if (String(shown) !== String(def.value)) wrong.push(`${key}: shows ${JSON.stringify(shown)}, default ${JSON.stringify(def.value)}`);
        }
        return wrong;
      }, type);
      await screenshot(page, `dialog-${type}`);
      await page$.closeEditor(page, 'cancel');
      await page$.deleteNode(page, id);
      assert.deepEqual(mismatches, [], `${type}'s dialog`);
    }
  });

  let example; // ids of the nodes example 01 added
  let mixerId;

  it('imports example 01 from the menu; the mixer dialog lists the JACK device, picked for the example', async () => {
    example = await page$.importExample(page, pkg.name, '01 - Play a sound on inject');
    const ids = await page.evaluate((added) => Object.fromEntries(added.map((i) => [RED.nodes.node(i).type + ':' + (RED.nodes.node(i).name || ''), i])), example);
    const play = ids['rtmixer-play-buffer:play'];
    assert.ok(play, `imported: ${Object.keys(ids)}`);
    mixerId = await page.evaluate((i) => RED.nodes.node(i).mixer, play);
    await page$.openEditor(page, play);
    // The pencil beside the mixer opens the config node's own dialog over this one.
    await page.click('#node-input-btn-mixer-edit');
    await page.waitForSelector('#node-config-dialog-ok', { state: 'visible', timeout: page$.LONG });
    // The device list comes from the admin route (PortAudio's devices): JACK's "system" is one.
    const listed = await page.waitForFunction(
      () => [...document.querySelectorAll('.red-ui-tray option, .red-ui-tray li')].map((o) => `${o.value ?? ''} ${o.textContent}`).filter((t) => /system/.test(t)).join('\n'),
      null,
      { timeout: page$.LONG },
    );
    assert.match(await listed.jsonValue(), /system/);
    await screenshot(page, 'dialog-rtmixer-config');
    await page$.setField(page, '#node-config-input-hostApi', JACK.hostApi);
    await page$.setField(page, '#node-config-input-device', JACK.device);
    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('#node-config-dialog-ok', { state: 'detached', timeout: page$.LONG });
    await page$.closeEditor(page, 'ok');
    const mixer = await page.evaluate((i) => ({ hostApi: RED.nodes.node(i).hostApi, device: RED.nodes.node(i).device }), mixerId);
    assert.deepEqual(mixer, JACK);
  });

  it('marks a record node with Duration 100000 s invalid (the red triangle), and one with 5 s valid', async () => {
    const id = await page$.dropFromPalette(page, 'rtmixer-record', { x: 700, y: 600 });
    const triangle = () => page.evaluate((i) => {
      const g = document.querySelector(`g.red-ui-flow-node-group[id="${i}"] .red-ui-flow-node-error`);
      return { valid: RED.nodes.node(i).valid, shown: Boolean(g) && !g.classList.contains('hide') };
    }, id);
    const withDuration = async (seconds) => {
      await page$.openEditor(page, id);
      await page$.setField(page, '#node-input-mixer', mixerId);
      await page$.setField(page, '#node-input-duration', seconds);
      if (seconds === '100000') await screenshot(page, 'dialog-rtmixer-record-invalid');
      await page$.closeEditor(page, 'ok');
      return triangle();
    };
    try {
      assert.deepEqual(await withDuration('5'), { valid: true, shown: false });
      const invalid = await withDuration('100000');
      await screenshot(page, 'record-invalid-triangle');
      assert.deepEqual(invalid, { valid: false, shown: true });
    } finally {
      await page$.deleteNode(page, id); // not deployed with the example
    }
  });

  it('deploys; a click on the inject button turns the play node\'s status green ("playing") and the sound ends in the debug sidebar', async () => {
    await page$.deploy(page);
    const ids = await page.evaluate((added) => Object.fromEntries(added.map((i) => [RED.nodes.node(i).type, i])), example);
    const play = ids['rtmixer-play-buffer'];
    // Deployed, the mixer open: the play node shows its idle status.
    await page.waitForFunction((i) => /idle/.test(document.querySelector(`g.red-ui-flow-node-group[id="${i}"] .red-ui-flow-node-status-label`)?.textContent || ''), play, { timeout: page$.LONG });
    const before = await page$.statusOf(page, play);
    // Every status the editor draws under the play node from now on: "playing 1"
    // lasts the tone's 0.5 s, which a loaded machine may render in one frame.
    await page$.recordStatuses(page, play);
    await page$.onCanvas(page, ids.inject).locator('rect.red-ui-flow-node-button-button').click();
    await page.waitForFunction(() => window.rtmStatuses.some((s) => /playing/.test(s.text)), null, { timeout: page$.LONG });
    await screenshot(page, 'status-playing');
    const seen = await page.evaluate(() => window.rtmStatuses);
    assert.equal(before.fill, 'grey');
    assert.deepEqual(seen.find((s) => /playing/.test(s.text)), { fill: 'green', text: 'playing 1' });
    // The debug node shows the finished sound's report: 24000 frames (0.5 s at 48 kHz).
    await page.locator('.red-ui-tab-link-buttons a:has(i.fa-bug)').first().click();
    await page.waitForSelector('.red-ui-debug-msg:has-text("24000")', { timeout: page$.LONG });
    // Back to idle once the sound has ended.
    await page.waitForFunction((i) => /idle/.test(document.querySelector(`g.red-ui-flow-node-group[id="${i}"] .red-ui-flow-node-status-label`)?.textContent || ''), play);
    await screenshot(page, 'debug-sidebar');
    assert.deepEqual(errors, [], 'errors in the page');
  });

  it('serves the example dashboard (as `npm start` deploys it): the level meters move when a button plays a tone', async () => {
    const flows = demoFlows({ config: JACK });
    const res = await red.request('/flows', { method: 'POST', body: JSON.stringify(flows), headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' } });
    assert.ok(res.ok, `POST /flows: ${res.status} ${await res.text()}`);
    const base = flows.find((n) => n.type === 'ui-base').path;
    const dash = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    dash.setDefaultTimeout(page$.LONG);
    // A real mouse click on a dashboard button; not waiting for it to be "stable"
    // (two equal animation frames), which a busy page with a live chart may never give.
    const press = async (name) => {
      const button = dash.getByRole('button', { name });
      await button.waitFor();
      await button.click({ force: true });
    };
    try {
      await dash.goto(`${red.url}${base}/rtmixer`);
      const out1 = dash.locator('.rtm-meter[data-channel="out 1"]');
      await out1.waitFor({ timeout: page$.LONG });
      const peaks = () => dash.evaluate(() => Object.fromEntries([...document.querySelectorAll('.rtm-meter')].map((m) => [m.dataset.channel, Number(m.dataset.peak)])));
      // Nothing plays yet: every output at the floor.
      await dash.waitForFunction(() => [...document.querySelectorAll('.rtm-meter[data-channel^="out"]')].every((m) => Number(m.dataset.peak) < -100), null, { timeout: page$.LONG });
      const silent = await peaks();
      // The left button: output 1 rises to the tone's peak (0.3 = -10.5 dBFS), output 2 stays silent.
      // Waits for a report at the tone's full level: the first one after the
      // press may end inside the tone's 10 ms fade-in (seen: -14.5 dBFS).
      await press(/left/);
      await dash.waitForFunction(() => Number(document.querySelector('.rtm-meter[data-channel="out 1"]').dataset.peak) > -11, null, { timeout: page$.LONG, polling: 'raf' });
      const left = await peaks();
      assert.notDeepEqual(left, silent);
      assert.ok(left['out 1'] > -11 && left['out 1'] < -10, `out 1 peak ${left['out 1']}`);
      assert.ok(left['out 2'] < -100, `out 2 peak ${left['out 2']} while only the left tone plays`);
      // The chord on both: both meters up; this is the screenshot the README shows.
      await press(/both/);
      await dash.waitForFunction(() => [...document.querySelectorAll('.rtm-meter[data-channel^="out"]')].every((m) => Number(m.dataset.peak) > -20), null, { timeout: page$.LONG, polling: 'raf' });
      await screenshot(dash, 'dashboard');
      // The chart of load and xruns has drawn its canvas.
      await dash.waitForSelector('.nrdb-ui-chart canvas, .nrdb-ui-chart svg', { timeout: page$.LONG });
    } catch (err) {
      await screenshot(dash, 'failed-dashboard');
      throw err;
    } finally {
      await dash.close();
    }
  });
});
