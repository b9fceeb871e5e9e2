// rtmixer-stats: the mixer's callback statistics (xruns, callback duration and
// load, late or dropped starts, ring under/overflow) since this node's last
// report, running totals since deploy or msg.reset, and the stream's clock and
// latencies. Several stats nodes on one mixer each see every block: the config
// node hands every snapshot it fetches to all of them.
import { firstSet, InvalidArgumentError, LEVEL_FLOOR_DBFS, optionalNumber, Stats, StatsTotals, StatsWindow } from '../src/index';
import { MixerNodeDefinition, registerMixerNode } from './lib/mixer-node';
import { reply } from './lib/msg-options';
import type { NodeAPI, NodeMessage, SendFunction } from './lib/red-types';

const MIN_INTERVAL_S = 0.05;

interface StatsDefinition extends MixerNodeDefinition {
  interval?: string | number;
}

function parseSettings(def: StatsDefinition): number {
  const interval = optionalNumber('interval (s)', firstSet(def.interval, '0'), 0, 86400) ?? 0;
  if (interval > 0 && interval < MIN_INTERVAL_S) {
    throw new InvalidArgumentError(`interval must be 0 or at least ${MIN_INTERVAL_S} s, got ${interval} (0 = report only on input)`);
  }
  return interval;
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-stats', parseSettings, (ctx) => {
    const interval = ctx.settings;
    const statsWindow = new StatsWindow();
    ctx.config?.addStatsListener(statsWindow.add);

    function showStats(stats: Stats, totals: StatsTotals): void {
      const load = `load ${percent(stats.cpuLoad.max)}`;
      if (stats.xruns > 0) ctx.status.warning(`${plural(stats.xruns, 'xrun')} (${totals.xruns} total) · ${load}`);
      else if (stats.droppedStarts > 0) ctx.status.warning(`${stats.droppedStarts} dropped starts · ${plural(totals.xruns, 'xrun')} · ${load}`);
      else ctx.status.active(`peak ${Math.max(LEVEL_FLOOR_DBFS, ...stats.outputPeak).toFixed(1)} dBFS · ${load}`);
    }

    // One report at a time per node: each takes the window its own fetch filled.
    let chain: Promise<unknown> = Promise.resolve();
    function queued<T>(work: () => Promise<T>): Promise<T> {
      const run = chain.then(work);
      chain = run.catch(() => undefined);
      return run;
    }

    async function report(msg: NodeMessage, send: SendFunction): Promise<void> {
      ctx.mixer(); // a clear error if there is no mixer or it is not open
      await ctx.config!.refreshStats();
      const stats = statsWindow.take();
      const totals = statsWindow.totals;
      const { currentFrame, time, sampleRate, inputLatency, outputLatency, inputChannels, outputChannels } = ctx.mixer();
      showStats(stats, totals);
      send(reply(msg, { ...stats, totals, currentFrame, time, sampleRate, inputLatency, outputLatency, inputChannels, outputChannels }));
    }

    async function reset(): Promise<void> {
      // Collect what the core counted so far, so that it is dropped too.
      if (ctx.config?.state === 'open') await ctx.config.refreshStats().catch(() => undefined);
      statsWindow.reset();
      ctx.refreshStatus();
    }

    // Timer reports never pile up; a mixer that is not open shows red, and warns once.
    let ticking = false;
    let lastTickError = '';
    if (interval > 0 && ctx.config) {
      ctx.every(interval * 1000, () => {
        if (ticking) return;
        ticking = true;
        queued(() => report({}, (m) => ctx.node.send(m))).then(
          () => {
            ticking = false;
            lastTickError = '';
          },
          (err: Error) => {
            ticking = false;
            ctx.status.error(err.message);
            if (err.message !== lastTickError) ctx.node.warn(`stats report failed: ${err.message}`);
            lastTickError = err.message;
          },
        );
      });
    }

    return {
      input: (msg, send) => (msg.reset === true ? queued(reset) : queued(() => report(msg, send))),
      status: () => ctx.status.idle(interval > 0 ? `every ${interval} s` : 'on input'),
      close: () => ctx.config?.removeStatsListener(statsWindow.add),
    };
  });
