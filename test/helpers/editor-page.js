// What a user does in the Node-RED editor, as playwright steps on a page that
// shows it: drag a node from the palette, open its edit dialog, import an
// example from the menu, deploy, click an inject button. Every step waits for
// what the editor shows next (a selector, a state), with generous deadlines:
// the tests run on a loaded machine.
'use strict';

const LONG = 60000;

/** Waits until the editor has loaded its palette (the nodes of every module). */
async function waitForEditor(page, paletteType) {
  await page.waitForSelector(`.red-ui-palette-node[data-palette-type="${paletteType}"]`, { timeout: LONG });
}

/** Ids of the nodes of `type` in the editor's workspace. */
function nodeIds(page, type) {
  return page.evaluate((t) => RED.nodes.filterNodes({ type: t }).map((n) => n.id), type);
}

/** The SVG group the editor draws for node `id` on the canvas. */
const onCanvas = (page, id) => page.locator(`g.red-ui-flow-node-group[id="${id}"]`);

/**
 * Drags `type` from the palette onto the canvas at (x, y) of the page, with
 * the mouse as a user does; resolves with the new node's id.
 */
async function dropFromPalette(page, type, { x = 700, y = 450 } = {}) {
  const before = new Set(await nodeIds(page, type));
  const item = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  await item.scrollIntoViewIfNeeded();
  const box = await item.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 5, { steps: 5 });
  await page.mouse.move(x, y, { steps: 15 });
  await page.mouse.up();
  const id = await page.waitForFunction(
    ([t, old]) => RED.nodes.filterNodes({ type: t }).map((n) => n.id).find((i) => !old.includes(i)),
    [type, [...before]],
    { timeout: LONG },
  );
  return id.jsonValue();
}

/** Double-clicks node `id` on the canvas and waits for its edit dialog (the tray). */
async function openEditor(page, id) {
  await onCanvas(page, id).locator('rect.red-ui-flow-node').first().dblclick();
  await page.waitForSelector('#node-dialog-ok', { state: 'visible', timeout: LONG });
  // A trial click waits until the tray has stopped sliding in (stable), without clicking.
  await page.locator('#node-dialog-ok').click({ trial: true, timeout: LONG });
}

/** Closes the edit dialog with Done or Cancel and waits for the tray to go. */
async function closeEditor(page, button = 'ok') {
  await page.click(`#node-dialog-${button}`);
  await page.waitForSelector('#node-dialog-ok', { state: 'detached', timeout: LONG });
}

/** Sets a form field the way a user does: types into a text box, picks from a select. */
async function setField(page, selector, value) {
  const field = page.locator(selector);
  const tag = await field.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') await field.selectOption(String(value));
  else {
    await field.fill(String(value));
    await field.dispatchEvent('change');
  }
}

/** Selects node `id` and deletes it with the Delete key. */
async function deleteNode(page, id) {
  await onCanvas(page, id).locator('rect.red-ui-flow-node').first().click();
  await page.keyboard.press('Delete');
  await page.waitForFunction((i) => !RED.nodes.node(i), id, { timeout: LONG });
}

/**
 * Menu > Import > Examples > <module> > <title>, then a click on the canvas to
 * place the imported nodes (they follow the mouse until then). Resolves with
 * the ids of the nodes it added.
 */
async function importExample(page, moduleName, title) {
  const before = new Set(await page.evaluate(() => { const ids = []; RED.nodes.eachNode((n) => ids.push(n.id)); return ids; }));
  await page.click('#red-ui-header-button-sidemenu');
  await page.click('#menu-item-import');
  await page.waitForSelector('#red-ui-clipboard-dialog-ok', { state: 'visible', timeout: LONG });
  await page.locator('#red-ui-clipboard-dialog-import-tabs a', { hasText: 'Examples' }).click();
  const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
  const folder = tree.locator('.red-ui-treeList-label', { hasText: moduleName }).first();
  const example = tree.locator('.red-ui-treeList-label', { hasText: title }).first();
  // A click that lands while the tab is still being laid out can be lost (seen
  // under two busy loops: the folder stayed closed). Click the folder until its
  // item says it is expanded; a click on an open folder would close it again.
  const isOpen = (label) => label.parentElement.classList.contains('expanded');
  const deadline = Date.now() + LONG;
  while (!(await folder.evaluate(isOpen))) {
    if (Date.now() > deadline) throw new Error(`the examples folder ${moduleName} did not open`);
    await folder.click();
    await page.waitForFunction(isOpen, await folder.elementHandle(), { timeout: 2000 }).catch(() => {});
  }
  await example.click();
  await page.waitForSelector('#red-ui-clipboard-dialog-ok:enabled:not(.ui-state-disabled)', { state: 'visible', timeout: LONG });
  await page.click('#red-ui-clipboard-dialog-ok');
  await page.waitForSelector('#red-ui-clipboard-dialog-ok', { state: 'hidden', timeout: LONG });
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  await page.mouse.move(chart.x + 200, chart.y + 120, { steps: 5 });
  await page.mouse.click(chart.x + 200, chart.y + 120);
  return page.evaluate((old) => { const ids = []; RED.nodes.eachNode((n) => { if (!old.includes(n.id)) ids.push(n.id); }); return ids; }, [...before]);
}

/** Clicks Deploy and waits for the editor to say the flows are deployed. */
async function deploy(page) {
  await page.click('#red-ui-header-button-deploy');
  await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: LONG });
}

/** The status the editor shows under node `id`: { fill, text } ('' when none). */
function statusOf(page, id) {
  return page.evaluate((i) => {
    const g = document.querySelector(`g.red-ui-flow-node-group[id="${i}"]`);
    const label = g?.querySelector('.red-ui-flow-node-status-label');
    const dot = g?.querySelector('.red-ui-flow-node-status');
    const fill = (dot?.getAttribute('class') || '').match(/red-ui-flow-node-status-(?:dot|ring)-(\w+)/);
    return { fill: fill ? fill[1] : '', text: label?.textContent || '' };
  }, id);
}

/**
 * From now on, collects every status the editor draws under node `id` in
 * window.rtmStatuses ({ fill, text }), so that a short-lived one is not missed.
 */
function recordStatuses(page, id) {
  return page.evaluate((i) => {
    const g = document.querySelector(`g.red-ui-flow-node-group[id="${i}"]`);
    const read = () => {
      const fill = (g.querySelector('.red-ui-flow-node-status')?.getAttribute('class') || '').match(/red-ui-flow-node-status-(?:dot|ring)-(\w+)/);
      return { fill: fill ? fill[1] : '', text: g.querySelector('.red-ui-flow-node-status-label')?.textContent || '' };
    };
    window.rtmStatuses = [];
    new MutationObserver(() => {
      const s = read();
      const last = window.rtmStatuses[window.rtmStatuses.length - 1];
      if (!last || last.fill !== s.fill || last.text !== s.text) window.rtmStatuses.push(s);
    }).observe(g, { subtree: true, childList: true, characterData: true, attributes: true });
  }, id);
}

module.exports = {
  recordStatuses, LONG, waitForEditor, nodeIds, onCanvas, dropFromPalette, openEditor, closeEditor, setField, deleteNode, importExample, deploy, statusOf };
