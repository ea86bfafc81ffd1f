// Benchmark (not a test): the chair's core as WebAssembly, its size and how fast the
// app's first screen shows in Debian's Chromium against the real server.
//   - size: the .wasm in dist/assets, raw, gzip (level 9) and brotli (as a server or
//     proxy would compress it); target under 1.5 MB compressed;
//   - first screen: ms from navigation start until the core's first view that is not
//     "loading" (performance mark kiesdag:first-screen), cold (a new browser context:
//     nothing cached) and warm (a reload served by the service worker), median of
//     BENCH_RUNS (5) each; target under 500 ms. Also the part of it spent fetching,
//     compiling and starting the core and reading storage (kiesdag:core-start).
// Prints the figures and whether each target is met; exits non-zero only when it
// could not measure.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { chromium } from 'playwright-core';
import { Server } from '../../web-dashboard/e2e/harness.mjs';

const DIST = resolve(import.meta.dirname, '..', 'dist', 'assets');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SIZE_TARGET = 1.5 * 1024 * 1024;
const TIME_TARGET_MS = 500;

const wasm = readdirSync(DIST).find((f) => f.endsWith('.wasm'));
if (wasm === undefined) {
  console.error('bench-start: no .wasm in dist/assets: run `make chair`');
  process.exit(1);
}
const bytes = readFileSync(join(DIST, wasm));
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`chair core (${wasm}): ${kib(bytes.length)} raw, ${kib(gzip)} gzip, ${kib(brotli)} brotli; target < ${kib(SIZE_TARGET)} compressed: ${gzip < SIZE_TARGET ? 'met' : 'NOT MET'}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function firstScreen(page) {
  await page.waitForFunction(() => performance.getEntriesByName('kiesdag:first-screen').length > 0, null, { timeout: 30_000 });
  return page.evaluate(() => ({
    screen: performance.getEntriesByName('kiesdag:first-screen')[0].startTime,
    core: performance.getEntriesByName('kiesdag:core-start')[0].duration,
  }));
}

const server = await Server.start({ stations: 1, closesInSeconds: 3_600 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await context.newPage();
    await page.goto(`${server.base}/chair/`);
    cold.push(await firstScreen(page));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    warm.push(await firstScreen(page));
    await context.close();
  }
  for (const [name, runs] of [
    ['cold (nothing cached)', cold],
    ['warm (service worker)', warm],
  ]) {
    const screen = median(runs.map((r) => r.screen));
    const core = median(runs.map((r) => r.core));
    console.log(
      `first screen, ${name}: median ${screen.toFixed(0)} ms of ${RUNS} (core fetch, compile, start and storage: ${core.toFixed(0)} ms); target < ${TIME_TARGET_MS} ms: ${screen < TIME_TARGET_MS ? 'met' : 'NOT MET'}`,
    );
  }
} finally {
  await browser.close();
  server.stop();
}
