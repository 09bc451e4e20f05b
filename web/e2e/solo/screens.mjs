/* global console, process, localStorage */
// Screenshots of the solo pages for people to look at (issue 26), on the real stack:
//   node e2e/solo/screens.mjs BASE_URL USERNAME PASSWORD PLAN_JSON OUT_DIR
// (tests/web/solo_screens.py starts the servers and fills the boards first). At 1280 and 390 px:
// /play in each mode while playing, the countdown, a sprint's summary, the leaderboards by mode, the
// sprint's match page and its replay, the player's personal bests.
import { readFileSync } from 'node:fs';
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const [base, username, password, planFile, out] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const shots = [];
let matchId = null;

async function shot(page, name) {
  const path = `${out}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}

async function keys(page, strokes) {
  for (const stroke of strokes) {
    if ('tap' in stroke) await page.keyboard.press(stroke.tap);
  }
  await page.clock.runFor(100);
}

const browser = await launchChromium();
try {
  for (const [width, height] of [
    [1280, 860],
    [390, 844],
  ]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${base}/signin`);
    await signIn(page, username, password);
    for (const mode of ['marathon', 'sprint', 'blitz']) {
      // The page's clock, which earlier modes moved on: pausing must be ahead of it.
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
      await page.goto(`${base}/play?seed=${plan.seed}&mode=${mode}`);
      await page.getByRole('timer', { name: 'Countdown' }).waitFor(WAIT);
      await page.clock.runFor(1200);
      if (mode === 'sprint') await shot(page, `${width}-countdown-${mode}`);
      await page.clock.runFor(1900);
      await page.getByRole('timer', { name: 'Countdown' }).waitFor({ ...WAIT, state: 'detached' });
      for (const strokes of plan.pieces.slice(0, 24)) await keys(page, strokes);
      await page.clock.runFor(2000);
      await shot(page, `${width}-play-${mode}`);
      if (mode === 'sprint') {
        const over = page.getByRole('group', { name: 'Game over' });
        for (const strokes of plan.pieces.slice(24)) {
          if (await over.count()) break;
          await keys(page, strokes);
        }
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor(WAIT);
        await shot(page, `${width}-summary-sprint`);
        const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('tetris.solo.results') ?? '[]'));
        matchId = kept.find((r) => r.state === 'saved')?.matchId;
      }
    }
    await page.clock.resume();
    for (const mode of ['marathon', 'sprint', 'blitz']) {
      await page.goto(`${base}/leaderboards?period=day&mode=${mode}`);
      await page.getByRole('table').first().waitFor(WAIT);
      await page.waitForTimeout(300);
      await shot(page, `${width}-leaderboard-${mode}`);
    }
    await page.goto(`${base}/matches/${matchId}`);
    await page.getByRole('link', { name: 'Watch replay' }).waitFor(WAIT);
    await shot(page, `${width}-match-sprint`);
    await page.goto(`${base}/matches/${matchId}/replay`);
    await page.getByRole('list', { name: 'Key moments' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Next moment' }).click();
    await page.waitForTimeout(300);
    await shot(page, `${width}-replay-sprint`);
    await page.goto(`${base}/players/${plan.userId}`);
    await page.getByRole('table', { name: 'Personal bests of verified solo runs' }).waitFor(WAIT);
    await shot(page, `${width}-player-bests`);
    await context.close();
  }
  console.log(`RESULT ${JSON.stringify({ shots })}`);
} finally {
  await browser.close();
}
