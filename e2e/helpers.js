// Shared parts of the browser tests: Debian's Chromium driven by playwright-core, the
// followership binary, and a fingerprint of what a canvas shows.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const ARTIFACTS = path.join(__dirname, 'artifacts');
const BIN = path.resolve(ROOT, process.env.FOLLOWERSHIP_BIN || 'target/debug/followership');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
// this machine's closed network refuses; no test needs anything but loopback and files.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function checkBinary() {
  if (!fs.existsSync(BIN)) {
    throw new Error(`no followership binary at ${BIN}: run \`cargo build -p followership-cli\` or set FOLLOWERSHIP_BIN`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup-browser`);
  }
}

/**
 * A fresh browser (its own empty profile directory) with one page. Every request the page makes
 * is recorded; any that is not to loopback or a file is refused, so a page that reaches for the
 * internet shows up in `external` instead of hanging.
 */
async function openBrowser() {
  checkBinary();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'followership-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 860 },
  });
  const external = [];
  const errors = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'file:' || url.protocol === 'data:' || url.protocol === 'blob:' ||
      ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (local) return route.continue();
    external.push(url.href);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The browser logs every 4xx answer; the tests provoke some on purpose and check them.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, external, errors, close };
}

/**
 * Starts `followership ARGS` and resolves with the address it prints once listening:
 * "followership view: http://127.0.0.1:PORT/ (Ctrl-C to stop)".
 */
function startView(args, timeoutMs = 90_000) {
  checkBinary();
  const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`followership view printed no address within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/followership view: (http:\/\/\S+\/) \(Ctrl-C to stop\)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stderr: () => stderr });
      }
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`followership view exited with ${code} before listening\nstderr: ${stderr}`));
    });
  });
}

/** Stops a server started by startView with Ctrl-C's signal and resolves with its exit code. */
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

/**
 * What a canvas shows: a hash of its pixels, how many pixels are painted, and how many
 * different colours they have.
 */
function canvasPixels(page, selector) {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel);
    if (!canvas) return null;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    let painted = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const px = (data[i] << 24) ^ (data[i + 1] << 16) ^ (data[i + 2] << 8) ^ data[i + 3];
      hash = Math.imul(hash ^ px, 16777619) >>> 0;
      if (data[i + 3] > 0) {
        painted++;
        if (colours.size < 1000) colours.add(px);
      }
    }
    return { hash, painted, colours: colours.size, width: canvas.width, height: canvas.height };
  }, selector);
}

/** Polls `check` (async, returns truthy when done) every 100 ms for at most `ms`. */
async function waitFor(check, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

module.exports = {
  ROOT,
  BIN,
  artifact,
  canvasPixels,
  openBrowser,
  startView,
  stop,
  waitFor,
};
