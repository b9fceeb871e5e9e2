// 5. The smallest JACK period at which 64 voices run with no xrun for `seconds`.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { startJackServer } = require('../tools/jack-server');

module.exports = async function periods(seconds = 60) {
  const rows = [];
  for (const period of [16, 32, 64, 128]) {
    const server = startJackServer({ period });
    try {
      const out = execFileSync(process.execPath, [path.join(__dirname, 'period-child.js'), String(seconds)], {
        env: { ...process.env, JACK_DEFAULT_SERVER: server.name },
        encoding: 'utf8',
      });
      const stats = JSON.parse(out.trim().split('\n').pop());
      rows.push({ period, seconds, xruns: stats.xruns, blocks: stats.blocks, loadMax: stats.cpuLoad.max, loadMean: stats.cpuLoad.mean });
    } finally {
      server.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const clean = rows.filter((r) => r.xruns === 0).map((r) => r.period);
  return { rows, smallestClean: clean.length ? Math.min(...clean) : null };
};
