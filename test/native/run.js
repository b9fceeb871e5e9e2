#!/usr/bin/env node
// `npm run test:native`: the C core offline, no PortAudio, no JACK.
// core_test.c drives rtm_process() block by block under AddressSanitizer +
// UndefinedBehaviorSanitizer; stress_test.c runs the queue, the ring and a
// whole mixer from two threads under ThreadSanitizer. Prints one line per case
// and "N passed, M failed"; exits non-zero on any failure.
'use strict';
const { execFile, spawnSync } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const core = ['mixer_core.c', 'mixer_state.c', 'id_index.c', 'spsc_queue.c', 'ringbuffer.c', 'prefault.c', 'rt_memory.c', 'action_pool.c', 'level_meter.c'].map((f) => path.join(root, 'native', 'core', f));
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-native-test-'));

// clang first (its ThreadSanitizer understands every C11 fence), else gcc.
function compiler() {
  for (const cc of [process.env.CC, 'clang', 'gcc', 'cc'].filter(Boolean)) {
    if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) return cc;
  }
  throw new Error('No C compiler found: install clang or gcc (apt-get install clang)');
}

// The two builds run side by side (most of the time is the compiler's).
async function build(cc, name, source, sanitizers, extra = []) {
  const exe = path.join(workDir, name);
  await promisify(execFile)(cc, ['-std=c11', '-g', '-O1', '-fno-omit-frame-pointer', `-fsanitize=${sanitizers}`,
    '-fno-sanitize-recover=all', '-Wall', '-Wextra', '-Werror', '-I', path.join(root, 'native', 'core'),
    path.join(__dirname, source), ...core, ...extra, '-lm', '-lpthread', '-o', exe]).catch((err) => {
    process.stderr.write(err.stderr || String(err));
    throw new Error(`${name} did not compile`);
  });
  return exe;
}

function run(title, exe) {
  console.log(title);
  const child = spawnSync(exe, process.argv.slice(2), {
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1', TSAN_OPTIONS: 'halt_on_error=1' },
    timeout: 120000,
  });
  process.stdout.write(child.stdout);
  if (child.stderr) process.stderr.write(child.stderr);
  const m = /(\d+) passed, (\d+) failed\s*$/.exec(child.stdout);
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) : 0;
  // a crash or a sanitizer report ends the program before its summary, or with a failing status
  return { passed, failed: failed || (child.status === 0 && m ? 0 : 1) };
}

async function main() {
  const started = Date.now();
  const cc = compiler();
  const totals = { passed: 0, failed: 0 };
  try {
    const [coreTest, stressTest] = await Promise.all([
      build(cc, 'core_test', 'core_test.c', 'address,undefined'),
      build(cc, 'stress_test', 'stress_test.c', 'thread'),
    ]);
    const results = [
      run(`Core, block by block (${cc}, AddressSanitizer + UndefinedBehaviorSanitizer)`, coreTest),
      run(`Queue, ring and mixer from two threads (${cc}, ThreadSanitizer)`, stressTest),
    ];
    for (const r of results) {
      totals.passed += r.passed;
      totals.failed += r.failed;
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed (native core, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(totals.failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err.message);
  console.log('0 passed, 1 failed (native core did not build)');
  process.exit(1);
});
