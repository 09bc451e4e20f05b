/* global console, process, window, document */
// Long names on every page (docs/api.md): tests/web/test_long_names_browser.py seeds a player with
// a 30-character name; this signs in as them and visits each page at 1280 and 390 px wide:
//   node e2e/layouts/long_names.mjs CONFIG_JSON
// For each page and width it records whether the page scrolls sideways and how the long name is
// shown (cut or not, its title, its text), and saves a full-page screenshot. Prints RESULT {json}.
import { launchChromium, signIn, WAIT } from '../chromium.mjs';

const config = JSON.parse(process.argv[2]);
const WIDTHS = [1280, 390];

const browser = await launchChromium();
const results = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${config.base}/signin`);
  await signIn(page, config.username, config.password);
  for (const { name, path } of config.pages) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${config.base}${path}`);
      // The page is in once the long name is: in a table (.name) or as the heading.
      await page.waitForFunction(
        (long) => Array.from(document.querySelectorAll('.name, h1')).some((el) => el.textContent === long),
        config.username,
        WAIT,
      );
      const seen = await page.evaluate((long) => {
        const names = Array.from(document.querySelectorAll('.name')).filter((el) => el.textContent === long);
        return {
          pageWidth: document.documentElement.scrollWidth,
          viewportWidth: window.innerWidth,
          names: names.map((el) => ({
            title: el.getAttribute('title'),
            text: el.textContent,
            cut: el.scrollWidth > el.clientWidth,
            ellipsis: window.getComputedStyle(el).textOverflow,
          })),
          heading: document.querySelector('h1')?.textContent ?? null,
        };
      }, config.username);
      const file = `${config.screenshots}/${name}-${width}.png`;
      await page.screenshot({ path: file, fullPage: true });
      results.push({ page: name, width, file, ...seen });
    }
  }
} finally {
  await browser.close();
}
console.log(`RESULT ${JSON.stringify({ results })}`);
