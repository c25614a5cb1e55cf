import type { BeaconConnection } from '@rum/contract';

/**
 * The Network Information API (`navigator.connection`, Chromium only), or `undefined`.
 * Read at each flush because it changes while the page is open.
 */
export function detectConnection(): BeaconConnection | undefined {
  const c = (navigator as Navigator & { connection?: BeaconConnection }).connection;
  return (
    c && { effectiveType: c.effectiveType, rtt: c.rtt, downlink: c.downlink, saveData: c.saveData }
  );
}
