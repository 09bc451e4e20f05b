// Frame times of the running solo game in headless Chromium (bench/solo_game.py runs it).
// Serves the build in web/dist as Django does (/static/app/, /play answered with index.html), plays
// a seeded game by keyboard at a player's pace, and records every animation frame: the work of the
// page's frame callbacks and the interval between frames. The baseline, in the same browser, is an
// empty requestAnimationFrame loop: the interval the headless compositor gives anyway.
//   node bench/frameTimes.mjs [seconds]    prints one line: BENCH {json}
/* global console, process, URL */
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../e2e/chromium.mjs';
import { emptyLoopFrames, intervals, recordedFrames, RECORDER, resetFrames, stats } from './frames.mjs';

const SECONDS = Number(process.argv[2] ?? 10);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };

function serve() {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/blank') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>blank</title>');
      return;
    }
    const file = path.startsWith('/static/app/') ? normalize(join(DIST, path.slice('/static/app/'.length))) : join(DIST, 'index.html');
    if (!file.startsWith(DIST) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  await context.addInitScript(RECORDER);

  const baseline = await emptyLoopFrames(context, `${origin}/blank`, Math.min(SECONDS, 5));

  const page = await context.newPage();
  await page.goto(`${origin}/play?seed=7`);
  await page.getByRole('img', { name: 'Board' }).waitFor();
  await resetFrames(page);
  const keys = ['ArrowUp', 'ArrowLeft', 'ArrowLeft', 'Space', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'Space', 'KeyZ', 'Space', 'KeyC'];
  const ends = Date.now() + SECONDS * 1000;
  let pressed = 0;
  while (Date.now() < ends) {
    if (await page.getByRole('group', { name: 'Game over' }).isVisible()) {
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press(keys[pressed % keys.length]);
    pressed += 1;
    if (process.env.SCREENSHOT && pressed === 24) {
      await page.screenshot({ path: process.env.SCREENSHOT });
    }
    await page.waitForTimeout(120);
  }
  const game = await recordedFrames(page);
  const pieces = await page.getByLabel('Pieces').textContent();
  console.log(
    `BENCH ${JSON.stringify({
      seconds: SECONDS,
      keys: pressed,
      pieces: Number(pieces),
      work_ms: stats(game.work),
      interval_ms: stats(intervals(game.stamps)),
      baseline_interval_ms: stats(intervals(baseline.stamps)),
    })}`,
  );
} finally {
  await browser.close();
  server.close();
}
