// Opens the native stream for a new Mixer. PortAudio is re-initialised only
// when it must: the cached device listing is used as it is, and PortAudio
// rescans (at most once per open; twice when the JACK host API is missing,
// which a busy machine can cause) only when the devices asked for are not in
// it, or when the stream cannot open on it (a JACK server that went away
// leaves a session that can no longer open anything).
import { currentListing, DeviceInfo, rescanDevicesSync } from './devices';
import { DeviceNotFoundError, StreamOpenError } from './errors';
import { MixerOptions, ResolvedStream, resolveStream } from './mixer-options';
import { native, NativeMixer } from './native';

/** A listing this young is the truth: rescanning again would see the same. */
const FRESH_LISTING_MS = 1000;

export interface OpenedEngine {
  engine: NativeMixer;
  resolved: ResolvedStream;
}

export function openEngine(options: MixerOptions, onResults: () => void): OpenedEngine {
  let rescans = 0;
  for (;;) {
    const listing = currentListing();
    const limit = wantsMissingJack(options, listing.hostApis) ? 2 : 1;
    const mayRescan = (stale: boolean) => rescans < limit && (stale || listing.ageMs >= FRESH_LISTING_MS);
    let resolved: ResolvedStream;
    try {
      resolved = resolveStream(options, listing);
    } catch (err) {
      if (err instanceof DeviceNotFoundError && mayRescan(false) && rescan()) {
        rescans++;
        continue;
      }
      throw err;
    }
    try {
      return { engine: new (native().NativeMixer)(resolved.config, onResults), resolved };
    } catch (err) {
      const stale = (err as { rescan?: boolean }).rescan === true;
      if (mayRescan(stale) && rescan()) {
        rescans++;
        continue;
      }
      const device = resolved.outputDevice ?? resolved.inputDevice;
      throw new StreamOpenError(openErrorMessage((err as Error).message, resolved.config.sampleRate, device));
    }
  }
}

function rescan(): boolean {
  try {
    return rescanDevicesSync();
  } catch {
    return false;
  }
}

function wantsMissingJack(options: MixerOptions, hostApis: { name: string }[]): boolean {
  const wanted = options?.hostApi;
  return typeof wanted === 'string' && /jack/i.test(wanted) && !hostApis.some((h) => /jack/i.test(h.name));
}

function openErrorMessage(message: string, sampleRate: number, device: DeviceInfo | undefined): string {
  const name = device ? `"${device.name}" (${device.hostApi})` : 'the device';
  const rateHint = /sample rate/i.test(message)
    ? ` ${name} refused ${sampleRate} Hz; its default rate is ${device?.defaultSampleRate ?? 'unknown'} Hz.`
    : '';
  return `Cannot open an audio stream on ${name}: ${message}.${rateHint}`;
}
