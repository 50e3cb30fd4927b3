// The README's picture of the studio: node packages/studio/scripts/screenshot.mjs URL OUT.png
// Drives Debian's Chromium (playwright-core, never a downloaded browser) through a typical session: picks three
// exemplars each into A, B and C, sets the interpolation slider, then captures the page.
import { chromium } from 'playwright-core';

const [url = 'http://127.0.0.1:8080/', out = 'docs/studio.png', seeds = '1,9,17,4,12,20,6,14,22'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1480, height: 980 }, deviceScaleFactor: 1 });
  page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  await page.goto(url);
  await page.waitForSelector('#grid[data-ready="true"]', { timeout: 120_000 });
  const picks = seeds.split(',').map(Number);
  for (const [i, seed] of picks.entries()) {
    await page.click(`#group-select button[data-group="${'ABC'[Math.floor((i * 3) / picks.length)]}"]`);
    await page.click(`.cell[data-seed="${seed}"]`);
  }
  await page.waitForSelector('#arith-result[data-ready="true"]');
  await page.fill('#interp-slider', '0.4');
  await page.waitForSelector('#interp-canvas[data-t="0.4"]');
  await page.waitForTimeout(2500); // one status poll: the training panel fills in
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
