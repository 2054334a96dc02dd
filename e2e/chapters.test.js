// Chapters and classroom mode: in report.html and in `followership view --classroom`, a button
// for each key moment jumps to its tick, and at the first follower's tick their ring (their own
// vermillion) is on the people canvas, while a tick earlier it is not.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { BIN, ROOT, artifact, openBrowser, startView, stop, waitFor } = require('./helpers');

// The first follower's colour in people.js (COLORS.first); nothing else on the canvas is near it.
const FIRST = [213, 94, 0];

/** How many pixels of the canvas are the first follower's colour (give or take a little). */
function firstFollowerPixels(page, selector) {
  return page.evaluate(([sel, rgb]) => {
    const canvas = document.querySelector(sel);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - rgb[0]) <= 12 && Math.abs(data[i + 1] - rgb[1]) <= 12 &&
        Math.abs(data[i + 2] - rgb[2]) <= 12) n++;
    }
    return n;
  }, [selector, FIRST]);
}

/** The chapter buttons in `box`: kind, tick and text of each. */
function chapters(page, box) {
  return page.$$eval(box + ' button', (buttons) => buttons.map((b) => ({
    kind: b.dataset.kind,
    tick: Number(b.dataset.tick),
    text: b.textContent,
  })));
}

test('report.html: each chapter button jumps to its moment; the first follower is ringed at their tick', { timeout: 240_000 }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'followership-chapters-'));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(BIN, ['run', '--builtin', 'broken-promise', '--set', 'replicates=3', '--quiet', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  });
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(pathToFileURL(path.join(out, 'report.html')).href);
  assert.equal(await page.locator('#figure-trust svg').count(), 1, 'the trust plot is in the report');

  const list = await chapters(page, '#replay-chapters');
  const kinds = list.map((c) => c.kind);
  for (const kind of ['first-follower', 'second-follower', 'event']) {
    assert.ok(kinds.includes(kind), `a ${kind} chapter in ${JSON.stringify(kinds)}`);
  }
  assert.ok(list.some((c) => /Character violation/.test(c.text) && c.tick === 600), 'the scripted violation at 600');
  await page.locator('#replay-people').scrollIntoViewIfNeeded();

  for (const [k, c] of list.entries()) {
    await page.locator('#replay-chapters button').nth(k).click();
    await waitFor(async () => Number(await page.inputValue('#replay-tick')) === c.tick, 5_000, `tick ${c.tick} for ${c.text}`);
    const current = await page.locator('#replay-chapters button[aria-current]').textContent();
    assert.equal(current, list.filter((o) => o.tick === c.tick).pop().text, 'the chapter is marked current');
  }

  const first = list.find((c) => c.kind === 'first-follower');
  await page.locator('#replay-chapters button[data-kind="first-follower"]').click();
  await waitFor(async () => (await firstFollowerPixels(page, '#replay-people')) > 10, 5_000, 'the first follower\'s ring');
  assert.match(await page.textContent('#replay-caption'), /first follower/);
  await page.screenshot({ path: artifact('report-first-follower.png') });
  // A tick earlier they do not dance yet: no ring.
  await page.evaluate((tick) => window.followershipReplay.seek(tick), first.tick - 1);
  assert.equal(await firstFollowerPixels(page, '#replay-people'), 0, 'no ring before the first follower joins');

  assert.deepEqual(browser.external, [], 'the report fetched nothing from outside');
  assert.deepEqual(browser.errors, [], 'no script errors');
});

test('view --classroom: big type, chapter buttons, and the first follower at their tick', { timeout: 180_000 }, async (t) => {
  const server = await startView(['view', '--builtin', 'hillside', '--port', '0', '--classroom']);
  t.after(() => stop(server.child));
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelectorAll('#chapters button').length > 0, null, { timeout: 60_000 });
  assert.ok(await page.evaluate(() => document.body.classList.contains('classroom')), 'the page is in classroom mode');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#caption')).fontSize));
  assert.ok(size >= 24, `the caption is in big type (${size}px)`);

  const list = await chapters(page, '#chapters');
  const first = list.find((c) => c.kind === 'first-follower');
  assert.ok(first, `a first-follower chapter in ${JSON.stringify(list)}`);
  await page.click('#chapters button[data-kind="first-follower"]');
  await waitFor(async () => Number(await page.textContent('#tick')) === first.tick, 5_000, 'the first follower\'s tick');
  await waitFor(async () => (await firstFollowerPixels(page, '#people')) > 10, 5_000, 'the first follower\'s ring');
  assert.match(await page.textContent('#caption'), /first follower/);
  await page.screenshot({ path: artifact('view-classroom.png') });

  // Each chapter jumps to its tick.
  for (const [k, c] of list.entries()) {
    await page.locator('#chapters button').nth(k).click();
    await waitFor(async () => Number(await page.textContent('#tick')) === c.tick, 5_000, `tick ${c.tick} for ${c.text}`);
  }
  assert.deepEqual(browser.external, [], 'the view fetched nothing from outside');
  assert.deepEqual(browser.errors, [], 'no script errors');
});
