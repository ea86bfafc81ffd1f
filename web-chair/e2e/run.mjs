// End-to-end tests of the chair's app in the browser: Debian's Chromium driven by
// playwright-core against the real server (the dashboard's harness: a fresh SQLite
// database seeded by dashboard-fixture). The chair works through the whole day in one
// browser context while the control room watches in another; then the network goes
// away mid-day, the page is reloaded offline, and every report still reaches the
// server exactly once, in order. axe-core runs on every screen at phone and tablet
// size, and the screenshots go to docs/screenshots/chair-*.png.
//
// Needs: a built dist/ (npm run build; the dashboard's too) and target/debug/
// {kiesdag,dashboard-fixture} (or KIESDAG_BIN_DIR: see web-dashboard/e2e/harness.mjs).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PASSWORD, ROOT, Server } from '../../web-dashboard/e2e/harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PHONE = { width: 360, height: 780 };
const TABLET = { width: 820, height: 1180 };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}

/** axe-core on the page as it is: no serious or critical violations. */
async function axe(page, what) {
  // By the DevTools protocol: an inline <script> is refused by the page's
  // Content-Security-Policy, as any script but the app's own.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target }));
  });
  const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: axe found ${JSON.stringify(bad)}`);
}

/** Screenshots and axe at phone and tablet size; no sideways scrolling at either. */
async function capture(page, name) {
  for (const [label, size] of [
    ['phone', PHONE],
    ['tablet', TABLET],
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${name} (${label}) scrolls sideways by ${wide} px`);
    await page.screenshot({ path: join(SHOTS, `chair-${name}-${label}.png`), fullPage: true });
    await axe(page, `${name} (${label})`);
  }
  await page.setViewportSize(PHONE);
}

const nav = (page, name) => page.getByRole('navigation').getByRole('button', { name: new RegExp(`^${name}`) }).click();
const status = (page) => page.locator('.status');

