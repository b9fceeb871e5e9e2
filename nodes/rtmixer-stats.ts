// rtmixer-stats: the mixer's callback statistics (xruns, callback duration and
// load, late or dropped starts, ring under/overflow) since this node's last
// report, running totals since deploy or msg.reset, and the stream's clock and
// latencies. Several stats nodes on one mixer each see every block: the config
// node hands every snapshot it fetches to all of them.
import { InvalidArgumentError, Stats } from '../src/index';
import { MixerClient } from './lib/mixer-client';
import { firstSet, optionalNumber, reply, settingsOrError } from './lib/msg-options';
import type { Node, NodeAPI, NodeDefinition, NodeMessage, SendFunction } from './lib/red-types';
import { StatsTotals, StatsWindow } from './lib/stats-window';

const MIN_INTERVAL_S = 0.05;

interface StatsDefinition extends NodeDefinition {
  mixer?: string;
  interval?: string | number;
}

function intervalFrom(value: unknown): number {
  const interval = optionalNumber('interval (s)', firstSet(value, '0'), 0, 86400) ?? 0;
  if (interval > 0 && interval < MIN_INTERVAL_S) {
    throw new InvalidArgumentError(`interval must be 0 or at least ${MIN_INTERVAL_S} s, got ${interval} (0 = report only on input)`);
  }
  return interval;
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export = function register(RED: NodeAPI): void {
  function StatsNode(this: Node, def: StatsDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;
    const statsWindow = new StatsWindow();

    const { settings: interval = 0, error: settingsError } = settingsOrError(() => intervalFrom(def.interval));

    let ready = false; // MixerClient reports the mixer's state while it registers
    const client = new MixerClient(RED, node, def.mixer, () => showIdle());
    ready = true;
    client.config?.addStatsListener(statsWindow.add);
    if (client.config?.state === 'open' || settingsError) showIdle();

    function showIdle(): void {
      if (!ready) return;
      if (settingsError) client.status.error(settingsError.message);
      else client.status.idle(interval > 0 ? `every ${interval} s` : 'on input');
    }

    function showStats(stats: Stats, totals: StatsTotals): void {
      const load = `load ${percent(stats.cpuLoad.max)}`;
      if (stats.xruns > 0) client.status.warning(`${plural(stats.xruns, 'xrun')} (${totals.xruns} total) · ${load}`);
      else if (stats.droppedStarts > 0) client.status.warning(`${stats.droppedStarts} dropped starts · ${plural(totals.xruns, 'xrun')} · ${load}`);
      else client.status.active(`${plural(totals.xruns, 'xrun')} · ${load}`);
    }

    // One report at a time per node: each takes the window its own fetch filled.
    let chain: Promise<unknown> = Promise.resolve();
    function queued<T>(work: () => Promise<T>): Promise<T> {
      const run = chain.then(work);
      chain = run.catch(() => undefined);
      return run;
    }

    async function report(msg: NodeMessage, send: SendFunction): Promise<void> {
      client.mixer(); // a clear error if there is no mixer or it is not open
      await client.config!.refreshStats();
      const stats = statsWindow.take();
      const totals = statsWindow.totals;
      const mixer = client.mixer();
      showStats(stats, totals);
      send(
        reply(msg, {
          ...stats,
          totals,
          currentFrame: mixer.currentFrame,
          time: mixer.time,
          sampleRate: mixer.sampleRate,
          inputLatency: mixer.inputLatency,
          outputLatency: mixer.outputLatency,
          inputChannels: mixer.inputChannels,
          outputChannels: mixer.outputChannels,
        }),
      );
    }

    async function reset(): Promise<void> {
      // Collect what the core counted so far, so that it is dropped too.
      if (client.config?.state === 'open') await client.config.refreshStats().catch(() => undefined);
      statsWindow.reset();
      showIdle();
    }

    client.onInput((msg, send) => {
      if (settingsError) throw settingsError;
      if (msg.reset === true) return queued(reset);
      return queued(() => report(msg, send));
    });

    // Timer reports: never throw, never pile up; a mixer that is not open shows red, once.
    let timer: NodeJS.Timeout | undefined;
    let ticking = false;
    let lastTickError = '';
    function tick(): void {
      if (ticking || !client.config) return;
      ticking = true;
      queued(() => report({}, (m) => node.send(m))).then(
        () => {
          ticking = false;
          lastTickError = '';
        },
        (err: Error) => {
          ticking = false;
          client.status.error(err.message);
          if (err.message !== lastTickError) node.warn(`stats report failed: ${err.message}`);
          lastTickError = err.message;
        },
      );
    }
    if (interval > 0 && !settingsError && client.config) {
      timer = setInterval(() => {
        try {
          tick();
        } catch {
          /* tick() settles its own errors; nothing may escape a timer */
        }
      }, interval * 1000);
    }

    client.onClose(() => {
      if (timer) clearInterval(timer);
      timer = undefined;
      client.config?.removeStatsListener(statsWindow.add);
    });
  }

  RED.nodes.registerType('rtmixer-stats', StatsNode);
};
