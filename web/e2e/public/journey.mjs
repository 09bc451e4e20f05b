/* global console, process, document, URL */
// The public pages in headless Chromium (tests/web/test_public_browser.py seeds the matches):
//   node e2e/public/journey.mjs SCENARIO CONFIG_JSON
// `visitor`: signed out, the home page, the bar, the leaderboards, /tournaments and a tournament, a
// player. `private`: a player signs in, makes their profile private in /settings, a second browser
// is refused their page, a wrong password is refused, then the account is deleted. Prints one line,
// RESULT {json}; controls are found by role and accessible name.
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const [scenario, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const { base } = config;
const PHONE = { width: 390, height: 844 };

/** Whether the page scrolls sideways at its current width (it must not, at 390 px too). */
const overflows = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Screenshots at 1280 and 390 px wide; what overflowed sideways at either width. */
async function screenshot(page, name, result, target = null) {
  const desktop = page.viewportSize();
  for (const [suffix, size] of [['1280', desktop], ['390', PHONE]]) {
    await page.setViewportSize(size);
    const path = `${config.screenshots}/${name}-${suffix}.png`;
    await (target ? target.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
    if (await overflows(page)) result.overflow.push(`${name}-${suffix}`);
  }
  await page.setViewportSize(desktop);
}

const rowsOf = (table) => table.evaluate((element) => Array.from(element.querySelectorAll('tbody tr')).map((row) => row.textContent.trim()));

async function visitorScenario(browser) {
  const result = { errors: [], overflow: [] };
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => result.errors.push(String(error)));
  const bar = page.getByRole('navigation', { name: 'Main' });

  await page.goto(`${base}/`);
  await page.getByRole('heading', { level: 1 }).waitFor(WAIT);
  await page.getByText('No match is being played right now.').waitFor(WAIT);
  const top = page.getByRole('table', { name: 'Multiplayer: most wins' });
  await top.waitFor(WAIT);
  result.home = {
    path: new URL(page.url()).pathname,
    heading: await page.getByRole('heading', { level: 1 }).textContent(),
    live: await page.getByText('No match is being played right now.').count(),
    topFive: await rowsOf(top),
    play: await page.getByRole('link', { name: 'Play a game' }).getAttribute('href'),
  };
  result.bar = await bar.evaluate((nav) => Array.from(nav.querySelectorAll('a, button')).map((item) => item.textContent.trim()));
  await screenshot(page, 'home', result);
  await screenshot(page, 'bar', result, page.locator('header'));

  await bar.getByRole('link', { name: 'Leaderboards' }).click();
  const board = page.getByRole('table', { name: 'Multiplayer: most wins' });
  await board.waitFor(WAIT);
  result.leaderboards = { path: new URL(page.url()).pathname, rows: await rowsOf(board) };

  await bar.getByRole('link', { name: 'Tournaments' }).click();
  const list = page.getByRole('table', { name: 'Tournaments, the most recently played first' });
  await list.waitFor(WAIT);
  result.tournaments = { path: new URL(page.url()).pathname, rows: await rowsOf(list) };
  await screenshot(page, 'tournaments', result);
  await list.getByRole('link').first().click();
  const matches = page.getByRole('table', { name: 'The tournament’s matches, newest first' });
  await matches.waitFor(WAIT);
  await page.getByRole('table', { name: 'Standings' }).waitFor(WAIT);
  result.tournament = { path: new URL(page.url()).pathname, matches: await rowsOf(matches) };
  await screenshot(page, 'tournament', result);

  await matches.getByRole('link', { name: config.player.username }).first().click();
  const recent = page.getByRole('table', { name: `${config.player.username}’s matches, newest first` });
  await recent.waitFor(WAIT);
  result.player = {
    path: new URL(page.url()).pathname,
    heading: await page.getByRole('heading', { level: 1 }).textContent(),
    matches: await rowsOf(recent),
  };
  await screenshot(page, 'player', result);
  await context.close();
  return result;
}

async function privateScenario(browser) {
  const result = { errors: [], overflow: [] };
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => result.errors.push(String(error)));
  await page.goto(`${base}/signin`);
  await signIn(page, config.player.username, config.player.password);
  const bar = page.getByRole('navigation', { name: 'Main' });
  result.bar = await bar.evaluate((nav) => Array.from(nav.querySelectorAll('a, button')).map((item) => item.textContent.trim()));
  await bar.getByRole('link', { name: 'Settings' }).click();
  const privacy = page.getByRole('checkbox', { name: 'Private profile' });
  await privacy.waitFor(WAIT);
  await screenshot(page, 'settings', result);
  await privacy.click(); // controlled by the API's answer: checked once it says so
  await page.getByRole('status').filter({ hasText: 'Your profile is private.' }).waitFor(WAIT);

  // A second browser, signed out, is refused the page; the player still sees their own.
  const other = await browser.newContext({ locale: 'en-US' });
  const otherPage = await other.newPage();
  await otherPage.goto(`${base}/players/${config.player.id}`);
  const refusal = otherPage.getByRole('alert');
  await refusal.waitFor(WAIT);
  result.refused = await refusal.textContent();
  await other.close();
  await page.goto(`${base}/players/${config.player.id}`);
  await page.getByRole('table', { name: `${config.player.username}’s matches, newest first` }).waitFor(WAIT);
  result.ownPage = await page.getByRole('heading', { level: 1 }).textContent();

  // Deletion: a wrong password is refused beside the field; the right one deletes and signs out.
  await page.goto(`${base}/settings`);
  const form = page.getByRole('form', { name: 'Delete account' });
  await form.getByLabel('Password').fill('not-the-password');
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await page.locator('#delete-error').waitFor(WAIT);
  result.wrongPassword = await page.locator('#delete-error').textContent();
  await form.getByLabel('Password').fill(config.player.password);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await page.waitForURL((url) => url.pathname === '/', WAIT);
  await bar.getByRole('link', { name: 'Sign in' }).waitFor(WAIT);
  result.afterDeletion = new URL(page.url()).pathname;
  await context.close();
  return result;
}

const browser = await launchChromium();
try {
  const scenarios = { visitor: visitorScenario, private: privateScenario };
  if (!(scenario in scenarios)) throw new Error(`unknown scenario ${scenario}`);
  console.log(`RESULT ${JSON.stringify(await scenarios[scenario](browser))}`);
} finally {
  await browser.close();
}
