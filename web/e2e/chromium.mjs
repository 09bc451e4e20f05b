/* global URL */
// Debian's Chromium through playwright-core, as every browser script here starts it (browser
// downloads are impossible on these machines). Without the background-networking flags Chromium
// keeps trying Google's hosts, which the machines' closed network refuses.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WAIT = { timeout: 30_000 };

// Through a wrapper that keeps Chromium at the priority of the test that started it (CHROMIUM names
// the binary, /usr/bin/chromium by default).
const WRAPPER = fileURLToPath(new URL('./chromium-at-its-callers-priority.sh', import.meta.url));

export function launchChromium() {
  return chromium.launch({ executablePath: WRAPPER, args: CHROMIUM_FLAGS });
}

/** Fills the sign-in form the page shows and waits until it has left /signin. */
export async function signIn(page, username, password) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), WAIT);
}
