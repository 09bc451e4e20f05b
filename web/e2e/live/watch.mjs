/* global console, process, document */
import { writeFileSync } from 'node:fs';
// A match watched live in headless Chromium (tests/web/test_live_browser.py publishes it at a game's pace):
//   node e2e/live/watch.mjs CONFIG_JSON   ({base, room, ready, screenshots?})
// `ready` is a file written once the room's page shows the match: the test plays the rest then.
// Opens /live, waits for the room to be listed, follows its link, watches to the end, and prints
// RESULT {json}: the list's rows, whether the Live badge and "Go live" showed, the boards' data-rows at
// the end and the match link.
import { launchChromium, WAIT } from '../chromium.mjs';

const config = JSON.parse(process.argv[2]);
const { base, room } = config;
const PHONE = { width: 390, height: 844 };
const LONG = { timeout: 120_000 };

async function screenshot(page, name) {
  if (!config.screenshots) return;
  await page.screenshot({ path: `${config.screenshots}/${name}-1280.png`, fullPage: true });
  const desktop = page.viewportSize();
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${config.screenshots}/${name}-390.png`, fullPage: true });
  await page.setViewportSize(desktop);
}

async function boards(page) {
  const result = {};
  for (const board of await page.getByRole('img', { name: /^Board of / }).all()) {
    result[await board.getAttribute('aria-label')] = JSON.parse(await board.getAttribute('data-rows'));
  }
  return result;
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/live`);
  const link = page.getByRole('link', { name: `Room ${room}` });
  await link.waitFor(LONG);
  const listed = await page.getByRole('list', { name: 'Matches being played' }).innerText();
  await screenshot(page, 'live-list');
  await link.click();
  await page.waitForURL(`${base}/live/${room}`, WAIT);
  await page.getByRole('img', { name: /^Board of / }).first().waitFor(LONG);
  writeFileSync(config.ready, 'watching');
  // Mid-game: a few pieces on some board.
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('canvas[data-rows]')).some((c) => JSON.parse(c.dataset.rows).length >= 4),
    undefined,
    LONG,
  );
  const badge = await page.getByLabel(/^Live: following/).isVisible();
  await screenshot(page, 'live-match');
  // Scrub back: the follow pauses and "Go live" returns to the head.
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await slider.focus();
  for (let step = 0; step < 30; step += 1) await page.keyboard.press('ArrowLeft');
  const goLive = page.getByRole('button', { name: 'Go live' });
  const goLiveShown = await goLive.isVisible();
  if (goLiveShown) await screenshot(page, 'live-go-live');
  if (goLiveShown) await goLive.click();
  const followsAgain = await page.getByLabel(/^Live: following/).isVisible();
  await page.getByText('The match is over.').waitFor(LONG);
  await page.getByRole('link', { name: 'See the match' }).waitFor(WAIT).catch(() => undefined);
  const matchLink = await page.getByRole('link', { name: 'See the match' }).getAttribute('href').catch(() => null);
  await screenshot(page, 'live-end');
  console.log(`RESULT ${JSON.stringify({ listed, badge, goLiveShown, followsAgain, matchLink, boards: await boards(page) })}`);
} finally {
  await browser.close();
}
