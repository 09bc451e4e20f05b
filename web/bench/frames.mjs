/* global window, performance, requestAnimationFrame, setTimeout */
// Frame timing in a page, shared by the browser benchmarks (frameTimes.mjs, webPages.mjs).

/**
 * Wraps requestAnimationFrame before the page's scripts run (context.addInitScript): each frame's
 * callbacks are timed (`work`) and their timestamps kept (`stamps`), in window.__frames.
 */
export const RECORDER = () => {
  const original = window.requestAnimationFrame.bind(window);
  const frames = { work: [], stamps: [] };
  window.__frames = frames;
  window.requestAnimationFrame = (callback) =>
    original((stamp) => {
      const started = performance.now();
      callback(stamp);
      frames.work.push(performance.now() - started);
      frames.stamps.push(stamp);
    });
};

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, median: at(0.5), p99: at(0.99), max: at(1) };
}

export const intervals = (stamps) => stamps.slice(1).map((stamp, i) => stamp - stamps[i]);

/** Empties the page's record, so what follows is measured alone. */
export function resetFrames(page) {
  return page.evaluate(() => {
    window.__frames.work.length = 0;
    window.__frames.stamps.length = 0;
  });
}

export function recordedFrames(page) {
  return page.evaluate(() => window.__frames);
}

/**
 * The baseline: an empty requestAnimationFrame loop for `seconds` in a page of the recording
 * context (the interval the headless compositor gives anyway). `url` is any page of that context.
 */
export async function emptyLoopFrames(context, url, seconds) {
  const blank = await context.newPage();
  await blank.goto(url);
  await blank.evaluate((wait) => {
    const loop = () => requestAnimationFrame(loop);
    requestAnimationFrame(loop);
    return new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }, seconds);
  const frames = await recordedFrames(blank);
  await blank.close();
  return frames;
}
