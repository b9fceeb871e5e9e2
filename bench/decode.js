// Decode throughput and the event loop's longest delay meanwhile: 10-minute
// WAV and 192 kb/s MP3 (the targets: < 3 s and < 12 s), 2-minute FLAC,
// Ogg Vorbis and Opus, and resampling 44.1 -> 48 kHz. Files made by sox/opusenc.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { decodeAudio, terminateDecodeThreads } = require('..');
const { run, tempDir } = require('../test/helpers/decode-corpus');

async function measure(file, options = {}) {
  const bytes = await fs.promises.readFile(file);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  const decoded = await decodeAudio(bytes, { maxBytes: 2 ** 31, ...options });
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  const audioSeconds = decoded.samples.length / decoded.channels / decoded.sampleRate;
  return { seconds: +seconds.toFixed(2), audioSeconds: Math.round(audioSeconds), realtime: Math.round(audioSeconds / seconds), loopMaxMs: +(histogram.max / 1e6).toFixed(1) };
}

module.exports = async function decodeBench(quick = false) {
  const dir = tempDir('rtmixer-bench-decode-');
  const long = quick ? 60 : 600;
  const short = quick ? 30 : 120;
  try {
    const wav = path.join(dir, 'long.wav');
    const shortWav = path.join(dir, 'short.wav');
    const tones = ['sine', '440', 'sine', '1000-3000', 'gain', '-4'];
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', String(long), ...tones]);
    run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', shortWav, 'synth', String(short), ...tones]);
    const files = { mp3: path.join(dir, 'long.mp3'), flac: path.join(dir, 's.flac'), vorbis: path.join(dir, 's.ogg'), opus: path.join(dir, 's.opus') };
    run('sox', [wav, '-C', '192', files.mp3]);
    run('sox', [shortWav, files.flac]);
    run('sox', [shortWav, files.vorbis]);
    run('opusenc', ['--quiet', shortWav, files.opus]);
    await decodeAudio(fs.readFileSync(files.opus).subarray(0, 20000)).catch(() => undefined); // threads started
    const rows = {};
    rows[`WAV 16-bit stereo 44.1 kHz, ${long / 60} min`] = await measure(wav);
    rows[`MP3 192 kb/s stereo, ${long / 60} min`] = await measure(files.mp3);
    rows[`FLAC 16-bit stereo, ${short / 60} min`] = await measure(files.flac);
    rows[`Ogg Vorbis stereo, ${short / 60} min`] = await measure(files.vorbis);
    rows[`Ogg Opus stereo, ${short / 60} min`] = await measure(files.opus);
    rows[`WAV ${short / 60} min resampled 44.1 -> 48 kHz`] = await measure(shortWav, { sampleRate: 48000 });
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await terminateDecodeThreads();
  }
};

module.exports.print = (rows) => {
  console.log('6. Decoding on the decode threads (decodeAudio): time, × real time, event loop max delay meanwhile');
  console.table(rows);
};

if (require.main === module) {
  module.exports(process.env.BENCH_QUICK === '1').then(module.exports.print, (err) => {
    console.error(err);
    process.exit(1);
  });
}
