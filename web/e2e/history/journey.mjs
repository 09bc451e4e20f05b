/* global console, process, window, document, localStorage, sessionStorage, indexedDB, URL, navigator */
// The history, match and replay pages in headless Chromium on the real stack, the way a player goes
// through them (tests/web/test_history_browser.py seeds the matches and checks what this records
// against the API and against boards it computes itself):
//   node e2e/history/journey.mjs SCENARIO CONFIG_JSON
// SCENARIO is `register` (a newcomer through the forms) or `tour` (the seeded player's pages, then a
// second player refused the first one's match). Prints one line, RESULT {json}, with what the pages
// showed; controls are found by role and accessible name, as the pages name them.
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const [scenario, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const { base } = config;
const PHONE = { width: 390, height: 844 };

async function screenshot(page, name) {
  if (!config.screenshots) return;
  await page.screenshot({ path: `${config.screenshots}/${name}.png`, fullPage: true });
  const desktop = page.viewportSize();
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${config.screenshots}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize(desktop);
}

/** A table as a person reads it: each body row as {column header: cell text}, and its first link. */
async function readTable(table) {
  return table.evaluate((element) => {
    const headers = Array.from(element.querySelectorAll('thead th')).map((th) => th.textContent.trim());
    return Array.from(element.querySelectorAll('tbody tr')).map((row) => {
      const cells = Array.from(row.children).map((cell) => cell.textContent.trim());
      const link = row.querySelector('a');
      return { cells: Object.fromEntries(headers.map((header, i) => [header, cells[i]])), href: link?.getAttribute('href') ?? null };
    });
  });
}

/** The history once its first page is in, then every further page through "Load more". */
async function wholeHistory(page) {
  await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached', ...WAIT });
  const table = page.getByRole('table');
  const loadMore = page.getByRole('button', { name: 'Load more' });
  const pages = [(await readTable(table)).length];
  while (await loadMore.isVisible()) {
    const before = pages.reduce((a, b) => a + b, 0);
    await loadMore.click();
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length > n, before, WAIT);
    pages.push((await readTable(table)).length - before);
  }
  return { pages, rows: await readTable(table) };
}

/** Waits for the history query that `action` starts (its URL holding every `expected` param). */
async function afterHistoryRequest(page, expected, action) {
  const answered = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/matches' && expected.every((name) => url.searchParams.has(name));
  }, WAIT);
  await action();
  await answered;
}

async function boards(page) {
  const found = page.getByRole('img', { name: /^Board of / });
  await found.first().waitFor(WAIT);
  const result = {};
  for (const board of await found.all()) {
    result[await board.getAttribute('aria-label')] = JSON.parse(await board.getAttribute('data-rows'));
  }
  return result;
}

const tickInUrl = (page) => Number(new URL(page.url()).searchParams.get('t'));

/** The replay's position once the URL's t has caught up with the Timeline slider. */
async function position(page) {
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await page.waitForFunction(
    () => new URL(window.location.href).searchParams.get('t') === document.querySelector('input[type=range]')?.value,
    undefined,
    WAIT,
  );
  return { t: tickInUrl(page), slider: Number(await slider.inputValue()), boards: await boards(page) };
}

/** Anything a script could read: web storage, IndexedDB's databases, the cookies it can see. */
async function readableByScripts(page) {
  return page.evaluate(async () => {
    const entries = (storage) => Object.fromEntries(Array.from({ length: storage.length }, (_, i) => storage.key(i)).map((key) => [key, storage.getItem(key)]));
    return {
      localStorage: entries(localStorage),
      sessionStorage: entries(sessionStorage),
      indexedDB: (await indexedDB.databases()).map((db) => db.name),
      documentCookie: document.cookie,
    };
  });
}

