// The mixer config node: owns one Mixer (one PortAudio stream) that every
// rtmixer node using it shares. Opens the device when the first node
// registers, retries with backoff when it cannot, and closes the stream on
// redeploy or removal before telling Node-RED it is done.
import { listDevices, listHostApis, Mixer, MixerClosedError, RtMixerError, Stats } from '../src/index';
import type { MixerConfigApi, MixerState, MixerUser } from './lib/mixer-config-api';
import { ConfigDefinition, mixerOptionsFrom } from './lib/config-options';
import type { Node, NodeAPI } from './lib/red-types';

const DEFAULT_RECONNECT_MS = 5000;
const MAX_RECONNECT_MS = 60000;

export = function register(RED: NodeAPI): void {
  function MixerConfigNode(this: Node & MixerConfigApi, def: ConfigDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;
    const users = new Map<string, MixerUser>();
    const statsListeners = new Set<(stats: Stats) => void>();
    const reconnectMs = Number(RED.settings.rtmixerConfigReconnectInterval ?? DEFAULT_RECONNECT_MS);
    let mixer: Mixer | undefined;
    let state: MixerState = 'closed';
    let lastError: Error | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let failures = 0;
    let closed = false;
    let statsInFlight: Promise<void> | undefined;

    function setState(next: MixerState, error?: Error): void {
      state = next;
      lastError = error;
      for (const user of users.values()) user.mixerStateChanged(next, error);
    }

    function open(): void {
      if (closed || mixer) return;
      setState('opening');
      try {
        mixer = new Mixer(mixerOptionsFrom(def));
        failures = 0;
        node.log(
          `opened "${mixer.outputDevice?.name ?? mixer.inputDevice?.name}" at ${mixer.sampleRate} Hz, ` +
            `${mixer.inputChannels} in / ${mixer.outputChannels} out, latency ${(mixer.outputLatency * 1000).toFixed(1)} ms`,
        );
        setState('open');
      } catch (err) {
        failures++;
        const wait = Math.min(MAX_RECONNECT_MS, reconnectMs * 2 ** (failures - 1));
        node.warn(`${(err as Error).message} (retrying in ${Math.round(wait / 1000)} s)`);
        setState('error', err as Error);
        // A device plugged in or a JACK server started later is picked up by the retry.
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          if (users.size > 0) open();
        }, wait);
      }
    }

    Object.defineProperty(node, 'state', { get: () => state });

    node.register = (user: MixerUser) => {
      users.set(user.id, user);
      if (!mixer && !retryTimer) open();
      else user.mixerStateChanged(state, lastError);
    };

    node.deregister = (user: MixerUser) => {
      users.delete(user.id);
    };

    node.mixer = () => {
      if (mixer && !mixer.closed) return mixer;
      if (lastError instanceof RtMixerError) throw lastError;
      if (lastError) throw new RtMixerError('ERR_RTMIXER_NATIVE', lastError.message);
      throw new MixerClosedError('use the mixer');
    };

    node.addStatsListener = (listener) => statsListeners.add(listener);
    node.removeStatsListener = (listener) => statsListeners.delete(listener);
    node.refreshStats = () => {
      // One fetch at a time: the core resets its counters at each fetch, so
      // every listener gets every snapshot and none is lost between them.
      statsInFlight ??= node
        .mixer()
        .fetchStats()
        .then((stats) => {
          for (const listener of statsListeners) listener(stats);
        })
        .finally(() => (statsInFlight = undefined));
      return statsInFlight;
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const closing = mixer?.close() ?? Promise.resolve();
      mixer = undefined;
      setState('closed');
      users.clear();
      statsListeners.clear();
      closing.then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('rtmixer-config', MixerConfigNode, {
    settings: { rtmixerConfigReconnectInterval: { value: DEFAULT_RECONNECT_MS, exportable: true } },
  });

  // The editor's device dropdown. PortAudio rescans only while no stream is open.
  RED.httpAdmin.get('/rtmixer-config/devices', RED.auth.needsPermission('rtmixer-config.read'), (_req, res) => {
    try {
      res.json({ hostApis: listHostApis(), devices: listDevices() });
    } catch (err) {
      res.statusCode = 500;
      res.json({ error: (err as Error).message, code: (err as RtMixerError).code });
    }
  });
};
