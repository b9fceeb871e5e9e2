'use strict';
// The callback never allocates, locks, blocks or calls into JavaScript: checked
// at run time by a preloaded guard (test/native/rtguard.c) and at link level by
// the symbols the callback's translation unit references.
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtmixer-rtguard-'));
const guardLibrary = path.join(workDir, 'rtguard.so');

function runGuarded(hook) {
  const reportFile = path.join(workDir, `report-${hook || 'none'}.json`);
  const child = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'rt-safety-child.js'), hook], {
    env: { ...process.env, LD_PRELOAD: guardLibrary, RTGUARD_REPORT: reportFile, RTMIXER_ENABLE_TEST_HOOKS: '1' },
    encoding: 'utf8',
    timeout: 60000,
  });
  assert.equal(child.status, 0, `child failed: ${child.stderr}`);
  const summary = JSON.parse(child.stdout.trim().split('\n').pop());
  return { ...JSON.parse(fs.readFileSync(reportFile, 'utf8')), actions: summary.actions };
}

describe('Real-time safety of the audio callback', function () {
  this.timeout(60000);
  before(() => {
    execFileSync('cc', ['-O2', '-shared', '-fPIC', '-o', guardLibrary, path.join(__dirname, '..', 'native', 'rtguard.c'), '-ldl', '-lpthread']);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('makes no allocation, lock, blocking call or page fault in hundreds of plays, records, rings and cancels', () => {
    const counts = runGuarded('');
    assert.ok(counts.callbacks > 100, `the guard saw ${counts.callbacks} callbacks`);
    assert.ok(counts.actions >= 700, `${counts.actions} actions`);
    // Page faults too: record buffers and rings are pre-faulted on the JavaScript
    // thread (the first blocks, where PortAudio's own buffers are first written, apart).
    assert.deepEqual(
      { allocations: counts.allocations, locks: counts.locks, blockingCalls: counts.blockingCalls, pageFaults: counts.pageFaults },
      { allocations: 0, locks: 0, blockingCalls: 0, pageFaults: 0 },
    );
  });

  it('the guard catches a page fault in the callback (control)', () => {
    const counts = runGuarded('fault');
    assert.ok(counts.pageFaults > 100, JSON.stringify(counts));
  });

  it('the guard catches an allocation in the callback (control)', () => {
    const counts = runGuarded('malloc');
    assert.ok(counts.allocations > 0, JSON.stringify(counts));
  });

  it('the guard catches a lock in the callback (control)', () => {
    const counts = runGuarded('lock');
    assert.ok(counts.locks > 0, JSON.stringify(counts));
  });

  it("the callback's code references no allocator, lock, I/O or N-API symbol", () => {
    const object = path.join(workDir, 'mixer_core.o');
    execFileSync('cc', ['-std=c11', '-O2', '-c', path.join(root, 'native', 'core', 'mixer_core.c'), '-o', object]);
    const undefinedSymbols = execFileSync('nm', ['-u', object], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim().split(/\s+/).pop()).filter(Boolean);
    const allowed = new Set([
      'clock_gettime', 'memset', 'memcpy', 'sinf',
      'spsc_queue_pop', 'spsc_queue_push', 'rtm_index_insert', 'rtm_index_find', 'rtm_index_remove',
      'ringbuffer_read_regions', 'ringbuffer_read_advance', 'ringbuffer_read_available',
      'ringbuffer_write_regions', 'ringbuffer_write_advance', 'rtm_levels_reset', 'rtm_levels_add',
    ]);
    assert.deepEqual(undefinedSymbols.filter((s) => !allowed.has(s)), []);
    // The helpers it calls are themselves free of calls out.
    for (const file of ['spsc_queue.c', 'ringbuffer.c', 'id_index.c', 'level_meter.c']) {
      const o = path.join(workDir, file + '.o');
      execFileSync('cc', ['-std=c11', '-O2', '-c', path.join(root, 'native', 'core', file), '-o', o]);
      const syms = execFileSync('nm', ['-u', o], { encoding: 'utf8' });
      // calloc/free belong to create/destroy, which run on the JS thread only.
      assert.doesNotMatch(syms, /napi|pthread|malloc\b|realloc|printf|write\b/, file);
    }
  });
});
