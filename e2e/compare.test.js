// The report of `followership compare embrace`: both variants' outcomes, the overlaid curves,
// and the two replays drawn side by side, moving in step under one play button and one slider.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { BIN, ROOT, artifact, canvasPixels, openBrowser, waitFor } = require('./helpers');

test('compare: two variants side by side, their replays in step', { timeout: 240_000 }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'followership-compare-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(BIN, ['compare', 'embrace', '--replicates', '4', '--quiet', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
  assert.ok(fs.existsSync(path.join(out, 'compare.csv')), 'compare.csv is written');
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(pathToFileURL(path.join(out, 'report.html')).href);
  assert.equal(await page.textContent('h1'), 'hillside vs no-embrace');
  assert.equal(await page.locator('#figure-adoption-compare svg').count(), 1, 'the overlaid curves');
  const body = await page.textContent('main');
  assert.match(body, /no-embrace minus hillside/, 'the difference from the first variant');

  for (const k of [0, 1]) {
    await waitFor(async () => (await canvasPixels(page, '#compare-people-' + k)).painted > 0, 10_000, `replay ${k} drawn`);
  }
  await page.locator('#compare-people-0').scrollIntoViewIfNeeded();
  const before = [await canvasPixels(page, '#compare-people-0'), await canvasPixels(page, '#compare-people-1')];
  // The slider moves both replays to the same tick.
  await page.locator('#compare-tick').fill('150');
  for (const [k, p] of (await page.evaluate(() => window.followershipCompare.players.map((p) => [p.tick, p.lastTick]))).entries()) {
    assert.equal(p[0], Math.min(150, p[1]), `replay ${k} at tick 150 (or its end)`);
  }
  const after = [await canvasPixels(page, '#compare-people-0'), await canvasPixels(page, '#compare-people-1')];
  assert.notEqual(after[0].hash, before[0].hash, 'the first replay moved');
  assert.notEqual(after[1].hash, before[1].hash, 'the second replay moved');
  // Play from the start: both advance together.
  await page.locator('#compare-tick').fill('0');
  await page.click('#compare-play');
  await waitFor(async () => (await page.evaluate(() => window.followershipCompare.tick)) > 20, 20_000, 'the replays to advance');
  await page.click('#compare-play');
  const both = await page.evaluate(() => window.followershipCompare.players.map((p) => p.tick));
  assert.equal(both[0], both[1], 'one tick for both');
  await page.screenshot({ path: artifact('compare.png'), fullPage: true });
  assert.deepEqual(browser.external, [], 'the report fetched nothing from outside');
  assert.deepEqual(browser.errors, [], 'no script errors');
});
