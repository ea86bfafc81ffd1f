// The control room in Chromium under election-day load, all of it real: `kiesdag serve`
// seeded by dashboard-fixture with BENCH_STATIONS stations in one municipality
// (GM0599), every one of them a real chair's core in `kiesdag-load` (activated with its
// code and opened), then BENCH_RATE turnout reports a second from random stations for
// BENCH_SECONDS, while a coordinator has the control room open in Chromium. The
// server paces each viewer's frames (at most 10 a second), so a frame carries ~20
// changes at 200 a second.
//
// Prints: the time from the subscription to the 10,000-station snapshot's arrival in
// the page and to the control room painted, and from the arrival to the DOM updated
// and to the next paint; per frame, the time from its arrival to the DOM updated and to the
// next paint; and how many of the reports sent reached the page. Fails when the page
// does not end with every station as the server stores it (a report never reached it)
// or the snapshot lacks stations (timings are figures only).
//
// Env: BENCH_STATIONS (10000), BENCH_RATE (200), BENCH_SECONDS (30), KIESDAG_PROFILE
// (debug; `make dashboard-bench` runs release), BENCH_JSON (write the figures there).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { BIN, PASSWORD, Server } from './harness.mjs';

const STATIONS = Number(process.env.BENCH_STATIONS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const MUNICIPALITY = 'GM0599';

function stats(samples) {
  if (samples.length === 0) return 'no samples';
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** kiesdag-load in feed mode: its phase lines by name, and the word to go on. */
function startLoad(server) {
  const plan = join(server.dir, 'plan.json');
  writeFileSync(
    plan,
    JSON.stringify({
      mode: 'feed',
      target: 'kiesdag',
      station_url: server.stationUrl(),
      stations: server.codes.map((code, i) => ({ id: `${MUNICIPALITY}-${i + 1}`, municipality: MUNICIPALITY, code })),
      municipalities: [MUNICIPALITY],
      steady_rate: RATE,
      steady_seconds: SECONDS,
    }),
  );
  const child = spawn(join(BIN, 'kiesdag-load'), [plan], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  const seen = new Map();
  let failed = null;
  const fail = (error) => {
    failed = error;
    for (const [, { reject }] of waiting) reject(error);
    waiting.clear();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    seen.set(value.phase, value);
    waiting.get(value.phase)?.resolve(value);
    waiting.delete(value.phase);
  });
  child.on('error', fail);
  child.on('exit', (code) => {
    if (code !== 0) fail(new Error(`kiesdag-load exited ${code}`));
  });
  return {
    pid: child.pid,
    phase: (name) =>
      seen.has(name)
        ? Promise.resolve(seen.get(name))
        : failed
          ? Promise.reject(failed)
          : new Promise((resolve, reject) => waiting.set(name, { resolve, reject })),
    go: () => child.stdin.write('go\n'),
    stop: () => child.kill('SIGKILL'),
  };
}

const started = Date.now();
const server = await Server.start({ stations: STATIONS, closesInSeconds: 3 * 3600 });
const profile = mkdtempSync(join(tmpdir(), 'kiesdag-bench-'));
let load;
let browser;
const problems = [];
try {
  // 1. Every station activates with its code and opens, before the control room opens.
  load = startLoad(server);
  const held = await load.phase('held');
  console.log(`bench: ${held.stations} stations activated and opened in ${held.stations_seconds.toFixed(1)} s`);

  // 2. A coordinator signs in; the page subscribes and gets the snapshot.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  // What reached the page, as the browser's network layer saw it.
  const got = { snapshots: 0, snapshotStations: 0, snapshotBytes: 0, frames: 0, changes: 0, turnout: 0, heartbeats: 0, counting: false };
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/ws/dashboard')) return;
    ws.on('framereceived', ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === 'snapshot') {
        got.snapshots += 1;
        got.snapshotStations = message.stations.length;
        got.snapshotBytes = String(payload).length;
      } else if (message.type === 'heartbeat') {
        got.heartbeats += 1;
      } else if (message.type === 'changes' && got.counting) {
        got.frames += 1;
        got.changes += message.changes.length;
        got.turnout += message.changes.filter((c) => c.kind === 'turnout').length;
      }
    });
  });
  await page.goto(`${server.base}/control`);
  await page.getByLabel('Gebruikersnaam').fill('coordinator');
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.waitForFunction(() => (window.__kiesdagTimings ?? []).length > 0, null, { timeout: 60_000, polling: 'raf' });
  // In the page's clock: the subscribe sent, the snapshot's arrival, then drawn.
  const [first, subscribeToArrival] = await page.evaluate(() => {
    const c = window.__kiesdag.connection;
    return [window.__kiesdagTimings[0], c.lastFrameAt - c.subscribedAt];
  });
  const open = Number(await page.getByTestId('count-open').textContent());
  if (got.snapshotStations !== STATIONS) problems.push(`the snapshot held ${got.snapshotStations} of ${STATIONS} stations`);
  if (open !== STATIONS) problems.push(`the control room counts ${open} of ${STATIONS} stations open`);

  // 3. The reports, while the control room is open.
  await page.waitForTimeout(1_000);
  await page.evaluate(() => (window.__kiesdagTimings.length = 0));
  got.counting = true;
  const cpu = { server: cpuSeconds(server.child.pid), load: cpuSeconds(load.pid) };
  load.go();
  const steady = await load.phase('steady');
  const done = await load.phase('done');
  cpu.server = cpuSeconds(server.child.pid) - cpu.server;
  cpu.load = cpuSeconds(load.pid) - cpu.load;
  // Every report reached the page when it shows every station as the server stores it
  // (a frame carries a station's latest change of each kind: a report superseded by the
  // next of its station within one frame arrives as that next one). The last frames
  // may still be on their way.
  const differences = () =>
    page.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem('kiesdag.session'));
      const response = await fetch(`/api/municipalities/${session.municipality}/stations`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      const stored = await response.json();
      const shown = window.__kiesdag.state().stations;
      return stored.filter((s) => shown.get(s.station_id)?.turnout !== s.turnout || shown.get(s.station_id)?.last_event_seq !== s.last_event_seq).length;
    });
  let stale = await differences();
  for (let i = 0; i < 50 && stale > 0; i += 1) {
    await page.waitForTimeout(100);
    stale = await differences();
  }
  got.counting = false;
  const frames = await page.evaluate(() => window.__kiesdagTimings);
  const applied = await page.evaluate(() => window.__kiesdag.state().seq);
  if (stale > 0) problems.push(`${stale} of ${STATIONS} stations shown otherwise than stored: reports never reached the page`);
  if (got.snapshots !== 1) problems.push(`the page subscribed ${got.snapshots} times`);

  const figures = {
    stations: STATIONS,
    rate: RATE,
    seconds: SECONDS,
    chromium: browser.browser()?.version() ?? '',
    activation_seconds: held.stations_seconds,
    snapshot_bytes: got.snapshotBytes,
    subscribe_to_snapshot_ms: subscribeToArrival,
    subscribe_to_painted_ms: subscribeToArrival + first.painted,
    snapshot_arrival_to_dom_ms: first.committed,
    snapshot_arrival_to_painted_ms: first.painted,
    reports_sent: steady.reports,
    reports_acknowledged: done.acknowledged,
    sending_seconds: steady.sending_seconds,
    frames_received: got.frames,
    changes_received: got.changes,
    turnout_changes_received: got.turnout,
    heartbeats_received: got.heartbeats,
    frames_rendered: frames.length,
    frame_to_dom_ms: frames.map((f) => f.committed),
    frame_to_painted_ms: frames.map((f) => f.painted),
    cpu_seconds_server: cpu.server,
    cpu_seconds_load: cpu.load,
    last_seq_applied: applied,
  };
  console.log(`control room in Chromium ${figures.chromium} against kiesdag serve (${process.env.KIESDAG_PROFILE ?? 'debug'} build): ${STATIONS} stations in one municipality, ${RATE} reports/s for ${SECONDS} s from kiesdag-load`);
  console.log(`  first snapshot (${STATIONS} stations, ${(got.snapshotBytes / 1e6).toFixed(1)} MB): subscribe to control room painted ${figures.subscribe_to_painted_ms.toFixed(0)} ms (target < 1000 ms)`);
  console.log(`    subscribe to snapshot arrived ${subscribeToArrival.toFixed(0)} ms (server reads and sends it); arrival to DOM ${first.committed.toFixed(0)} ms, to painted ${first.painted.toFixed(0)} ms`);
  console.log(`  reports: ${steady.reports} sent in ${steady.sending_seconds.toFixed(1)} s, ${done.acknowledged} acknowledged; the page received ${got.turnout} turnout changes carrying them (a report superseded by its station's next within one frame arrives as that one; every station ended as stored: ${stale === 0}) (${got.changes} changes in ${got.frames} frames, ${(got.changes / Math.max(1, got.frames)).toFixed(1)} a frame; ${got.heartbeats} heartbeats)`);
  console.log(`  per frame (${frames.length} rendered): arrival to DOM ${stats(figures.frame_to_dom_ms)} (target < 16 ms)`);
  console.log(`  per frame: arrival to painted ${stats(figures.frame_to_painted_ms)}`);
  console.log(`  CPU while reporting: server ${cpu.server.toFixed(1)} s, load generator ${cpu.load.toFixed(1)} s (2 cores shared with Chromium); whole run ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures, null, 2));
} catch (e) {
  problems.push(String(e?.stack ?? e));
} finally {
  await browser?.close();
  load?.stop();
  server.stop();
  rmSync(profile, { recursive: true, force: true });
}
if (problems.length) {
  for (const p of problems) console.log(`FAIL ${p}`);
  process.exit(1);
}
