// The control room in Chromium under election-night load: the real dashboard, signed
// in against the real server, with its dashboard socket fed by this script (Playwright
// routeWebSocket) with a 10,000-station snapshot and then 200 station updates a second,
// sent as the server does (a frame every 100 ms, ~20 changes each). Prints the time
// from the snapshot's arrival to the control room drawn, and per frame the time from
// arrival to the DOM updated and to the next paint.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, Server } from './harness.mjs';

const STATIONS = Number(process.env.BENCH_STATIONS ?? 10_000);
const RATE = 200;
const FRAME_MS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

function station(n, seq = n) {
  return {
    station_id: `GM0599-${n}`, municipality_code: 'GM0599', number: n, name: `Stembureau ${n} Wijkcentrum`,
    district: `Wijk ${n % 40}`, subarea: null, latitude: 51.85 + (n % 100) / 500, longitude: 4.3 + Math.floor(n / 100) / 300,
    phase: n % 10 === 0 ? 'setup' : 'open', turnout: (seq * 7) % 1500, expected_voters: 1500,
    ballots_remaining: 1400, members_present: 3, open_incidents: seq % 53 === 0 ? 1 : 0, resupply_requested: 0,
    last_seen_at: Date.now(), last_event_seq: seq,
  };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
}

const server = await Server.start({ stations: 1, closesInSeconds: 3600 });
const profile = mkdtempSync(join(tmpdir(), 'kiesdag-bench-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
let timer;
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  let seq = STATIONS;
  let sentSnapshot = 0;
  await page.routeWebSocket('**/ws/dashboard', (ws) => {
    ws.onMessage(() => {
      sentSnapshot = Date.now();
      ws.send(JSON.stringify({ type: 'snapshot', election_id: 'E', seq, stations: Array.from({ length: STATIONS }, (_, i) => station(i + 1)) }));
      timer = setInterval(() => {
        const changes = [];
        for (let i = 0; i < (RATE * FRAME_MS) / 1000; i += 1) {
          seq += 1;
          const s = station(1 + ((seq * 7919) % STATIONS), seq);
          changes.push({ seq, station_id: s.station_id, kind: 'turnout', recorded_at: Date.now(), committed_at: Date.now(), payload: { report: { turnout: { count: s.turnout } } }, station: s });
        }
        ws.send(JSON.stringify({ type: 'changes', changes }));
      }, FRAME_MS);
    });
  });
  await page.goto(`${server.base}/control`);
  await page.getByLabel('Gebruikersnaam').fill('coordinator');
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.waitForFunction(() => (window.__kiesdagTimings ?? []).length > 0, null, { timeout: 30_000 });
  const wall = Date.now() - sentSnapshot;
  await page.waitForTimeout(SECONDS * 1000);
  clearInterval(timer);
  await page.waitForTimeout(300);
  const timings = await page.evaluate(() => window.__kiesdagTimings);
  const [first, ...frames] = timings;
  console.log(`control room in Chromium ${browser.browser()?.version() ?? ''}: ${STATIONS} stations, ${RATE} updates/s in ${FRAME_MS} ms frames, ${SECONDS} s`);
  console.log(`  first snapshot: arrival to DOM ${first.committed.toFixed(0)} ms, to painted ${first.painted.toFixed(0)} ms (sent to painted, wall clock: ${wall} ms; target < 1000 ms)`);
  console.log(`  per frame (${frames.length} frames rendered): arrival to DOM ${stats(frames.map((f) => f.committed))}`);
  console.log(`  per frame: arrival to painted ${stats(frames.map((f) => f.painted))} (target < 16 ms)`);
} finally {
  clearInterval(timer);
  await browser.close();
  server.stop();
  rmSync(profile, { recursive: true, force: true });
}
