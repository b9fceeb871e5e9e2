'use strict';
// The mix clips and never wraps on an integer device. No sound card needed: an
// ALSA configuration (in a private HOME) defines a PCM that accepts only
// integer samples (`linear` to S16_LE) in front of a `file` plugin that writes
// whatever PortAudio produced to disk, over the `null` device. PortAudio's ALSA
// host API opens it and converts the callback's floats to integers itself.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

function asoundrc(rawFile) {
  return `pcm.rtmixer_int16 {
    type linear
    slave { pcm "rtmixer_capture_file"; format S16_LE }
}
pcm.rtmixer_capture_file {
    type file
    slave.pcm "null"
    file "${rawFile}"
    format "raw"
}
`;
}

// Plays ±0.8 alternating samples at gain 2 (peaks of ±1.6, far over full scale)
// and closes. The null device is not paced, so the stream runs as fast as it can.
const child = `
const { Mixer } = require(${JSON.stringify(root)});
(async () => {
  const mixer = new Mixer({ hostApi: 'ALSA', device: 'rtmixer_int16', inputChannels: 0, outputChannels: 2, sampleRate: 48000, blockSize: 256 });
  const loud = new Float32Array(2 * 4800);
  for (let i = 0; i < 4800; i++) loud[2 * i] = loud[2 * i + 1] = i % 2 ? -0.8 : 0.8;
  await mixer.play(loud, { gain: 2 }).done;
  await mixer.close();
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('Clipping on an integer device (ALSA, int16 through PortAudio)', function () {
  this.timeout(60000);
  let home;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-alsa-'));
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('a mix over full scale comes out as full scale, never wrapped to the other sign', () => {
    const raw = path.join(home, 'out.raw');
    fs.writeFileSync(path.join(home, '.asoundrc'), asoundrc(raw));
    const result = spawnSync(process.execPath, ['-e', child], { env: { ...process.env, HOME: home }, encoding: 'utf8', timeout: 50000 });
    assert.equal(result.status, 0, result.stderr);
    const bytes = fs.readFileSync(raw);
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
    // the sound is the only non-silent stretch: 4800 stereo frames alternating + and -
    const first = samples.findIndex((v) => v !== 0);
    assert.ok(first >= 0, 'the sound reached the file');
    const sound = samples.subarray(first, first + 2 * 4800);
    // Full scale is 32767 through PortAudio's int32 converter and ALSA's linear
    // plugin, 32766 through its int16 one (it truncates the largest float below 1).
    const wrong = [];
    for (let i = 0; i < sound.length; i++) {
      const positive = Math.floor(i / 2) % 2 === 0;
      const ok = positive ? sound[i] >= 32766 : sound[i] === -32768;
      if (!ok && wrong.length < 5) wrong.push(`sample ${i}: ${sound[i]}, expected ${positive ? 'full scale' : -32768}`);
    }
    assert.deepEqual(wrong, []);
  });
});