async function api(server, token, path, init = {}) {
  const response = await fetch(server.base + path, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
  });
  const body = await response.json();
  assert.ok(response.ok, `${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function token(server) {
  const login = await api(server, null, '/api/login', { method: 'POST', body: JSON.stringify({ username: 'coordinator', password: PASSWORD }) });
  return login.access_token;
}

/** The station's events as the server stored them, oldest first. */
async function timeline(server, station) {
  return (await api(server, await token(server), `/api/stations/${station}/timeline`)).events;
}

async function activate(page, server, index) {
  await page.goto(`${server.base}/chair/`);
  await page.getByRole('heading', { name: 'Apparaat activeren' }).waitFor();
  assert.equal(await page.getByLabel('Serveradres').inputValue(), server.stationUrl(), 'the server that served the app');
  await page.getByLabel('Activeringscode').fill(server.codes[index]);
  if (index === 0) await capture(page, 'activation');
  await page.getByRole('main').getByRole('button', { name: 'Activeren' }).click();
  // Activated: the core moves on to the opening.
  await page.getByRole('heading', { name: 'Opening' }).waitFor({ timeout: 15_000 });
}

async function openStation(page) {
  await nav(page, 'Opening');
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  for (const name of ['A. de Vries', 'B. Jansen', 'C. Bakker']) {
    await page.getByLabel('Naam').fill(name);
    await page.getByRole('main').getByRole('button', { name: 'Lid toevoegen' }).click();
    await page.getByText(`${name} — `).waitFor();
  }
  await page.getByRole('main').getByRole('button', { name: 'Stembureau openen' }).click();
  // Opened: the core moves on to the day's overview.
  await page.getByRole('heading', { name: 'Overzicht' }).waitFor();
}

/** Waits until the core says every report is received. */
async function allConfirmed(page) {
  await page.locator('.status[data-pending="0"][data-connection="Online"]').waitFor({ timeout: 20_000 });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const server = await Server.start({ stations: 3, closesInSeconds: 3_600 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const chair = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', serviceWorkers: 'allow' });
    const page = await chair.newPage();
    page.on('pageerror', (e) => console.log(`     page error: ${e.message}`));
    const control = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
    const room = await control.newPage();

    await test('the chair works through the whole day, and the control room sees each report', async () => {
      await activate(page, server, 0);
      // The control room's number on every screen, to call when the app is not enough.
      const phone = page.getByTestId('control-room-phone');
      assert.equal(await phone.textContent(), 'Regiekamer: 010 123 45 67');
      assert.equal(await phone.getAttribute('href'), 'tel:0101234567');
      await openStation(page);
      await capture(page, 'opening');

      // A second window of the same browser must not run a second core over the same
      // storage: it says so instead.
      const second = await chair.newPage();
      await second.goto(`${server.base}/chair/`);
      await second.getByText('Kiesdag is al geopend in een ander venster').waitFor();
      assert.equal(await second.getByRole('navigation').count(), 0);
      await second.close();
      await capture(page, 'day');
      // English on the switch, Dutch again after.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.getByRole('navigation').getByRole('button', { name: /^Turnout/ }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await page.getByRole('button', { name: 'Nederlands' }).click();
      await page.getByRole('heading', { name: 'Overzicht' }).waitFor();

      await nav(page, 'Opkomst');
      await page.getByLabel('Aantal kiezers tot nu toe').fill('120');
      await page.getByRole('main').getByRole('button', { name: 'Opkomst verzenden' }).click();
      await page.getByText(/120$/).first().waitFor();
      await capture(page, 'turnout');

      await nav(page, 'Stembiljetten');
      await page.getByLabel('Ontvangen').fill('1500');
      await page.getByLabel('Nog over').fill('1380');
      await page.getByRole('main').getByRole('button', { name: 'Voorraad doorgeven' }).click();
      await page.getByLabel('Aantal').fill('500');
      await page.getByText('Dringend', { exact: true }).click();
      await page.getByLabel('Toelichting').fill('Drukker dan verwacht');
      await page.getByRole('main').getByRole('button', { name: 'Aanvragen' }).click();
      await page.getByText('Aangevraagd: 500').waitFor();
      await capture(page, 'ballots');

      await nav(page, 'Bezetting');
      await page.getByLabel('Naam').fill('D. Smit');
      await page.getByRole('main').getByRole('button', { name: 'Aangekomen', exact: true }).click();
      await page.getByText('D. Smit — ').waitFor();
      await page.getByRole('checkbox', { name: 'A. de Vries' }).check();
      await page.getByLabel('Wie komt (namen, met komma’s)').fill('E. Visser');
      await page.getByRole('main').getByRole('button', { name: 'Wisseling doorgeven' }).click();
      await page.getByText('E. Visser — ').waitFor();
      assert.equal(await page.getByText('A. de Vries — ').count(), 0, 'the leaving member is gone');
      await capture(page, 'staff');

      await nav(page, 'Meldingen');
      await page.getByText('Toegankelijkheid', { exact: true }).click();
      // A free text says, and is read with, that voters are not to be named.
      const field = page.getByLabel('Wat is er aan de hand?');
      assert.match(await field.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent ?? ''), /Noem geen kiezers/);
      await field.fill('De hellingbaan ontbreekt');
      await page.getByRole('main').getByRole('button', { name: 'Melding versturen' }).click();
      await page.locator('article.incident').getByText('De hellingbaan ontbreekt').waitFor();
      await allConfirmed(page);

      // The control room answers from its incidents page.
      await room.goto(`${server.base}/control`);
      await room.getByLabel(/Gebruikersnaam|Username/).fill('coordinator');
      await room.getByLabel(/Wachtwoord|Password/).fill(PASSWORD);
      await room.getByRole('button', { name: /Aanmelden|Sign in/ }).click();
      await room.getByRole('link', { name: 'Meldingen', exact: true }).click();
      const card = room.locator('[data-incident]', { hasText: 'De hellingbaan ontbreekt' });
      await card.waitFor({ timeout: 10_000 });
      await card.getByLabel('Antwoord aan het stembureau').fill('Gemeentewerken komt eraan');
      await card.getByRole('button', { name: 'Versturen' }).click();
      await page.locator('article.incident').getByText('Gemeentewerken komt eraan').waitFor({ timeout: 15_000 });
      await capture(page, 'incidents');

      // The day's summary, from the overview: every report so far, each received, with
      // its figures; printing shows the summary alone.
      await nav(page, 'Overzicht');
      await page.getByRole('main').getByRole('button', { name: 'Alle meldingen van vandaag op een rij' }).click();
      await page.getByRole('heading', { name: 'Overzicht van de meldingen van vandaag' }).waitFor();
      const summary = page.getByTestId('day-summary');
      const reported = await summary.locator('.summary-report').evaluateAll((rows) => rows.map((r) => [r.dataset.kind, r.dataset.received]));
      assert.deepEqual(
        reported,
        ['opening', 'turnout', 'ballot_stock', 'resupply_request', 'presence', 'presence', 'incident'].map((kind) => [kind, 'yes']),
        'every report so far, in order, each received',
      );
      await summary.locator('.summary-report[data-kind="turnout"]').getByText('120', { exact: true }).waitFor();
      await summary.locator('.summary-report[data-kind="resupply_request"]').getByText('500', { exact: true }).waitFor();
      await summary.getByText('De gemeente heeft elke melding hierboven ontvangen.').waitFor();
      assert.match(await summary.textContent(), /Afgedrukt op \d\d-\d\d-\d{4} om \d\d:\d\d/);
      await page.getByRole('main').getByRole('button', { name: 'Afdrukken' }).waitFor();
      await capture(page, 'summary');
      await page.emulateMedia({ media: 'print' });
      assert.ok(await summary.isVisible(), 'the summary is printed');
      assert.ok(!(await page.getByRole('navigation').isVisible()), 'the navigation is not printed');
      assert.ok(!(await page.getByRole('main').getByRole('button', { name: 'Afdrukken' }).isVisible()), 'nor the buttons');
      await page.emulateMedia({ media: 'screen' });

      // Closing: the closing checklist first, every item; then closing before closing
      // time is a warning the chair confirms.
      await nav(page, 'Sluiten');
      const close = page.getByRole('main').getByRole('button', { name: 'Stembureau sluiten' });
      const steps = await page.getByRole('main').getByRole('checkbox').all();
      assert.equal(steps.length, 4, 'the standard closing checklist');
      await page.getByText('Voor het sluiten (0 van 4)').waitFor();
      assert.ok(await close.isDisabled(), 'closing waits for the checklist');
      for (const step of steps.slice(0, -1)) await step.check();
      await page.getByText('Voor het sluiten (3 van 4)').waitFor();
      assert.ok(await close.isDisabled(), 'every item of the checklist');
      await steps[steps.length - 1].check();
      await page.getByText('Voor het sluiten (4 van 4)').waitFor();
      await close.click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      await capture(page, 'closing-confirmation');
      await dialog.getByRole('button', { name: 'Bevestigen en verzenden' }).click();
      // Closed: the core moves on to the result.
      await page.getByRole('heading', { name: 'Uitslag' }).waitFor();

      // The result: an error blocks, a warning must be confirmed.
      const fill = async (label, value) => page.getByLabel(label, { exact: true }).fill(String(value));
      await fill('A: stempassen', 100);
      await fill('D: toegelaten kiezers', 100);
      await fill('Lijst 1: Lijst Noord', 50);
      await fill('Lijst 2: Groen Rotterdam', 30);
      await fill('Lijst 3: Stadspartij', 15);
      await fill('E: stemmen op kandidaten', 90);
      await fill('F: blanco', 3);
      await fill('G: ongeldig', 2);
      await fill('H: uitgebrachte stemmen', 100);
      // Each figure says where it comes from, read out with its field.
      assert.equal(await page.getByLabel('H: uitgebrachte stemmen', { exact: true }).getAttribute('aria-describedby') !== null, true);
      await page.getByText('E + F + G: alle getelde stembiljetten.').waitFor();
      const submit = page.getByRole('main').getByRole('button', { name: 'Uitslag verzenden' });
      await page.locator('.issue-error').first().waitFor();
      assert.equal(await page.getByLabel('E: stemmen op kandidaten', { exact: true }).getAttribute('aria-invalid'), 'true', 'the field is marked');
      assert.ok(await submit.isDisabled(), 'an error blocks sending');
      await capture(page, 'result-error');
      await fill('E: stemmen op kandidaten', 95);
      await page.locator('.issue-error').first().waitFor({ state: 'detached' });
      await page.locator('.issue-warning').first().waitFor();
      await submit.click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Bevestigen en verzenden' }).click();
      // Sent: the core shows what is still on its way.
      await page.getByRole('heading', { name: 'Verzending' }).waitFor();
      await allConfirmed(page);
      const states = await page.locator('.operation').evaluateAll((ops) => ops.map((o) => o.dataset.state));
      assert.equal(states.length, 9, "opening, turnout, stock, resupply, arrival, shift change, incident, closing, result");
      assert.deepEqual([...new Set(states)], ['Confirmed'], 'every report confirmed');
      const shown = await page.locator('.operation strong').allTextContents();
      assert.ok(shown.some((t) => t.includes('Uitslag')) && shown.some((t) => t.includes('Aanvraag stembiljetten')), `Dutch names: ${shown}`);
      assert.ok(!shown.some((t) => /_/.test(t)), `no type names: ${shown}`);
      await capture(page, 'sync');

      const kinds = (await timeline(server, 'GM0599-1')).map((e) => e.kind);
      // Each report stored once, in the order the chair made it; the control room's
      // answer (message) between the incident and the closing.
      assert.deepEqual(kinds, ['opening', 'turnout', 'ballot_stock', 'resupply_request', 'presence', 'presence', 'incident', 'message', 'closing', 'provisional_result']);
      // The control room's station page shows them.
      await room.goto(`${server.base}/stations/GM0599-1`);
      await room.getByText('De hellingbaan ontbreekt').first().waitFor();
      await room.getByText('E. Visser').first().waitFor();
    });

    await test('offline mid-day: reports wait on the device, survive a reload, and arrive once, in order', async () => {
      const offline = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', serviceWorkers: 'allow' });
      const chairPage = await offline.newPage();
      await activate(chairPage, server, 1);
      await openStation(chairPage);
      await allConfirmed(chairPage);
      // The app is in the service worker's cache before the network goes.
      await chairPage.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      const before = (await timeline(server, 'GM0599-2')).length;

      await offline.setOffline(true);
      await chairPage.locator('.status[data-connection="Offline"], .status[data-connection="Connecting"], .status[data-connection="ServerNotAnswering"]').first().waitFor({ timeout: 30_000 });
      await nav(chairPage, 'Opkomst');
      for (const count of [200, 260, 310]) {
        await chairPage.getByLabel('Aantal kiezers tot nu toe').fill(String(count));
        await chairPage.getByRole('main').getByRole('button', { name: 'Opkomst verzenden' }).click();
        await chairPage.locator('.rows .row', { hasText: String(count) }).waitFor();
      }
      assert.equal(await chairPage.locator('.status').getAttribute('data-pending'), '3');
      await chairPage.locator('.status').getByRole('button', { name: 'Nu verbinden' }).waitFor();
      await capture(chairPage, 'offline');
      await chairPage.reload();
      await chairPage.getByRole('navigation').waitFor({ timeout: 15_000 });
      assert.equal(await chairPage.locator('.status').getAttribute('data-pending'), '3', 'still pending after a reload offline');
      assert.equal((await timeline(server, 'GM0599-2')).length, before, 'nothing reached the server');

      await offline.setOffline(false);
      // Back online, the app tries at once (the page's online event), not at the next retry.
      await allConfirmed(chairPage);
      const events = (await timeline(server, 'GM0599-2')).slice(before);
      const turnout = events.filter((e) => e.kind.startsWith('turnout'));
      const counts = turnout.map((e) => e.payload?.report?.turnout?.count);
      assert.deepEqual(counts, [200, 260, 310], `each once, in order: ${JSON.stringify(events.map((e) => e.payload))}`);
      const seqs = turnout.map((e) => e.payload.device_seq);
      assert.ok(seqs.every((n) => Number.isInteger(n)), `sequence numbers: ${seqs}`);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in the order the chair made them');
      await offline.close();
    });

    await test('the queue outside: one tap reports a long queue, the overview shows it and the server receives it', async () => {
      const context = await browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
      const chairPage = await context.newPage();
      await activate(chairPage, server, 2);
      await openStation(chairPage);
      const queue = chairPage.getByTestId('queue');
      await queue.getByRole('heading', { name: 'Wachtrij buiten' }).waitFor();
      const long = queue.getByRole('button', { name: 'Lange wachtrij', exact: true });
      for (const option of await queue.getByRole('group').getByRole('button').all()) {
        assert.equal(await option.getAttribute('aria-pressed'), 'false', 'nothing reported yet');
      }
      await long.click();
      await queue.getByRole('status').getByText(/^Lange wachtrij \(\d\d:\d\d\)$/).waitFor();
      assert.equal(await long.getAttribute('aria-pressed'), 'true', 'the reported option is pressed');
      assert.equal(await queue.getByRole('button', { name: 'Korte wachtrij', exact: true }).getAttribute('aria-pressed'), 'false');
      await axe(chairPage, 'queue reported');
      await allConfirmed(chairPage);
      const reports = (await timeline(server, 'GM0599-3')).filter((e) => e.kind === 'queue');
      assert.deepEqual(reports.map((e) => e.payload?.report?.queue?.length), ['long'], `received once: ${JSON.stringify(reports)}`);

      // A wait no queue has is refused by the core, and nothing is sent; a real one is
      // reported in minutes and replaces the long queue.
      const minutes = queue.getByLabel('Wachttijd in minuten');
      const report = queue.getByRole('button', { name: 'Wachttijd doorgeven' });
      await minutes.fill('400');
      await report.click();
      await chairPage.locator('.issue-error', { hasText: 'QUEUE_E01_MINUTES_OUT_OF_RANGE' }).waitFor();
      assert.equal(await long.getAttribute('aria-pressed'), 'true', 'the refused wait changed nothing');
      // The refused figure stays in its field, marked, to be corrected.
      assert.equal(await minutes.inputValue(), '400');
      assert.equal(await minutes.getAttribute('aria-invalid'), 'true');
      await minutes.fill('45');
      await report.click();
      await queue.getByRole('status').getByText(/^Ongeveer 45 minuten wachten \(\d\d:\d\d\)$/).waitFor();
      assert.equal(await long.getAttribute('aria-pressed'), 'false', 'no option says 45 minutes');
      await allConfirmed(chairPage);
      const lengths = (await timeline(server, 'GM0599-3')).filter((e) => e.kind === 'queue').map((e) => e.payload?.report?.queue?.length);
      assert.deepEqual(lengths, ['long', { minutes: 45 }], 'the refused wait never left the device');
      await context.close();
    });
  } finally {
    await browser.close();
    server.stop();
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
