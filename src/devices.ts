// Host API and device listing, and resolving a user's device choice (an index
// or a case-insensitive name substring) to a PortAudio device.
import { DeviceNotFoundError, InvalidArgumentError, NativeError, RtMixerError } from './errors';
import { callNative, native, NativeDeviceInfo, NativeDeviceListing, NativeHostApiInfo } from './native';

export type HostApiInfo = NativeHostApiInfo;
export type DeviceInfo = NativeDeviceInfo;

export interface DeviceListing {
  hostApis: HostApiInfo[];
  devices: DeviceInfo[];
}

/** PortAudio's host APIs (ALSA, JACK, PulseAudio…) as of the last scan; rescanDevices() looks again. */
export function listHostApis(): HostApiInfo[] {
  return currentListing().hostApis;
}

/** Every device of every host API as of the last scan; rescanDevices() looks again. */
export function listDevices(): DeviceInfo[] {
  return currentListing().devices;
}

/** @internal The cached listing with its age (the first call scans). */
export function currentListing(): NativeDeviceListing {
  return callNative(() => native().deviceListing());
}

/** Milliseconds since the cached device listing was scanned (a rescan makes it 0). */
export function deviceListingAge(): number {
  return currentListing().ageMs;
}

let scanning: Promise<DeviceListing> | undefined;

/**
 * Looks for devices again (a card plugged in, a JACK server started) on a
 * worker thread, without blocking the event loop. PortAudio can rescan only
 * while no stream is open: then this resolves with the current listing.
 * Concurrent calls share one scan.
 */
export function rescanDevices(): Promise<DeviceListing> {
  scanning ??= (async () => {
    try {
      await callNative(() => native().rescanDevices());
    } catch (err) {
      throw err instanceof RtMixerError ? err : new NativeError((err as Error).message);
    } finally {
      scanning = undefined;
    }
    const { hostApis, devices } = currentListing();
    return { hostApis, devices };
  })();
  return scanning;
}

/** @internal Rescans now, blocking; false when a stream holds PortAudio. */
export function rescanDevicesSync(): boolean {
  return callNative(() => native().rescanDevicesSync());
}

export type DeviceSelector = number | string;

function describe(devices: DeviceInfo[]): string {
  if (devices.length === 0) return 'PortAudio sees no devices at all.';
  return (
    'Available: ' +
    devices
      .map((d) => `${d.index} "${d.name}" (${d.hostApi}, ${d.maxInputChannels} in, ${d.maxOutputChannels} out)`)
      .join('; ')
  );
}

function matchesName(name: string, wanted: string): boolean {
  return name.toLowerCase().includes(wanted.toLowerCase());
}

/** The host API index for an index or name substring. */
export function resolveHostApi(selector: DeviceSelector, hostApis: HostApiInfo[]): HostApiInfo {
  const found =
    typeof selector === 'number'
      ? hostApis.find((h) => h.index === selector)
      : hostApis.find((h) => matchesName(h.name, selector));
  if (!found) {
    const names = hostApis.map((h) => `${h.index} "${h.name}"`).join(', ');
    throw new DeviceNotFoundError(`No host API matches ${JSON.stringify(selector)}. Available: ${names || 'none'}.`);
  }
  return found;
}

/**
 * Picks a device for one direction. `selector` undefined means the host API's
 * default (or the first host API that has one); a string picks the first
 * device whose name contains it (an exact name wins).
 */
export function resolveDevice(
  selector: DeviceSelector | undefined,
  direction: 'input' | 'output',
  hostApi: HostApiInfo | undefined,
  devices: DeviceInfo[],
  hostApis: HostApiInfo[],
): DeviceInfo {
  const channelsOf = (d: DeviceInfo) => (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels);
  const candidates = devices.filter((d) => !hostApi || d.hostApiIndex === hostApi.index);
  if (selector === undefined) {
    const apis = hostApi ? [hostApi] : hostApis;
    for (const api of apis) {
      const index = direction === 'input' ? api.defaultInputDevice : api.defaultOutputDevice;
      const device = devices.find((d) => d.index === index);
      if (device && channelsOf(device) > 0) return device;
    }
    const any = candidates.find((d) => channelsOf(d) > 0);
    if (any) return any;
    throw new DeviceNotFoundError(`There is no default ${direction} device. ${describe(devices)}`);
  }
  if (typeof selector === 'number') {
    if (!Number.isInteger(selector) || selector < 0) {
      throw new InvalidArgumentError(`device must be a device index (an integer >= 0) or a name, got ${selector}`);
    }
    const device = candidates.find((d) => d.index === selector);
    if (!device) throw new DeviceNotFoundError(`There is no device with index ${selector}. ${describe(devices)}`);
    return device;
  }
  if (typeof selector !== 'string' || selector.trim() === '') {
    throw new InvalidArgumentError(`device must be a device index or a non-empty name, got ${JSON.stringify(selector)}`);
  }
  const named = candidates.filter((d) => matchesName(d.name, selector.trim()));
  const device =
    named.find((d) => d.name.toLowerCase() === selector.trim().toLowerCase() && channelsOf(d) > 0) ??
    named.find((d) => channelsOf(d) > 0);
  if (!device) {
    const where = hostApi ? ` on host API "${hostApi.name}"` : '';
    throw new DeviceNotFoundError(
      `No ${direction} device matches "${selector}"${where}. ${describe(devices)}`,
    );
  }
  return device;
}
