// report.html in headless Chromium: the file a run writes opens from disk, with no network, and
// its replay plays.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { BIN, ROOT, artifact, canvasPixels, openBrowser, waitFor } = require('./helpers');

test('the replay in report.html advances when played', { timeout: 240_000 }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'followership-report-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(BIN, ['run', '--builtin', 'hillside', '--set', 'replicates=20', '--quiet', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
  const report = path.join(out, 'report.html');
  assert.ok(fs.existsSync(report), 'followership run wrote report.html');

  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(pathToFileURL(report).href);
  // The README's picture of a report: its top, with the summary and the first plot.
  await page.setViewportSize({ width: 1180, height: 1100 });
  await page.screenshot({ path: artifact('report-readme.png') });
  for (const id of ['replay-people', 'replay-curve', 'replay-play', 'replay-tick', 'replay-tick-label']) {
    assert.equal(await page.locator('#' + id).count(), 1, `#${id} is on the page`);
  }
  await page.locator('#replay-people').scrollIntoViewIfNeeded();
  // Screenshots of the replay: the people, the curve and the controls together.
  const shoot = async (name) => {
    const boxes = [];
    for (const id of ['replay-people', 'replay-curve', 'replay-play', 'replay-tick-label']) {
      const box = await page.locator('#' + id).boundingBox();
      if (box) boxes.push(box);
    }
    // Bounding boxes are relative to the viewport; a full-page clip to the document.
    const [sx, sy] = await page.evaluate(() => [window.scrollX, window.scrollY]);
    for (const b of boxes) {
      b.x += sx;
      b.y += sy;
    }
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    await page.screenshot({
      path: artifact(name),
      fullPage: true,
      clip: { x: Math.max(0, x - 8), y: Math.max(0, y - 8), width: right - x + 16, height: bottom - y + 16 },
    });
  };

  // The first frame is drawn before anything is pressed.
  await waitFor(async () => (await canvasPixels(page, '#replay-people')).painted > 0, 10_000, 'the people to be drawn');
  const start = {
    tick: Number(await page.inputValue('#replay-tick')),
    people: await canvasPixels(page, '#replay-people'),
    curve: await canvasPixels(page, '#replay-curve'),
  };
  assert.ok(start.people.colours >= 2, 'people in more than one colour');
  await shoot('report-start.png');

  await page.click('#replay-play');
  await waitFor(async () => Number(await page.inputValue('#replay-tick')) > start.tick + 20, 20_000, 'the replay tick to advance');
  await waitFor(async () => (await canvasPixels(page, '#replay-people')).hash !== start.people.hash, 20_000, 'the people to change');
  const curve = await canvasPixels(page, '#replay-curve');
  assert.notEqual(curve.hash, start.curve.hash, 'the curve marker moved');
  assert.match(await page.textContent('#replay-tick-label'), /\d/);
  await shoot('report-playing.png');

  assert.deepEqual(browser.external, [], 'the report fetched nothing from outside');
  assert.deepEqual(browser.errors, [], 'no script errors');
});

test('an organisation\'s replay names its blocks', { timeout: 240_000 }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'followership-blocks-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(BIN, ['run', '--builtin', 'middle-out', '--set', 'replicates=3', '--quiet', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(pathToFileURL(path.join(out, 'report.html')).href);
  const legend = await page.textContent('#replay-legend');
  for (const b of [0, 1, 2]) assert.match(legend, new RegExp(`block ${b} \\(dashed outline\\)`), legend);
  // Each block's outline is drawn in its own ink: the three hues are on the canvas.
  const inks = await page.evaluate(() => {
    const c = document.getElementById('replay-people');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const want = [[0x9a, 0x6a, 0x00], [0x2f, 0x66, 0x90], [0x3d, 0x7a, 0x3d]];
    return want.map(([r, g, b]) => {
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - r) < 6 && Math.abs(d[i + 1] - g) < 6 && Math.abs(d[i + 2] - b) < 6) n++;
      }
      return n;
    });
  });
  for (const [b, n] of inks.entries()) assert.ok(n > 20, `block ${b}'s outline: ${n} pixels`);
});
