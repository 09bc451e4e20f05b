// The history and the replay viewer in headless Chromium against gunicorn (bench/web_client.py
// seeds the account and starts the server):
//   node bench/webPages.mjs CONFIG_JSON      prints one line: BENCH {json}
// CONFIG_JSON: {base, username, password, token, replayPath, replayApi, repeats, playSeconds}.
// Each figure is read from the page's own clock (performance.now(), 0 at navigation start), beside
// a baseline measured from the same page: the API request alone (fetch + JSON), and an empty
// requestAnimationFrame loop for the frames.
/* global console, process, window, document, performance, fetch, MutationObserver, URL */
import { launchChromium, signIn, WAIT } from '../e2e/chromium.mjs';
import { emptyLoopFrames, intervals, recordedFrames, RECORDER, resetFrames, stats } from './frames.mjs';

const config = JSON.parse(process.argv[2]);
const { base, repeats } = config;

// Notes when the first history row, and the replay's controls with its boards, are in the page.
const MILESTONES = () => {
  const marks = {};
  window.__marks = marks;
  const tests = {
    firstRow: () => document.querySelector('tbody tr') !== null,
    replayInteractive: () =>
      document.querySelector('canvas[role=img]') !== null &&
      Array.from(document.querySelectorAll('button')).some((button) => button.textContent === 'Play'),
  };
  new MutationObserver(() => {
    for (const [name, test] of Object.entries(tests)) {
      if (marks[name] === undefined && test()) marks[name] = performance.now();
    }
  }).observe(document, { subtree: true, childList: true });
};

/** Where a navigation's time went: when the document, the script and each API request ended. */
const TIMELINE = () => {
  const [navigation] = performance.getEntriesByType('navigation');
  const ends = { document: navigation.responseEnd };
  for (const entry of performance.getEntriesByType('resource')) {
    const path = new URL(entry.name).pathname;
    const name = path.endsWith('.js') ? 'script' : path.startsWith('/api/') ? path.replace(/[0-9a-f-]{36}/, '{id}') : null;
    if (name) ends[name] = { start: Math.round(entry.startTime), end: Math.round(entry.responseEnd), bytes: entry.transferSize };
  }
  return ends;
};

// New-headless Chromium loads its own omnibox popup (a WebUI page, in a renderer of its own) as each
// window opens: here that renderer held a whole core for the next ~700 ms, the time of a measured
// load. A player's browser did that long before they navigate, so each visit's tab waits it out.
const SETTLE_MS = 1500;
const settle = (page) => page.waitForTimeout(SETTLE_MS);

/**
 * `repeats` pairs of visits of `path`, each pair in a fresh browser context signed in beforehand
 * through the session route (a player whose refresh cookie is set): a first visit, nothing cached,
 * then a second one with the app's files in the HTTP cache. The times from navigation to the mark,
 * and each first visit's timeline.
 */
async function timeNavigation(path, mark, ready) {
  const times = [];
  const cached = [];
  const timelines = [];
  const visit = async (context) => {
    const page = await context.newPage();
    await settle(page);
    await page.goto(`${base}${path}`);
    await ready(page).waitFor(WAIT);
    const at = await page.evaluate((name) => window.__marks[name], mark);
    const timeline = await page.evaluate(TIMELINE);
    await page.close();
    return { at, timeline };
  };
  for (let i = 0; i < repeats; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(MILESTONES);
    const signedIn = await context.request.post(`${base}/api/auth/session`, {
      data: { username: config.username, password: config.password },
      headers: { Origin: base },
    });
    if (!signedIn.ok()) throw new Error(`sign-in answered ${signedIn.status()}`);
    const first = await visit(context);
    times.push(first.at);
    timelines.push(first.timeline);
    cached.push((await visit(context)).at);
    await context.close();
  }
  return { times, cached, timelines };
}

/** The API request alone, from a page of the site: fetch and JSON parse, `repeats` times. */
async function timeFetch(page, url) {
  return page.evaluate(
    async ({ url, token, repeats }) => {
      const times = [];
      for (let i = 0; i < repeats; i += 1) {
        const started = performance.now();
        const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
        await response.json();
        times.push(performance.now() - started);
      }
      return times;
    },
    { url, token: config.token, repeats },
  );
}

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(MILESTONES);
  await context.addInitScript(RECORDER);
  const home = await context.newPage();
  await home.goto(`${base}/signin`);
  await signIn(home, config.username, config.password);

  const firstRow = await timeNavigation('/matches', 'firstRow', (page) => page.getByRole('row').nth(1));
  const historyApi = await timeFetch(home, '/api/matches?page_size=20');
  const interactive = await timeNavigation(config.replayPath, 'replayInteractive', (page) => page.getByRole('button', { name: 'Play' }));
  const replayApi = await timeFetch(home, config.replayApi);

  // Frames while playing at 4x, and what the replay cost on the wire (Resource Timing).
  const page = await context.newPage();
  await page.goto(`${base}${config.replayPath}`);
  await page.getByRole('button', { name: 'Play' }).waitFor(WAIT);
  await page.getByLabel('Speed').selectOption('4');
  await resetFrames(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(config.playSeconds * 1000);
  const playing = await recordedFrames(page);
  const stillPlaying = await page.getByRole('button', { name: 'Pause' }).isVisible();
  const blank = await emptyLoopFrames(context, `${base}/healthz`, Math.min(config.playSeconds, 5));

  console.log(
    `BENCH ${JSON.stringify({
      first_row_ms: stats(firstRow.times),
      first_row_cached_ms: stats(firstRow.cached),
      first_row_timelines: firstRow.timelines,
      history_api_ms: stats(historyApi),
      interactive_ms: stats(interactive.times),
      interactive_cached_ms: stats(interactive.cached),
      interactive_timelines: interactive.timelines,
      replay_api_ms: stats(replayApi),
      frames: { work_ms: stats(playing.work), interval_ms: stats(intervals(playing.stamps)), still_playing: stillPlaying },
      baseline_interval_ms: stats(intervals(blank.stamps)),
    })}`,
  );
} finally {
  await browser.close();
}
