import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (installed by .ci/deps.sh), driven by playwright-core;
 * never a browser downloaded by a test tool. Playwright gives every launch a
 * fresh, empty profile directory. The flags keep Chromium from reaching for
 * the network (this machine has none beyond loopback and the registries).
 */
export const CHROMIUM = process.env.MAIL2SMS_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
