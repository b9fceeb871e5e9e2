// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (the
// `chromium` package; CI installs it, no browser is downloaded) driven by
// playwright-core. Flags as this machine needs them: no sandbox (root), and no
// background networking (the network is closed; Chromium would keep trying).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.RTMIXER_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'browser');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser (playwright gives it a new, empty profile) and one page of 1400x900. */
async function openBrowser() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} is missing: install Debian's chromium ("apt-get install chromium"), or set RTMIXER_CHROMIUM`);
  }
  const browser = await chromium.launch({ executablePath: EXECUTABLE, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // Generous: a loaded 2-core machine can take seconds for what takes milliseconds alone.
  context.setDefaultTimeout(60000);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { browser, page, errors };
}

/** Saves a screenshot as test-artifacts/browser/<name>.png (of `locator` if given); returns its path. */
async function screenshot(page, name, locator) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await (locator ?? page).screenshot({ path: file });
  return file;
}

module.exports = { openBrowser, screenshot, ARTIFACTS };
