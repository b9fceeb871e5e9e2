// Page faults the audio thread takes while the mixer records `seconds` of
// stereo input (issue 11 §2): a record buffer first touched by the callback
// costs one minor fault per page (512 stereo float frames); pre-faulted on the
// JavaScript thread it costs none. Counted from /proc for the real-time thread
// JACK runs the callback on, around the whole record.
'use strict';
const { startJackServer } = require('../tools/jack-server');
const { loopbackMixer } = require('./common');
const { audioThread, stat } = require('../tools/proc-threads');

module.exports = async function recordFaults(seconds = 60) {
  const server = startJackServer();
  const mixer = await loopbackMixer();
  try {
    const thread = audioThread(process.pid);
    if (!thread) return { seconds, error: 'no real-time thread found (JACK server without -R?)' };
    const frames = Math.round(seconds * mixer.sampleRate);
    const before = stat(process.pid, thread.tid);
    const take = mixer.record(frames, { channels: [1, 2] });
    const recorded = await take.done;
    const after = stat(process.pid, thread.tid);
    return {
      seconds,
      frames: recorded.samples.length / 2,
      bufferPages: Math.ceil((frames * 2 * 4) / 4096),
      minorFaults: after.minflt - before.minflt,
      majorFaults: after.majflt - before.majflt,
    };
  } finally {
    await mixer.close();
    server.stop();
  }
};

module.exports.print = function print(r) {
  if (r.error) return console.log(`8. Page faults on the audio thread during a record: ${r.error}\n`);
  console.log(`8. Page faults on the audio thread during a ${r.seconds} s stereo record (${r.bufferPages} pages of buffer): ${r.minorFaults} minor, ${r.majorFaults} major\n`);
};
