// The live view in headless Chromium: `followership view --builtin hillside --port 0` draws
// people, re-runs when a slider moves, plays, and answers bad input with a clear message.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { artifact, canvasPixels, openBrowser, startView, stop, waitFor } = require('./helpers');

test('the live view draws, re-runs on a slider, plays, and explains bad input', { timeout: 180_000 }, async (t) => {
  const server = await startView(['view', '--builtin', 'hillside', '--port', '0']);
  t.after(() => stop(server.child));
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;

  await page.goto(server.url);
  await page.waitForFunction(() => document.getElementById('last-tick').textContent !== '0', null, { timeout: 60_000 });
  assert.equal(await page.textContent('#title'), 'hillside');

  // People are drawn: many painted pixels in several colours (the leader, the sitting crowd).
  const first = await canvasPixels(page, '#people');
  assert.ok(first.painted > 0.05 * first.width * first.height, `only ${first.painted} pixels painted`);
  assert.ok(first.colours >= 3, `only ${first.colours} colours`);
  const firstCurve = await canvasPixels(page, '#curve');
  assert.ok(firstCurve.painted > 1000, 'the curve is drawn');
  await page.screenshot({ path: artifact('view-start.png') });

  // Every slider of the hillside is there, with its value.
  for (const key of ['leaders.persistence', 'leaders.weight', 'influence.follower', 'influence.embrace',
    'influence.embrace_holds',
    'dynamics.visibility', 'momentum.critical_mass']) {
    assert.equal(await page.locator(`[data-key="${key}"]`).count(), 1, `slider ${key}`);
  }

  // Move the persistence slider: the page asks the server for a new run with that value.
  const persistence = page.locator('input[data-key="leaders.persistence"]');
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/run') && r.method() === 'POST'),
    persistence.fill('120'),
  ]);
  assert.equal(JSON.parse(request.postData()).values['leaders.persistence'], 120);
  const response = await request.response();
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => document.getElementById('status').textContent === '');
  assert.equal(await page.isHidden('#error'), true);
  const persistenceId = await persistence.getAttribute('id');
  assert.equal(await page.textContent(`#${persistenceId}-value`), '120');

  // Play: the tick advances, and the people and the curve's marker move.
  const before = {
    tick: Number(await page.textContent('#tick')),
    people: await canvasPixels(page, '#people'),
    curve: await canvasPixels(page, '#curve'),
  };
  await page.click('#play');
  assert.equal(await page.textContent('#play'), 'Pause');
  await waitFor(async () => Number(await page.textContent('#tick')) >= before.tick + 40, 20_000, 'the tick to advance');
  await page.screenshot({ path: artifact('view-playing.png') });
  const after = {
    tick: Number(await page.textContent('#tick')),
    people: await canvasPixels(page, '#people'),
    curve: await canvasPixels(page, '#curve'),
  };
  assert.ok(after.tick > before.tick, `tick ${before.tick} -> ${after.tick}`);
  assert.notEqual(after.people.hash, before.people.hash, 'the people changed');
  assert.notEqual(after.curve.hash, before.curve.hash, 'the curve changed');

  // Pause, step, reset.
  await page.click('#play');
  assert.equal(await page.textContent('#play'), 'Play');
  const paused = Number(await page.textContent('#tick'));
  assert.equal(Number(await page.inputValue('#scrub')), paused);
  await page.click('#step');
  assert.equal(Number(await page.textContent('#tick')), paused + 1);
  await page.click('#reset');
  assert.equal(Number(await page.textContent('#tick')), 0);

  // Scrubbing shows any tick at once; the README's picture is the hillside as the crowd tips.
  await page.fill('#scrub', '135');
  await page.dispatchEvent('#scrub', 'input');
  await waitFor(async () => Number(await page.textContent('#tick')) === 135, 5_000, 'the scrubbed tick');
  await page.screenshot({ path: artifact('view-readme.png') });

  // A bad value sent to the run endpoint: a 4xx with a message naming the key.
  const bad = await page.evaluate(async () => {
    const r = await fetch('/api/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values: { 'leaders.persistence': -5 } }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.ok(bad.status >= 400 && bad.status < 500, `status ${bad.status}`);
  assert.match(bad.body.error, /leaders\.persistence/);
  assert.equal(bad.body.key, 'leaders.persistence');

  // And from the page itself: a bad seed is shown in the error box; the view stays usable.
  await page.fill('#seed', '-1');
  await page.dispatchEvent('#seed', 'change');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /seed/);
  await page.screenshot({ path: artifact('view-error.png') });
  await page.fill('#seed', '7');
  await page.dispatchEvent('#seed', 'change');
  await page.waitForSelector('#error', { state: 'hidden' });

  assert.deepEqual(browser.external, [], 'the page fetched nothing from outside');
  assert.deepEqual(browser.errors, [], 'no script errors');

  // Ctrl-C stops the server cleanly.
  assert.equal(await stop(server.child), 0);
});
