/* global console, process, document */
// The history page left open while a match of the player's is recorded (tests/web/test_live_browser.py):
//   node e2e/live/history.mjs CONFIG_JSON   ({base, username, password, ready})
// Signs in, opens /matches, writes `ready` once its table (or its empty state) shows, then waits for a
// new row without any reload. Prints RESULT {rowsBefore, rowsAfter, navigations}.
import { writeFileSync } from 'node:fs';
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const config = JSON.parse(process.argv[2]);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${config.base}/signin`);
  await signIn(page, config.username, config.password);
  await page.goto(`${config.base}/matches`);
  await page.getByRole('heading', { name: 'Your matches' }).waitFor(WAIT);
  await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached', ...WAIT });
  const rows = () => page.evaluate(() => document.querySelectorAll('tbody tr').length);
  const rowsBefore = await rows();
  let navigations = 0;
  page.on('framenavigated', () => {
    navigations += 1;
  });
  writeFileSync(config.ready, 'open');
  await page.waitForFunction((before) => document.querySelectorAll('tbody tr').length > before, rowsBefore, {
    timeout: 120_000,
  });
  console.log(`RESULT ${JSON.stringify({ rowsBefore, rowsAfter: await rows(), navigations })}`);
} finally {
  await browser.close();
}
