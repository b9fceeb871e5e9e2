// Draws benchmarks 1 and 3 as one SVG: callback mean/max vs voices beside the
// plain C loop, and the trigger-latency spread against the round trip.
'use strict';
const fs = require('node:fs');

function bars(x0, y0, w, h, title, groups, unit) {
  const max = Math.max(...groups.flatMap((g) => g.values.map((v) => v.value))) * 1.1;
  const colors = ['#2b7bb9', '#9cc3e4', '#e07b39'];
  const gw = w / groups.length;
  let svg = `<text x="${x0}" y="${y0 - 8}" font-size="13" font-weight="bold">${title}</text>`;
  svg += `<line x1="${x0}" y1="${y0 + h}" x2="${x0 + w}" y2="${y0 + h}" stroke="#333"/>`;
  groups.forEach((g, i) => {
    const bw = (gw * 0.8) / g.values.length;
    g.values.forEach((v, j) => {
      const bh = (v.value / max) * h;
      const x = x0 + i * gw + gw * 0.1 + j * bw;
      svg += `<rect x="${x}" y="${y0 + h - bh}" width="${bw - 2}" height="${bh}" fill="${colors[j % colors.length]}"/>`;
      svg += `<text x="${x + bw / 2}" y="${y0 + h - bh - 3}" font-size="9" text-anchor="middle">${v.value.toFixed(1)}</text>`;
    });
    svg += `<text x="${x0 + i * gw + gw / 2}" y="${y0 + h + 14}" font-size="11" text-anchor="middle">${g.label}</text>`;
  });
  const legend = groups[0].values.map((v, j) => `<rect x="${x0 + j * 150}" y="${y0 + h + 24}" width="10" height="10" fill="${colors[j]}"/><text x="${x0 + j * 150 + 14}" y="${y0 + h + 33}" font-size="11">${v.name} (${unit})</text>`);
  return svg + legend.join('');
}

module.exports = function chart(results, file) {
  const voices = results.voices.rows.map((r) => ({ label: `${r.voices} voices`, values: [{ name: 'callback mean', value: r.meanUs }, { name: 'callback max', value: r.maxUs }, { name: 'plain C loop', value: r.plainLoopUs }] }));
  const t = results.timing.trigger;
  const timing = [{ label: 'play() → first recorded sample', values: [{ name: 'min', value: t.minFrames }, { name: 'median', value: t.medianFrames }, { name: 'max', value: t.maxFrames }] }];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="330" font-family="sans-serif">
<rect width="900" height="330" fill="white"/>
${bars(40, 40, 520, 220, '1. Callback duration vs voices (µs; period = 1333 µs)', voices, 'µs')}
${bars(620, 40, 240, 220, `3. Trigger latency (frames; round trip ${results.timing.roundTripFrames})`, timing, 'frames')}
</svg>`;
  fs.writeFileSync(file, svg);
};