/** Injects an inline script and an inline event handler into the page; what ran, what was refused. */
async function injectScripts(page) {
  return page.evaluate(async () => {
    const refused = [];
    document.addEventListener('securitypolicyviolation', (event) => refused.push(event.violatedDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__injectedScriptRan = true;';
    document.body.append(script);
    const holder = document.createElement('div');
    holder.innerHTML = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="window.__injectedHandlerRan = true" onload="window.__injectedHandlerRan = true">';
    document.body.append(holder);
    await new Promise((resolve) => window.setTimeout(resolve, 500));
    return { scriptRan: window.__injectedScriptRan === true, handlerRan: window.__injectedHandlerRan === true, refused };
  });
}

/** The session routes' answers: their bodies and the refresh tokens they set, to look for leaks. */
function recordSessionTraffic(page) {
  const traffic = { bodies: [], refreshTokens: [] };
  page.on('response', async (response) => {
    if (!new URL(response.url()).pathname.startsWith('/api/auth/')) return;
    for (const header of await response.headersArray()) {
      const match = header.name.toLowerCase() === 'set-cookie' && /^refresh_token=([^;]+)/.exec(header.value);
      if (match) traffic.refreshTokens.push(match[1]);
    }
    traffic.bodies.push(await response.text().catch(() => ''));
  });
  return traffic;
}

async function registerScenario(browser) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const result = {};
  // A visitor's `/` is the home page; its bar leads to the sign-in form.
  await page.goto(`${base}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL('**/signin', WAIT);
  result.startedAt = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Create an account' }).click();
  // The router renders the new page in a transition: until the register form is up, 'Username' is
  // still the sign-in form's field, and a value typed there is lost with it.
  await page.getByRole('heading', { name: 'Create an account' }).waitFor(WAIT);
  await page.getByLabel('Username').fill(config.username);
  await page.getByLabel('Password').fill(config.weakPassword);
  await page.getByRole('button', { name: 'Create account' }).click();
  const password = page.getByLabel('Password');
  await page.waitForFunction(() => document.querySelector('input[type=password]')?.getAttribute('aria-invalid') === 'true', undefined, WAIT);
  const describedBy = await password.getAttribute('aria-describedby');
  result.passwordError = await page.locator(`[id="${describedBy}"]`).textContent();
  await screenshot(page, 'register-error');
  await password.fill(config.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/matches', WAIT);
  await page.getByText('No matches here yet').waitFor(WAIT);
  result.landedAt = new URL(page.url()).pathname;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin', WAIT);
  await screenshot(page, 'signin');
  result.afterSignOut = new URL(page.url()).pathname;
  await context.close();
  return result;
}

async function tourScenario(browser) {
  const result = { errors: [] };
  const context = await browser.newContext({ locale: 'en-US', timezoneId: config.timezone, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => result.errors.push(String(error)));
  const traffic = recordSessionTraffic(page);

  await page.goto(`${base}/matches`);
  await page.waitForURL('**/signin', WAIT);
  await signIn(page, config.player.username, config.player.password);
  result.afterSignIn = new URL(page.url()).pathname;

  // The history, a page at a time.
  result.history = await wholeHistory(page);
  result.history.headers = await page.getByRole('columnheader').allTextContents();
  await screenshot(page, 'history');

  // Filters: the mode, then a range of days in the browser's time zone; kept in the URL.
  await afterHistoryRequest(page, ['mode'], () => page.getByLabel('Mode').selectOption('multiplayer'));
  await afterHistoryRequest(page, ['mode', 'since'], () => page.getByLabel('From').fill(config.filter.from));
  await afterHistoryRequest(page, ['mode', 'since', 'until'], () => page.getByLabel('To').fill(config.filter.to));
  const filtered = await wholeHistory(page);
  const filteredUrl = page.url();
  await page.reload();
  const reloaded = await wholeHistory(page);
  result.filters = {
    url: filteredUrl,
    rows: filtered.rows,
    reloadedRows: reloaded.rows,
    reloadedControls: {
      mode: await page.getByLabel('Mode').inputValue(),
      from: await page.getByLabel('From').inputValue(),
      to: await page.getByLabel('To').inputValue(),
    },
  };

  // A row opens its match: the newest one, the replayed match.
  await page.goto(`${base}/matches`);
  await page.getByRole('table').waitFor(WAIT);
  const row = page.getByRole('row').filter({ hasText: config.replayRoom });
  await row.getByRole('link').first().click(); // its When; the players' names link to their stats
  const players = page.getByRole('table', { name: 'Players by placement' });
  await players.waitFor(WAIT);
  result.match = { path: new URL(page.url()).pathname, players: await readTable(players) };
  await screenshot(page, 'match');

  // The replay: it plays, jumps to the tetris, walks moments and pieces.
  await page.getByRole('link', { name: 'Watch replay' }).click();
  result.replay = { opened: await position(page) };
  result.replay.path = new URL(page.url()).pathname;
  result.replay.moments = await page.getByRole('list', { name: 'Key moments' }).getByRole('button').allTextContents();
  await page.getByLabel('Speed').selectOption('4');
  await page.getByRole('button', { name: 'Play' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor(WAIT);
  await page.waitForTimeout(400);
  const pause = page.getByRole('button', { name: 'Pause' });
  if (await pause.isVisible()) await pause.click();
  // Paused (or at the end): while playing, the URL follows the slider only every so often, and a
  // position read then would be a moment of a moving replay.
  await page.getByRole('group', { name: 'Playback' }).getByRole('button', { name: 'Play', exact: true }).waitFor(WAIT);
  result.replay.played = await position(page);
  const tetris = page.getByRole('button', { name: `Tetris by ${config.player.username} at` });
  await tetris.click();
  result.replay.tetris = { ...(await position(page)), current: await tetris.getAttribute('aria-current') };
  await screenshot(page, 'replay');
  await page.getByRole('button', { name: 'Next moment' }).click();
  result.replay.nextMoment = await position(page);
  await page.getByRole('button', { name: 'Previous piece' }).click();
  result.replay.previousPiece = await position(page);
  // A copied link at the tetris, opened anew (the access token is gone with the page: the refresh
  // cookie brings a new one).
  const link = `${base}${result.replay.path}?t=${result.replay.tetris.t}`;
  await page.goto(link);
  result.replay.reloaded = await position(page);

  // What a script injected into the page could reach, and whether it runs at all.
  result.readable = await readableByScripts(page);
  result.cookies = (await context.cookies()).map(({ name, value, httpOnly, sameSite, path, secure }) => ({ name, value, httpOnly, sameSite, path, secure }));
  result.injected = await injectScripts(page);
  result.namesRan = await page.evaluate(() => window.__xss !== undefined);

  // Sign out: back to the form, and the history is closed to this browser.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin', WAIT);
  await page.goto(`${base}/matches`);
  await page.waitForURL('**/signin', WAIT);
  result.signedOut = { path: new URL(page.url()).pathname, cookies: (await context.cookies()).map((cookie) => cookie.name) };
  result.sessionTraffic = traffic;
  await context.close();

  // Someone signed out, in a browser of their own, follows links to the first player's match and to
  // the replay at the Tetris's tick: both open (docs/api.md, public reads), with "Sign in" in the bar.
  const other = await browser.newContext({ locale: 'en-US' });
  const otherPage = await other.newPage();
  otherPage.on('pageerror', (error) => result.errors.push(String(error)));
  await otherPage.goto(`${base}${result.match.path}`);
  await otherPage.getByRole('table', { name: 'Players by placement' }).waitFor(WAIT);
  const bar = otherPage.getByRole('navigation', { name: 'Main' });
  result.shared = { matchPath: new URL(otherPage.url()).pathname, signInLinks: await bar.getByRole('link', { name: 'Sign in' }).count() };
  await otherPage.goto(link);
  // The boards are named once the match's players have loaded beside the replay (by id until then).
  await otherPage.getByRole('img', { name: `Board of ${config.player.username}` }).waitFor(WAIT);
  result.shared.replay = await position(otherPage);
  // "Copy link" gives the replay's URL at the position shown, for the next person.
  await other.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await otherPage.getByRole('button', { name: 'Copy link' }).click();
  await otherPage.getByRole('status').filter({ hasText: 'Link copied' }).waitFor(WAIT);
  result.shared.copied = await otherPage.evaluate(() => navigator.clipboard.readText());
  await other.close();
  return result;
}

const browser = await launchChromium();
try {
  const scenarios = { register: registerScenario, tour: tourScenario };
  if (!(scenario in scenarios)) throw new Error(`unknown scenario ${scenario}`);
  console.log(`RESULT ${JSON.stringify(await scenarios[scenario](browser))}`);
} finally {
  await browser.close();
}
