// rtmixer-stats: the mixer's callback statistics (xruns, callback duration and
// load, late or dropped starts, ring under/overflow) since this node's last
// report (the first report: since it registered), running totals since deploy
// or msg.reset, and the stream's clock and latencies. Several stats nodes on
// one mixer each see every block: the config node hands every snapshot it
// fetches to all of them.
import { firstSet, InvalidArgumentError, LEVEL_FLOOR_DBFS, optionalNumber, Stats, StatsTotals, StatsWindow } from '../src/index';
import type { Translate } from './lib/i18n';
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

/**
 * The status of a report, all from the last report's window: yellow with its
 * xruns (or dropped starts) and the totals labelled as totals; green with the
 * loudest output's peak. Then the load. One place: each figure is one part.
 */
function statsStatus(stats: Stats, totals: StatsTotals, t: Translate): { fill: 'green' | 'yellow'; text: string } {
  const warn = stats.xruns > 0 || stats.droppedStarts > 0;
  const total = warn && totals.xruns > stats.xruns ? ` (${t('xruns-total', { count: totals.xruns })})` : '';
  const first = !warn
    ? t('peak', { dbfs: Math.max(LEVEL_FLOOR_DBFS, ...stats.outputPeak).toFixed(1) })
    : stats.xruns > 0 ? t('xruns-window', { count: stats.xruns }) : t('dropped-window', { count: stats.droppedStarts });
  return { fill: warn ? 'yellow' : 'green', text: `${first}${total} · ${t('load', { percent: Math.round(stats.cpuLoad.max * 100) })}` };
}

export = (RED: NodeAPI) =>
  registerMixerNode(RED, 'rtmixer-stats', parseSettings, (ctx) => {
    const interval = ctx.settings;
    const statsWindow = new StatsWindow();
    // The first window starts now: on a mixer already open, what others have not fetched yet is not ours.
    const listen = () => !ctx.closing && ctx.config?.addStatsListener(statsWindow.add);
    if (ctx.config?.state === 'open') ctx.config.refreshStats().catch(() => undefined).then(listen);
    else listen();

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
      const { fill, text } = statsStatus(stats, totals, ctx.t);
      ctx.status.set({ fill, shape: 'dot', text });
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
      status: () => ctx.status.idle(interval > 0 ? ctx.t('stats-every', { interval }) : ctx.t('stats-on-input')),
      close: () => ctx.config?.removeStatsListener(statsWindow.add),
    };
  });
