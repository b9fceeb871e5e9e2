// Per-thread counters from /proc: page faults, CPU ticks and scheduling policy,
// to find a process's audio thread (the one JACK runs with a real-time policy)
// and count the faults it takes.
'use strict';
const fs = require('node:fs');

const POLICIES = ['SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE'];

/** Fields of /proc/PID/task/TID/stat (or /proc/PID/stat without tid). */
function stat(pid, tid) {
  const text = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return { minflt: Number(f[7]), majflt: Number(f[9]), utime: Number(f[11]), stime: Number(f[12]), rtPriority: Number(f[37]), policy: POLICIES[Number(f[38])] ?? String(f[38]) };
}

/** Times the thread was preempted (nonvoluntary_ctxt_switches in /proc/PID/task/TID/status). */
function preemptions(pid, tid) {
  return Number(/nonvoluntary_ctxt_switches:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))[1]);
}

function threads(pid) {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => ({ tid: Number(tid), ...stat(pid, tid) }));
}

/** The process's real-time thread: JACK's process thread when the server runs with -R. */
function audioThread(pid) {
  const rt = threads(pid).filter((t) => t.policy === 'SCHED_FIFO' || t.policy === 'SCHED_RR');
  rt.sort((a, b) => b.rtPriority - a.rtPriority);
  return rt[0] ?? null;
}

/** Whole-process CPU seconds (user + system) so far. */
function processCpuSeconds(pid) {
  const s = stat(pid);
  return (s.utime + s.stime) / 100; // USER_HZ is 100 on Linux
}

module.exports = { stat, preemptions, threads, audioThread, processCpuSeconds };
