// Waiting for a condition instead of for a fixed time: the machine the tests
// run on may be loaded (2 shared cores), so every wait has a deadline far
// beyond what an idle machine needs, and ends as soon as the condition holds.
'use strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (sync or async) until it returns a truthy value, which it resolves with. */
async function waitFor(what, check, { timeoutMs = 10000, everyMs = 10 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Resolves once `mixer`'s stream clock has moved `frames` past where it is now:
 * time measured by the audio, not by a timer that a loaded event loop delays.
 */
function framesPass(mixer, frames, { timeoutMs = 10000 } = {}) {
  const until = mixer.currentFrame + frames;
  return waitFor(`the stream to reach frame ${until}`, () => mixer.currentFrame >= until, { timeoutMs, everyMs: 5 });
}

module.exports = { sleep, waitFor, framesPass };
