import type { BeaconDevice } from '@rum/contract';

/** User-Agent Client Hints, not yet in TypeScript's DOM types. */
interface UserAgentData {
  brands: { brand: string; version: string }[];
  mobile: boolean;
  platform: string;
}

/**
 * What the browser says about itself: device type, browser, OS, time zone (a coarse
 * country hint, no geolocation) and screen size. User-Agent Client Hints where available
 * (Chromium on https), else a tiny User-Agent sniff that is right for Firefox, Safari and
 * Chrome; the workers refine both from the full User-Agent header.
 */
export function detectDevice(): BeaconDevice {
  const ua = navigator.userAgent;
  const hints = (navigator as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  // "Not A;Brand" entries are GREASE (deliberate noise); plain "Chromium" falls to the sniff.
  const brand = hints?.brands.find((b) => !/Not.A|Chromium/.test(b.brand));
  // The first match wins: Safari puts `Version/` before `Safari/`, Chrome says `Chrome/` first.
  const [, name, version] = /(Firefox|Chrome|Version)\/([\d.]+)/.exec(ua) || [];
  return {
    type: /iPad|Tablet|Android(?!.*Mobi)/.test(ua)
      ? 'tablet'
      : hints?.mobile || /Mobi/.test(ua)
        ? 'mobile'
        : 'desktop',
    browser: brand?.brand.replace(/.* /, '') || name?.replace('Version', 'Safari'),
    browserVersion: brand?.version || version,
    os:
      hints?.platform ||
      /Windows|Android|iP|Mac|CrOS|Linux/
        .exec(ua)?.[0]
        .replace('iP', 'iOS')
        .replace('Mac', 'macOS'),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: screen.width + 'x' + screen.height,
  };
}
