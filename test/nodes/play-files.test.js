'use strict';
// Sound files (made at test time with sox and lame) played by rtmixer-play-buffer
// through the real Node-RED runtime and the JACK loopback: MP3 and FLAC decoded on
// the decode threads and heard as sox hears them, a hostile WAV refused quickly
// with a code, and a msg.stop that also drops the sounds still decoding.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { flowFrame, helper, loadFlow, mixerConfig, mixerOf, nextMessage, playBufferNode, useNodeRed } = require('../helpers/node-red');
const { run, tempDir, source, soxDecode, compare } = require('../helpers/decode-corpus');
const { PERIOD } = require('../../tools/jack-server');

const { tab, out, catcher, caught } = flowFrame;

const play = playBufferNode; // this file's play-buffer node

/** A 64-byte WAV whose `cue ` chunk claims 10^9 cue points (issue 14's hostile file). */
function hostileCueWav() {
  const b = Buffer.alloc(64);
  b.write('RIFF', 0);
  b.writeUInt32LE(56, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(2, 22);
  b.writeUInt32LE(48000, 24);
  b.writeUInt32LE(48000 * 4, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(16, 34);
  b.write('cue ', 36);
  b.writeUInt32LE(4 + 24 * 1e9 > 0xffffffff ? 0xfffffff0 : 4 + 24 * 1e9, 40);
  b.writeUInt32LE(1e9, 44); // the count of cue points
  return b;
}

/** What the loopback heard of a sound reported as { startFrame, frames }, recorded from frame `at`. */
function heard(recorded, at, result) {
  const from = (result.startFrame - at + PERIOD) * 2;
  return recorded.subarray(from, from + result.frames * 2);
}

const rms = (a) => Math.sqrt(a.reduce((sum, v) => sum + v * v, 0) / Math.max(1, a.length));

describe('rtmixer-play-buffer node with sound files', function () {
  this.timeout(60000);
  useNodeRed();
  let dir;
  const files = {};

  before(function () {
    this.timeout(60000);
    dir = tempDir('rtmixer-node-files-');
    const wav = source(dir, { rate: 48000, channels: 2, seconds: 0.5 });
    files.wav = wav;
    files.flac = path.join(dir, 't.flac');
    files.mp3 = path.join(dir, 't.mp3');
    files.long = path.join(dir, 'long.mp3');
    run('sox', [wav, files.flac]);
    run('lame', ['--quiet', '-b', '192', wav, files.mp3]);
    const longWav = source(dir, { rate: 48000, channels: 2, seconds: 20, name: 'long.wav' });
    run('lame', ['--quiet', '-b', '128', longWav, files.long]);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plays a FLAC file sample for sample as sox decodes it, and an MP3 file within codec tolerance', async () => {
    await loadFlow([tab, mixerConfig(), out, catcher, caught, play()]);
    const mixer = mixerOf();
    // Recording from now on: the files reach the mixer after it, once decoded.
    const rec = mixer.record(3 * 48000);
    const node = helper.getNode('play');

    const flacDone = nextMessage('out');
    node.receive({ payload: fs.readFileSync(files.flac), topic: 'flac' });
    const flac = (await flacDone).payload;
    const mp3Done = nextMessage('out');
    node.receive({ payload: fs.readFileSync(files.mp3), topic: 'mp3' });
    const mp3 = (await mp3Done).payload;
    const { samples: recorded, startFrame: at } = await rec.done;

    const reference = soxDecode(files.wav);
    assert.deepEqual([flac.frames, flac.cancelled, flac.late], [reference.length / 2, false, 0]);
    const flacHeard = compare(heard(recorded, at, flac), reference);
    assert.ok(flacHeard.max <= 1 / 32768, `FLAC: worst difference ${flacHeard.max}`);

    // lame's gapless header: the decoded length is the source's, give or take a frame's rounding.
    assert.ok(Math.abs(mp3.frames - reference.length / 2) <= 1152, `MP3: ${mp3.frames} frames, source ${reference.length / 2}`);
    const mp3Heard = heard(recorded, at, mp3);
    const mp3Snr = compare(mp3Heard, reference.subarray(0, mp3Heard.length));
    assert.ok(mp3Snr.snrDb > 20, `MP3 heard against the source: SNR ${mp3Snr.snrDb.toFixed(1)} dB`);
    assert.ok(Math.abs(rms(mp3Heard) / rms(reference) - 1) < 0.1, 'MP3 energy within 10 % of the source');
  });

  it('refuses a hostile WAV (a cue chunk claiming 10^9 points) with a coded error within 1 s, and keeps playing', async () => {
    await loadFlow([tab, mixerConfig(), out, catcher, caught, play()]);
    const error = nextMessage('caught');
    const started = Date.now();
    helper.getNode('play').receive({ payload: hostileCueWav() });
    const { error: err } = await error;
    const took = Date.now() - started;
    assert.match(err.code, /^ERR_RTMIXER_(MALFORMED_FILE|DECODE_LIMIT|UNSUPPORTED_FORMAT)$/, `${err.code}: ${err.message}`);
    assert.ok(took < 1000, `refused in ${took} ms`);
    const reply = nextMessage('out');
    helper.getNode('play').receive({ payload: new Float32Array(200).fill(0.1), topic: 'after' });
    assert.equal((await reply).payload.frames, 100);
  });

  it('queue mode keeps arrival order across a decode; msg.stop drops a sound still decoding (cancelled, 0 frames)', async () => {
    await loadFlow([tab, mixerConfig(), out, catcher, caught, play({ mode: 'queue' })]);
    const node = helper.getNode('play');
    const mp3 = fs.readFileSync(files.mp3);

    // An MP3 then raw samples sent at once: the samples follow the MP3, gaplessly.
    const replies = [];
    const bothDone = new Promise((resolve) => {
      const listener = (msg) => {
        replies.push(msg);
        if (replies.length === 2) {
          helper.getNode('out').removeListener('input', listener);
          resolve();
        }
      };
      helper.getNode('out').on('input', listener);
    });
    node.receive({ payload: mp3, topic: 'mp3' });
    node.receive({ payload: new Float32Array(960).fill(0.2), topic: 'raw' });
    await bothDone;
    assert.deepEqual(replies.map((m) => m.topic), ['mp3', 'raw']);
    const [first, second] = replies.map((m) => m.payload);
    assert.equal(second.startFrame, first.startFrame + first.frames, 'the raw sound starts where the MP3 ends');

    // A 20 s MP3 takes a while to decode; a stop sent at once drops it.
    const dropped = nextMessage('out');
    node.receive({ payload: fs.readFileSync(files.long), topic: 'long' });
    node.receive({ stop: true });
    const { payload, topic } = await dropped;
    assert.equal(topic, 'long');
    assert.deepEqual([payload.cancelled, payload.frames], [true, 0]);
    assert.equal(mixerOf().actionsInFlight, 0, 'nothing of it reached the mixer');
  });
});
