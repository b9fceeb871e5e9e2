// The mixer config node: owns one Mixer (one PortAudio stream) that every
// rtmixer node using it shares. Opens the device when the first node
// registers, retries with backoff when it cannot, and closes the stream on
// redeploy or removal before telling Node-RED it is done.
import {
  deviceListingAge, InvalidArgumentError, listDevices, listHostApis, Mixer, MixerClosedError, mixerOptionsFromText, MixerTextOptions, playTestTone, rescanDevices,
  RtMixerError, STARTUP_SECONDS, StreamLostError,
} from '../src/index';
import type { MixerConfigApi, MixerState, MixerUser, StatsListener } from './lib/mixer-config-api';
import { translator } from './lib/i18n';
import type { Node, NodeAPI, NodeDefinition } from './lib/red-types';

type ConfigDefinition = NodeDefinition & MixerTextOptions;

const DEFAULT_RECONNECT_MS = 5000;
const MAX_RECONNECT_MS = 60000;
// After a device is lost, look for it every half second (a rescan on a worker
// thread, ~10 ms of CPU while it is away) for a minute, then back off as usual.
const LOST_POLL_MS = 500;
const LOST_POLL_FOR_MS = 60000;
// The device route may be called by anyone with read permission: a scan younger than this is reused.
const ROUTE_RESCAN_MIN_INTERVAL_MS = 1000;

function listingAge(): number {
  try {
    return deviceListingAge();
  } catch {
    return Infinity;
  }
}

export = function register(RED: NodeAPI): void {
  function MixerConfigNode(this: Node & MixerConfigApi, def: ConfigDefinition) {
    RED.nodes.createNode(this, def);
    const node = this;
    const users = new Map<string, MixerUser>();
    const statsListeners = new Set<StatsListener>();
    const reconnectMs = Number(RED.settings.rtmixerConfigReconnectInterval ?? DEFAULT_RECONNECT_MS);
    let mixer: Mixer | undefined;
    let state: MixerState = 'closed';
    let lastError: Error | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let settledTimer: NodeJS.Timeout | undefined;
    let failures = 0;
    let closed = false;
    let statsInFlight: Promise<void> | undefined;
    let statsMixer: Mixer | undefined;
    let lostAt = 0;
    let lostError: StreamLostError | undefined;

    function setState(next: MixerState, error?: Error): void {
      state = next;
      lastError = error;
      for (const user of users.values()) user.mixerStateChanged(next, error);
    }

    function open(): void {
      if (closed || mixer) return;
      // While polling after a loss the nodes keep showing "device lost" (and messages get it).
      const polling = lostError !== undefined && Date.now() - lostAt < LOST_POLL_FOR_MS;
      if (!polling) setState('opening');
      try {
        mixer = new Mixer(mixerOptionsFromText(def));
        failures = 0;
        lostError = undefined;
        mixer.on('error', (err: StreamLostError) => lost(err));
        node.log(
          `opened "${mixer.outputDevice?.name ?? mixer.inputDevice?.name}" at ${mixer.sampleRate} Hz, ` +
            `${mixer.inputChannels} in / ${mixer.outputChannels} out, latency ${(mixer.outputLatency * 1000).toFixed(1)} ms`,
        );
        setState('open');
        // Closes the stats nodes' start-up window: what they get next counts as xruns.
        settledTimer = setTimeout(() => Promise.resolve().then(() => (statsListeners.size > 0 ? node.refreshStats() : undefined)).catch(() => undefined), STARTUP_SECONDS * 1000);
      } catch (err) {
        failures++;
        const wait = polling ? LOST_POLL_MS : Math.min(MAX_RECONNECT_MS, reconnectMs * 2 ** (failures - 1));
        if (!polling) node.warn(`${(err as Error).message} (retrying in ${Math.round(wait / 1000)} s)`);
        setState('error', polling ? lostError : (err as Error));
        retryLater(wait);
      }
    }

    // A device plugged in or a JACK server started later is picked up by the
    // retry: PortAudio rescans on a worker thread first, so the event loop
    // never waits for the scan.
    function retryLater(wait: number): void {
      retryTimer = setTimeout(() => {
        rescanDevices()
          .catch(() => undefined)
          .then(() => {
            retryTimer = undefined;
            if (users.size > 0 && !closed) open();
          });
      }, wait);
    }

    // The stream died under us (the mixer has closed itself): every node shows
    // it, messages get the coded error, and we poll for the device's return.
    function lost(err: StreamLostError): void {
      mixer = undefined;
      lostAt = Date.now();
      lostError = err;
      failures = 0;
      node.warn(err.message);
      setState('error', err);
      if (!closed && !retryTimer) retryLater(LOST_POLL_MS);
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
      const current = node.mixer();
      // A fetch from a mixer that has since gone must not hold back reports of the next one.
      if (statsInFlight && statsMixer === current) return statsInFlight;
      statsMixer = current;
      const settled = () => {
        if (statsInFlight === fetching) statsInFlight = undefined;
      };
      const fetching: Promise<void> = current.fetchStats().then(
        (stats) => {
          settled(); // before anyone awaiting it runs: their next refresh fetches anew
          for (const listener of statsListeners) listener(stats, current.sampleRate);
        },
        (err: Error) => {
          settled();
          throw err;
        },
      );
      statsInFlight = fetching;
      return fetching;
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(settledTimer);
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

  // The editor's device dropdown. PortAudio rescans on a worker thread, only
  // while no stream is open, and at most once a second however often it is asked.
  RED.httpAdmin.get('/rtmixer-config/devices', RED.auth.needsPermission('rtmixer-config.read'), (_req, res) => {
    const recent = listingAge() < ROUTE_RESCAN_MIN_INTERVAL_MS;
    (recent ? Promise.resolve({ hostApis: listHostApis(), devices: listDevices() }) : rescanDevices()).then(
      (listing) => res.json(listing),
      (err: RtMixerError) => answer(res, 500, err),
    );
  });

  // The editor's test-tone buttons: a short tone on one output of a deployed mixer.
  RED.httpAdmin.post('/rtmixer-config/:id/test-tone', RED.auth.needsPermission('rtmixer-config.write'), (req, res) => {
    const config = RED.nodes.getNode(req.params.id) as (Node & MixerConfigApi) | null;
    if (config?.type !== 'rtmixer-config') return answer(res, 404, new InvalidArgumentError(translator(RED)('not-deployed')));
    try {
      const mixer = config.mixer();
      try {
        playTestTone(mixer, Number(req.query.channel));
      } catch (err) {
        return answer(res, err instanceof InvalidArgumentError ? 400 : 409, err as RtMixerError);
      }
      answer(res, 200, undefined, { channel: Number(req.query.channel) });
    } catch (err) {
      answer(res, 409, err as RtMixerError);
    }
  });
}

function answer(res: { statusCode: number; json(body: unknown): void }, status: number, err?: RtMixerError, body: object = {}): void {
  res.statusCode = status;
  res.json(err ? { error: err.message, code: err.code } : body);
}
