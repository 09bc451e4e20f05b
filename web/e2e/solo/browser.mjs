/* global console, process, localStorage, URL */
// The solo game's browser scenarios, on the real stack (tests/web/test_solo_browser.py starts the
// servers, makes the player, computes the plans and checks the API afterwards):
//   node e2e/solo/browser.mjs SCENARIO BASE_URL USERNAME PASSWORD PLAN_JSON
// Chromium is Debian's, headless; the page's clock is Playwright's, paused, so the scripted keys
// reach the game exactly as planned: a piece's taps in one frame, a held soft drop for its time.
// Prints one line, RESULT {json}, with what the page showed.
import { readFileSync } from 'node:fs';
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const [scenario, base, username, password, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const FRAME_MS = 17;
// Each piece gets a tenth of a second of play (its keys land in the first frame): 10 pieces a
// second, a pace docs/api.md accepts (at most 30), and far too short for gravity to move a piece.
const PIECE_MS = 100;

async function openGame(page, seed, mode = 'marathon') {
  // Time stands still before the game starts: it moves only when the script says, so not even the
  // first piece falls a row on its own (that would change its hard drop's points).
  await page.clock.pauseAt(Date.now() + 1000);
  await page.goto(`${base}/play?seed=${seed}&mode=${mode}`);
  await page.getByRole('img', { name: 'Board' }).waitFor(WAIT);
  // The 3-2-1 countdown, from the first frame on; the game's clock starts at its end, and the few
  // ms of play past it are far too short for gravity to move the piece.
  await page.getByRole('timer', { name: 'Countdown' }).waitFor(WAIT);
  await page.clock.runFor(3050);
  await page.getByRole('timer', { name: 'Countdown' }).waitFor({ ...WAIT, state: 'detached' });
}

async function figures(page) {
  const read = async (name) => Number(await page.getByLabel(name, { exact: true }).textContent());
  return { score: await read('Score'), lines: await read('Lines'), level: await read('Level'), pieces: await read('Pieces') };
}

async function playPieces(page, pieces) {
  for (const strokes of pieces) {
    for (const stroke of strokes) {
      if ('tap' in stroke) {
        await page.keyboard.press(stroke.tap);
      } else {
        await page.clock.runFor(FRAME_MS);
        await page.keyboard.down('ArrowDown');
        await page.clock.runFor(stroke.softDropMs);
        await page.keyboard.up('ArrowDown');
      }
    }
    await page.clock.runFor(PIECE_MS);
  }
}

async function status(page, text) {
  await page.getByRole('status').filter({ hasText: text }).waitFor(WAIT);
}

/**
 * The kept results' states in this browser's storage, once none is pending any more. Polled on a
 * timer of Playwright's own: the page's animation frames stop while its clock is paused.
 */
async function settled(page) {
  await page.waitForFunction(() => {
    const kept = JSON.parse(localStorage.getItem('tetris.solo.results') ?? '[]');
    return kept.length > 0 && kept.every((r) => r.state === 'saved' || r.state === 'rejected');
  }, undefined, { ...WAIT, polling: 200 });
  return page.evaluate(() => JSON.parse(localStorage.getItem('tetris.solo.results') ?? '[]'));
}

function recordPosts(page, answer) {
  const posts = [];
  return page
    .route('**/api/solo_results', async (route) => {
      const request = route.request();
      posts.push({ body: request.postData(), key: request.headers()['idempotency-key'] });
      await answer(route, posts.length);
    })
    .then(() => posts);
}

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  await page.clock.install();
  const result = { scenario };
  if (scenario !== 'signed-out') {
    await page.goto(`${base}/signin`);
    await signIn(page, username, password);
  }
  if (scenario === 'topout') {
    const posts = await recordPosts(page, (route) => route.continue());
    await openGame(page, plan.seed);
    await playPieces(page, plan.pieces);
    await page.getByRole('group', { name: 'Game over' }).waitFor(WAIT);
    await status(page, 'Saved');
    result.shown = await figures(page);
    result.posts = posts;
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
    // The history lists it, with its level (time flows again: TanStack Query schedules by timers).
    await page.clock.resume();
    await page.goto(`${base}/matches?mode=solo`);
    const row = page.getByRole('row').nth(1);
    await row.waitFor(WAIT);
    const headers = await page.getByRole('columnheader').allTextContents();
    const cells = await row.getByRole('cell').allTextContents();
    result.historyRow = Object.fromEntries(headers.map((header, i) => [header, cells[i]]));
  } else if (scenario === 'lost-answer') {
    // The first post reaches the server, but its answer never reaches the page.
    const posts = await recordPosts(page, async (route, n) => {
      if (n === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await openGame(page, plan.seed);
    await playPieces(page, plan.pieces);
    await status(page, 'Will be saved when back online');
    await page.clock.runFor(1500);
    await status(page, 'Saved');
    result.shown = await figures(page);
    result.posts = posts;
  } else if (scenario === 'offline-reload') {
    const posts = await recordPosts(page, (route) => route.abort('internetdisconnected'));
    await openGame(page, plan.seed);
    await playPieces(page, plan.pieces);
    await status(page, 'Will be saved when back online');
    result.shown = await figures(page);
    await page.unrouteAll();
    result.failedPosts = posts.length;
    await page.reload();
    await page.getByRole('img', { name: 'Board' }).waitFor(WAIT);
    result.kept = await settled(page);
  } else if (scenario === 'signed-out') {
    await openGame(page, plan.seed);
    await playPieces(page, plan.pieces);
    await status(page, 'Sign in to save this result');
    result.shown = await figures(page);
    await page.getByRole('group', { name: 'Game over' }).getByRole('link', { name: 'Sign in' }).click();
    await signIn(page, username, password);
    result.after = new URL(page.url()).pathname;
    result.kept = await settled(page);
  } else if (scenario === 'sprint') {
    // A 40-line sprint: the plan clears 40 lines; the page ends the game at the lock that reaches them.
    await openGame(page, plan.seed, 'sprint');
    const over = page.getByRole('group', { name: 'Game over' });
    for (const strokes of plan.pieces) {
      if (await over.count()) break;
      await playPieces(page, [strokes]);
    }
    await over.waitFor(WAIT);
    await status(page, 'Saved');
    result.shown = await figures(page);
    result.headline = await over.getByRole('heading').textContent();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
    const [kept] = await settled(page);
    result.matchId = kept.matchId;
    // Time flows again for the other pages (TanStack Query schedules by timers).
    await page.clock.resume();
    await page.goto(`${base}/leaderboards?mode=sprint&period=day`);
    const board = page.getByRole('table', { name: '40-line sprint: fastest time' });
    await board.waitFor(WAIT);
    result.firstRow = (await board.getByRole('row').nth(1).getByRole('cell').allTextContents()).concat(
      await board.getByRole('row').nth(1).getByRole('rowheader').allTextContents(),
    );
    await page.goto(`${base}/matches/${result.matchId}/replay`);
    const moments = page.getByRole('list', { name: 'Key moments' });
    await moments.waitFor(WAIT);
    result.moments = await moments.getByRole('button').allTextContents();
    await page.getByRole('button', { name: 'Next piece' }).click();
    result.replayClock = await page.locator('.clock').textContent();
    // Issue 29: the run's finesse faults (its key presses judged by the server) marked on the timeline.
    const finesse = page.locator('.finesse-summary');
    await finesse.waitFor(WAIT);
    result.finesseSummary = await finesse.textContent();
    result.finesseMarks = await page.locator('.finesse-marks .mark').count();
  } else if (scenario === 'tsd') {
    await openGame(page, plan.seed);
    await playPieces(page, plan.pieces.slice(0, -1));
    result.before = await figures(page);
    await playPieces(page, plan.pieces.slice(-1));
    result.after = await figures(page);
  } else {
    throw new Error(`unknown scenario ${scenario}`);
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await browser.close();
}
