#!/usr/bin/env node
// Builds the example flows in examples/ (file name = the menu label under
// Import > Examples). The JSON files are what ships; this script is how they
// are made: edit the flows here, then run `node scripts/demo/make-examples.js`.
// Every rtmixer node starts from the defaults its editor file (nodes/*.html)
// declares, so a renamed setting shows up here (an override of a setting that
// no longer exists is an error) and in test/nodes/examples.test.js.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { editorRegistration } = require('./editor-file');

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
/** The one config node every example shares: importing several examples keeps one mixer. */
const MIXER = 'rtmixer-example-mixer';

/** The `defaults` object of a node's editor file. */
function editorDefaults(type) {
  return editorRegistration(type).defaults;
}

/** A node of `type` with its editor defaults, then `settings` (each must be a setting of the node). */
function withDefaults(type, settings) {
  const defaults = editorDefaults(type);
  for (const key of Object.keys(settings)) {
    if (!(key in defaults)) throw new Error(`${type} has no setting "${key}" (nodes/${type}.html defaults: ${Object.keys(defaults).join(', ')})`);
  }
  const node = { type };
  for (const [key, def] of Object.entries(defaults)) node[key] = def.value;
  if ('mixer' in defaults) node.mixer = MIXER;
  return Object.assign(node, settings);
}

const mixerConfig = () => ({ id: MIXER, ...withDefaults('rtmixer-config', {}) });
const playBuffer = (settings) => withDefaults('rtmixer-play-buffer', settings);
const ringBuffer = (settings) => withDefaults('rtmixer-play-ringbuffer', settings);
const record = (settings) => withDefaults('rtmixer-record', settings);
const stats = (settings) => withDefaults('rtmixer-stats', settings);
const code = (lines) => lines.join('\n');
const ts = { p: 'payload', v: '', vt: 'date' };
const topic = { p: 'topic', vt: 'str' };

/** Nodes of one example; `z` is the tab id that Import replaces with the current tab. */
function flow(n) {
  const z = `rtmx${n}-tab`;
  const nodes = [];
  const add = (node) => {
    nodes.push({ id: node.id, type: node.type, z, ...node });
    return node.id;
  };
  const id = (s) => `rtmx${n}-${s}`;
  return {
    nodes,
    id,
    comment(name, info, x, y) {
      return add({ id: id('comment'), type: 'comment', name, info, x, y, wires: [] });
    },
    inject(key, name, props, x, y, wires) {
      const payload = props.find((p) => p.p === 'payload');
      return add({
        id: id(key), type: 'inject', name,
        props: props.map((p) => (p.p === 'payload' ? { p: 'payload' } : p)),
        repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '',
        payload: payload ? payload.v : '', payloadType: payload ? payload.vt : 'date',
        x, y, wires: [wires],
      });
    },
    fn(key, name, lines, x, y, wires, outputs = 1) {
      return add({ id: id(key), type: 'function', name, func: code(lines), outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x, y, wires });
    },
    debug(key, name, x, y) {
      return add({
        id: id(key), type: 'debug', name, active: true, tosidebar: true, console: false, tostatus: false,
        complete: 'payload', targetType: 'msg', statusVal: '', statusType: 'auto', x, y, wires: [],
      });
    },
    node(node) {
      return add({ ...node, id: id(node.id) });
    },
  };
}

