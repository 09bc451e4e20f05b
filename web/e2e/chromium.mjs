/* global process */
// Debian's Chromium through playwright-core, as every browser script here starts it (browser
// downloads are impossible on these machines). Without the background-networking flags Chromium
// keeps trying Google's hosts, which the machines' closed network refuses.
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

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

/** Fills the sign-in form the page shows and waits until it has left /signin. */
export async function signIn(page, username, password) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), WAIT);
}
