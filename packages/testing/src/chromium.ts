/**
 * How browser tests launch Chromium (with playwright-core): Debian's package, never a
 * downloaded browser, headless, with nothing running in the background.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
};