/** { 'NN - Title.json': nodes } */
function buildExamples() {
  const examples = {};
  const write = (f, file) => (examples[file] = [...f.nodes, mixerConfig()]);

  // 01 ------------------------------------------------------------------------
  {
    const f = flow('01');
    f.comment('Play a sound on inject', code([
      'Click the inject button: the function node builds half a second of a 440 Hz tone as a',
      '`Float32Array` and the **play buffer** node plays it on the mixer. When the sound has ended the node',
      'sends one message whose `payload` says when it started and how long it played',
      '(`startFrame`, `frames`, `late`, `cancelled`, `closed`), shown in the debug sidebar.',
      '',
      '**What to change**',
      '- The mixer: open the `rtmixer-config` node (*default audio device*) to choose a host API and device.',
      '- The sound: a `Float32Array` of samples, a Buffer of raw PCM, or the bytes of a WAV file (for',
      '  example from a `file in` node). The play node\'s *Channels* setting is 1 here: a mono sound,',
      '  played on every output. Clear it (or set 2) for interleaved stereo samples; WAV files carry',
      '  their own channel count.',
      '- `msg.gain`, `msg.fadeIn`/`msg.fadeOut` (seconds), `msg.delay` (ms) or `msg.at` (a frame on the',
      '  mixer clock) shape and schedule each sound.',
      '',
      'The tone assumes a 48000 Hz mixer; at another rate it is a little higher or lower',
      '(example 02 asks the mixer for its rate).',
    ]), 190, 60);
    f.inject('inject', 'play', [ts, topic], 140, 120, [f.id('tone')]);
    f.fn('tone', '440 Hz tone, 0.5 s', [
      '// Half a second of a 440 Hz sine, mono (the play node\'s Channels setting',
      '// is 1, so it plays on every output). Assumes a 48000 Hz mixer (see',
      '// example 02 for how to ask the mixer for its rate).',
      'const rate = 48000;',
      'const frames = Math.round(0.5 * rate);',
      'const tone = new Float32Array(frames);',
      'for (let i = 0; i < frames; i++) {',
      '    tone[i] = 0.2 * Math.sin(2 * Math.PI * 440 * i / rate);',
      '}',
      'msg.payload = tone;',
      'msg.fadeIn = 0.01;   // seconds: no click at the start',
      'msg.fadeOut = 0.05;  // ... nor at the end',
      'return msg;',
    ], 320, 120, [[f.id('play')]]);
    f.node({ id: 'play', ...playBuffer({ name: 'play', channels: '1' }), x: 510, y: 120, wires: [[f.id('debug')]] });
    f.debug('debug', 'finished', 680, 120);
    write(f, '01 - Play a sound on inject.json');
  }

  // 02 ------------------------------------------------------------------------
  {
    const f = flow('02');
    f.comment('Sample-exact metronome', code([
      'Click **start**: the stats node reports the mixer\'s sample rate, the function node builds one beat',
      '(a 20 ms click followed by silence up to the beat length at 120 BPM) and the **play buffer**',
      'node plays it with `msg.loop = true`. The mixer repeats the beat inside its audio callback, so',
      'every click lands exactly 0.5 s after the last one, to the sample, however busy Node-RED is.',
      '',
      'Click **stop** to send `msg.stop = true`: the play node cancels what it is playing and sends the',
      'finished message (`payload.cancelled` is `true`).',
      '',
      '**What to change**',
      '- `bpm` in the function node. Without a stats node, use 48000 Hz (the function falls back to it).',
      '- `msg.loop = 3` plays the beat 4 times (3 more passes) instead of until stopped.',
      '- Each click on *start* starts another metronome that overlaps the first: stop before restarting.',
    ]), 180, 60);
    f.inject('start', 'start', [ts, topic], 130, 120, [f.id('stats')]);
    f.node({ id: 'stats', ...stats({ name: 'sample rate' }), x: 300, y: 120, wires: [[f.id('beat')]] });
    f.fn('beat', 'one beat at 120 BPM', [
      '// One beat: a 20 ms click, then silence up to the beat length.',
      '// The mixer loops it sample-exactly (msg.loop = true).',
      'const bpm = 120;',
      '// The mixer\'s rate from the stats node; 48000 Hz if it is not there.',
      'const rate = (msg.payload && msg.payload.sampleRate) || 48000;',
      'const beat = Math.round(rate * 60 / bpm);   // frames per beat',
      'const click = Math.round(rate * 0.02);      // 20 ms',
      'const samples = new Float32Array(beat);',
      'for (let i = 0; i < click; i++) {',
      '    const decay = Math.exp(-5 * i / click);',
      '    samples[i] = 0.5 * decay * Math.sin(2 * Math.PI * 1000 * i / rate);',
      '}',
      'node.status({ text: `${bpm} BPM = ${beat} frames at ${rate} Hz` });',
      'return { payload: samples, loop: true, topic: \'metronome\' };',
    ], 510, 120, [[f.id('play')]]);
    f.inject('stop', 'stop', [{ p: 'stop', v: 'true', vt: 'bool' }, topic], 530, 200, [f.id('play')]);
    f.node({ id: 'play', ...playBuffer({ name: 'metronome', channels: '1' }), x: 730, y: 120, wires: [[f.id('debug')]] });
    f.debug('debug', 'stopped', 910, 120);
    write(f, '02 - Sample-exact metronome.json');
  }

  // 03 ------------------------------------------------------------------------
  {
    const f = flow('03');
    f.comment('Stream a WAV file', code([
      'Click **play file**: the `file in` node reads the WAV file named in `msg.filename` in',
      '*a msg per chunk* mode and the **play ringbuffer** node streams the chunks gaplessly through a',
      'ring buffer: the first chunk\'s WAV header sets the format, channels and rate of the stream, and',
      'the last chunk (`msg.parts`) ends it. When the stream has played out, the node sends',
      '`payload = { startFrame, frames, underflowFrames, cancelled, closed }` to the debug sidebar.',
      '**stop** (`msg.stop = true`) ends the stream at once.',
      '',
      '**What to change**',
      '- The file: the inject node takes `msg.filename` from the environment variable',
      '  `RTMIXER_DEMO_WAV` (`npm start` sets it to a short demo melody). Change it to a string with the',
      '  path of your own WAV file.',
      '- `Ring` (ms) in the play ringbuffer node trades latency for safety against underflows.',
      '- The `file in` node reads the whole file at once, faster than it plays: the chunks wait in the',
      '  play node, up to *Wait up to* seconds of audio (60 s here). For longer files raise it, or send',
      '  the chunks at the pace they play.',
    ]), 160, 60);
    f.inject('inject', 'play file', [{ p: 'filename', v: 'RTMIXER_DEMO_WAV', vt: 'env' }, topic], 140, 120, [f.id('file')]);
    f.node({ id: 'file', type: 'file in', name: 'read in chunks', filename: 'filename', filenameType: 'msg', format: 'stream',
      chunk: false, sendError: false, encoding: 'none', allProps: false, x: 320, y: 120, wires: [[f.id('stream')]] });
    f.inject('stop', 'stop', [{ p: 'stop', v: 'true', vt: 'bool' }, topic], 320, 180, [f.id('stream')]);
    f.node({ id: 'stream', ...ringBuffer({ name: 'stream' }), x: 520, y: 120, wires: [[f.id('debug')]] });
    f.debug('debug', 'stream finished', 710, 120);
    write(f, '03 - Stream a WAV file.json');
  }

  // 04 ------------------------------------------------------------------------
  {
    const f = flow('04');
    f.comment('Record 5 seconds to a WAV file', code([
      'Click **record**: the **record** node records 5 seconds from every input channel of the mixer and',
      'sends them as the bytes of a 16-bit WAV file (`format: wav`), with `sampleRate`, `channels`,',
      '`startFrame` and `frames`. The `file` node writes them to `/tmp/rtmixer-recording.wav` and the',
      'debug sidebar says how much was saved. **stop early** (`msg.stop = true`) ends the recording',
      'now and sends what was recorded so far.',
      '',
      '**What to change**',
      '- The file name in the `file` node.',
      '- `Duration` in the record node, or `msg.duration` (seconds) per message; `msg.inputs = [1]`',
      '  records only the first input; `msg.at` / `msg.delay` schedule the start.',
      '- `Format`: `wav-float` for 32-bit float WAV, `float32` for a `Float32Array` to process in a',
      '  function node. For endless recording use the *continuous* mode, which sends a chunk every',
      '  `chunkMs`.',
    ]), 190, 60);
    f.inject('inject', 'record', [ts, topic], 130, 120, [f.id('record')]);
    f.inject('stop', 'stop early', [{ p: 'stop', v: 'true', vt: 'bool' }, topic], 140, 180, [f.id('record')]);
    f.node({ id: 'record', ...record({ name: 'record 5 s', duration: '5', format: 'wav' }), x: 320, y: 120, wires: [[f.id('file')]] });
    f.node({ id: 'file', type: 'file', name: 'save', filename: '/tmp/rtmixer-recording.wav', filenameType: 'str', appendNewline: false,
      createDir: true, overwriteFile: 'true', encoding: 'none', x: 490, y: 120, wires: [[f.id('describe')]] });
    f.node({ id: 'describe', type: 'change', name: 'describe', rules: [{ t: 'set', p: 'payload', pt: 'msg',
      to: '"saved " & $string($round(frames / sampleRate, 2)) & " s (" & $string(channels) & " channels) to " & filename', tot: 'jsonata' }],
      action: '', property: '', from: '', to: '', reg: false, x: 640, y: 120, wires: [[f.id('debug')]] });
    f.debug('debug', 'saved', 800, 120);
    write(f, '04 - Record 5 seconds to a WAV file.json');
  }

  // 05 ------------------------------------------------------------------------
  {
    const f = flow('05');
    f.comment('Loopback latency check', code([
      'Measures the real round trip of the audio device and compares it with the latency it reports.',
      '',
      'Click **measure**: the stats node reports the mixer clock (`payload.currentFrame`), the rate and',
      'the reported latencies. The function schedules an impulse 0.2 s ahead (`msg.at`) on the',
      '**play buffer** node and a 0.5 s recording starting on the very same frame on the **record**',
      'node. The second function finds the impulse in the recording and reports where it arrived, in',
      'frames and ms, next to `inputLatency + outputLatency`.',
      '',
      '**This needs the output wired to the input**: a cable from the line out to the line in of the',
      'sound card, or with JACK `jack_connect PortAudio:out_0 PortAudio:in_0` (`npm start` wires its',
      'private JACK server this way). Without it, the function warns that no impulse was found.',
      '',
      '**What to change**: the recording length (`duration` in the first function) if your round trip',
      'is longer than 0.5 s; the input channel searched (`channel` in the second function).',
    ]), 170, 60);
    f.inject('inject', 'measure', [ts, topic], 130, 140, [f.id('stats')]);
    f.node({ id: 'stats', ...stats({ name: 'clock & latency' }), x: 310, y: 140, wires: [[f.id('schedule')]] });
    f.fn('schedule', 'schedule both at one frame', [
      '// The mixer clock and latencies from the stats node.',
      'const s = msg.payload;',
      '// 0.2 s from now, on the mixer\'s frame clock: both start on this exact frame.',
      'const at = s.currentFrame + Math.round(0.2 * s.sampleRate);',
      'flow.set(\'latencyCheck\', {',
      '    at,',
      '    sampleRate: s.sampleRate,',
      '    reportedFrames: Math.round((s.inputLatency + s.outputLatency) * s.sampleRate)',
      '});',
      '// One full-scale sample, mono (Channels is 1 in the play node): on every output.',
      'const impulse = new Float32Array([1]);',
      'return [',
      '    { payload: impulse, at, topic: \'impulse\' },',
      '    { payload: \'record\', at, duration: 0.5, topic: \'recording\' }',
      '];',
    ], 550, 140, [[f.id('play')], [f.id('record')]], 2);
    f.node({ id: 'play', ...playBuffer({ name: 'impulse', channels: '1' }), x: 790, y: 100, wires: [[]] });
    f.node({ id: 'record', ...record({ name: 'record 0.5 s', duration: '0.5', format: 'float32' }), x: 800, y: 180, wires: [[f.id('find')]] });
    f.fn('find', 'find the impulse', [
      '// Where did the impulse arrive? Compared with what the device reports.',
      'const check = flow.get(\'latencyCheck\');',
      'const channel = 0;                     // 0 = the first input channel',
      'const rec = msg.payload;               // Float32Array, interleaved',
      'const channels = msg.channels || 1;',
      'let peak = 0;',
      'for (let i = channel; i < rec.length; i += channels) peak = Math.max(peak, Math.abs(rec[i]));',
      'if (!check || peak < 0.01) {',
      '    node.status({ fill: \'red\', shape: \'ring\', text: \'no impulse found\' });',
      '    node.warn(\'No impulse in the recording: wire the output to the input (a cable, or jack_connect) and measure again.\');',
      '    return null;',
      '}',
      'let frame = 0;',
      'while (Math.abs(rec[frame * channels + channel]) < peak / 2) frame++;',
      '// Counted from the frame the impulse was played on.',
      'const measured = frame + ((msg.startFrame !== undefined ? msg.startFrame : check.at) - check.at);',
      'const ms = (frames) => Math.round(frames / check.sampleRate * 100000) / 100;',
      'msg.payload = {',
      '    measuredFrames: measured,',
      '    measuredMs: ms(measured),',
      '    reportedFrames: check.reportedFrames,',
      '    reportedMs: ms(check.reportedFrames),',
      '    differenceFrames: measured - check.reportedFrames,',
      '    sampleRate: check.sampleRate',
      '};',
      'node.status({ fill: \'green\', shape: \'dot\', text: `${measured} frames = ${ms(measured)} ms (reported ${check.reportedFrames})` });',
      'return msg;',
    ], 990, 180, [[f.id('debug')]]);
    f.debug('debug', 'round trip', 1170, 180);
    write(f, '05 - Loopback latency check.json');
  }

  // 06 ------------------------------------------------------------------------
  {
    const f = flow('06');
    f.comment('Stats watcher', code([
      'The **stats** node reports the health of the mixer every second: xruns (PortAudio\'s input and',
      'output under/overflows), the callback\'s duration and CPU load, late and dropped starts, ring',
      'buffer under/overflows and the sounds playing, for the last second and as running `totals`.',
      'Its status shows the worst figure (yellow when the last second had xruns).',
      '',
      '**reset totals** (`msg.reset = true`) zeroes the totals; **snapshot** asks for a report now.',
      '',
      '**What to change**: `Interval` in the stats node (0 = only when a message arrives). Switch the',
      'debug node off when you have seen enough: it logs a message every second.',
    ]), 140, 60);
    f.inject('snapshot', 'snapshot', [ts, topic], 140, 120, [f.id('stats')]);
    f.inject('reset', 'reset totals', [{ p: 'reset', v: 'true', vt: 'bool' }, topic], 150, 180, [f.id('stats')]);
    f.node({ id: 'stats', ...stats({ name: 'every second', interval: '1' }), x: 340, y: 140, wires: [[f.id('debug')]] });
    f.debug('debug', 'stats', 510, 140);
    write(f, '06 - Stats watcher.json');
  }
  return examples;
}

/** Writes every example as examples/<name>.json (4-space JSON, as Node-RED's own examples). */
function writeExamples(dir = EXAMPLES) {
  fs.mkdirSync(dir, { recursive: true });
  const examples = buildExamples();
  for (const file of fs.readdirSync(dir)) if (file.endsWith('.json') && !(file in examples)) fs.unlinkSync(path.join(dir, file));
  for (const [file, nodes] of Object.entries(examples)) fs.writeFileSync(path.join(dir, file), JSON.stringify(nodes, null, 4) + '\n');
  return Object.keys(examples);
}

module.exports = { buildExamples, writeExamples, editorDefaults, MIXER };

if (require.main === module) {
  for (const file of writeExamples()) console.log(`examples/${file}`);
}
