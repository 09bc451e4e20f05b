/* global console, process, document */
// The match page's analysis and the replay viewer's shortcuts in headless Chromium on the real stack
// (tests/web/test_analysis_browser.py seeds the match and checks what this records):
//   node e2e/analysis/journey.mjs CONFIG_JSON
// Prints one line, RESULT {json}: each chart's series, the knock-out sentences and links, the held
// pieces at a tick, and where each shortcut and its button moved the replay from the same start.
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const config = JSON.parse(process.argv[2]);
const { base, matchId } = config;
const SIZES = { '1280': { width: 1280, height: 900 }, '390': { width: 390, height: 844 } };

async function screenshots(page, name) {
  for (const [label, size] of Object.entries(SIZES)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300); // the charts follow their holder's width (ResizeObserver)
    await page.screenshot({ path: `${config.screenshots}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(SIZES['1280']);
}

const position = (page) => page.getByRole('slider', { name: 'Timeline' }).inputValue();

async function openReplayAt(page, tick) {
  await page.goto(`${base}/matches/${matchId}/replay?t=${tick}`);
  await page.getByRole('img').first().waitFor(WAIT);
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: SIZES['1280'] });
  await page.goto(`${base}/signin`);
  await signIn(page, config.username, config.password);

  await page.goto(`${base}/matches/${matchId}`);
  await page.getByRole('table', { name: /Figures per player/ }).waitFor(WAIT);
  await page.locator('.timeline-chart .u-legend').nth(3).waitFor(WAIT);
  const charts = await page.locator('.timeline-chart').evaluateAll((figures) =>
    figures.map((figure) => ({
      title: figure.getAttribute('aria-label'),
      series: Array.from(figure.querySelectorAll('.u-legend .u-series .u-label'))
        .map((label) => label.textContent.trim())
        .filter((label) => label !== 'Second'),
      canvases: figure.querySelectorAll('canvas').length,
    })),
  );
  const knockouts = await page.locator('.knockouts li').evaluateAll((items) =>
    items.map((item) => ({ text: item.textContent.trim(), href: item.querySelector('a')?.getAttribute('href') })),
  );
  const figures = await page.getByRole('table', { name: /Figures per player/ }).evaluate((table) =>
    Array.from(table.querySelectorAll('tbody tr')).map((row) => Array.from(row.children).map((cell) => cell.textContent.trim())),
  );
  await screenshots(page, 'match');

  // Held pieces where the events say a hold happened.
  await openReplayAt(page, config.holdTick);
  const held = await page.locator('.player-board').evaluateAll((boards) =>
    boards.map((board) => ({ name: board.querySelector('figcaption strong').textContent, hold: board.dataset.hold })),
  );

  // Each shortcut beside its button, from the same start.
  const pairs = [
    ['ArrowRight', 'Next piece'],
    ['ArrowLeft', 'Previous piece'],
    ['Shift+ArrowRight', 'Next moment'],
    ['Shift+ArrowLeft', 'Previous moment'],
  ];
  const moves = [];
  for (const [key, button] of pairs) {
    await openReplayAt(page, config.startTick);
    await page.locator('body').press(key);
    const byKey = await position(page);
    await openReplayAt(page, config.startTick);
    await page.getByRole('button', { name: button, exact: true }).click();
    moves.push({ key, button, byKey, byButton: await position(page) });
  }
  await openReplayAt(page, config.startTick);
  await page.locator('body').press('.');
  const tickForward = await position(page);
  await page.locator('body').press(',');
  await page.locator('body').press(',');
  const tickBack = await position(page);
  await page.locator('body').press(' ');
  const playing = await page.getByRole('button', { name: 'Pause' }).isVisible();
  await page.locator('body').press(' ');

  await openReplayAt(page, config.screenshotTick);
  const marks = await page.locator('.out-mark').allTextContents();
  const incoming = await page.locator('.player-board').evaluateAll((boards) => boards.map((board) => Number(board.dataset.incoming)));
  await screenshots(page, 'replay');
  await page.locator('body').press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor(WAIT);
  const help = await dialog.textContent();
  await screenshots(page, 'replay-help');
  const focusInDialog = await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')));

  await page.keyboard.press('Escape');
  await page.goto(`${base}/players/${config.userId}`);
  await page.locator('.timeline-chart .u-legend').nth(2).waitFor(WAIT);
  const daily = await page.locator('.timeline-chart').evaluateAll((figures) =>
    figures.map((figure) => ({
      title: figure.getAttribute('aria-label'),
      series: Array.from(figure.querySelectorAll('.u-legend .u-series .u-label'))
        .map((label) => label.textContent.trim())
        .filter((label) => label !== 'Day'),
    })),
  );
  await screenshots(page, 'player');

  const result = { daily, charts, knockouts, figures, held, moves, tickForward, tickBack, playing, marks, incoming, help, focusInDialog };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await browser.close();
}
