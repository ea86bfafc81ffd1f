// End-to-end tests: Debian's Chromium driven by playwright-core against the real
// server with simulated stations. Takes screenshots of every page at phone and desktop
// widths (docs/screenshots/) and runs axe-core on every page.
//
// Needs: a built dist/ (npm run build) and target/debug/{kiesdag,dashboard-fixture,station}
// (or CARGO_TARGET_DIR's, or KIESDAG_BIN_DIR: see harness.mjs).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PASSWORD, ROOT, Server, Station } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CLOSES_IN_S = Number(process.env.E2E_CLOSES_IN ?? 60);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const results = [];
async function test(name, body) {
  // E2E_ONLY=<words>: only the tests whose name has them (while working on one).
  if (process.env.E2E_ONLY && !name.includes(process.env.E2E_ONLY)) return;
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

/**
 * The map's problem count and the alerts panel's count of stations agree (the alerts
 * are fetched at most once a second, so this waits for them); returns the count.
 */
async function problemsAgree(page) {
  await page.waitForFunction(
    () => {
      const panel = document.querySelector('[data-testid="alerted-stations"]')?.textContent?.match(/\d+/)?.[0] ?? '0';
      return document.querySelector('[data-testid="count-problem"]')?.textContent === panel;
    },
    null,
    { timeout: 5_000 },
  );
  return Number(await page.getByTestId('count-problem').textContent());
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
  return found.length;
}

/** Screenshots at both widths, and axe at both. */
async function capture(page, name) {
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: label === 'desktop' });
    await axe(page, `${name} (${label})`);
  }
}

/** No sideways scrolling at 320, 390 and 1280 px (WCAG 1.4.10); returns the offenders. */
async function overflow(page) {
  const wide = [];
  for (const width of [320, 390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForTimeout(100);
    const { scroll, inner, culprit } = await page.evaluate(() => {
      const inner = window.innerWidth;
      // The outermost element that sticks out, to say what to fix.
      const out = [...document.querySelectorAll('body *')].find((el) => el.getBoundingClientRect().right > inner + 1 && !el.closest('.scroll'));
      return { scroll: document.documentElement.scrollWidth, inner, culprit: out ? `${out.tagName.toLowerCase()}.${out.className}` : '' };
    });
    if (scroll > inner) wide.push(`${width} px: ${scroll} wide (${culprit})`);
  }
  await page.setViewportSize(DESKTOP);
  return wide;
}

async function signIn(page, base, username, path = '/control') {
  await page.goto(base + path);
  await page.getByLabel(/Gebruikersnaam|Username/).fill(username);
  await page.getByLabel(/Wachtwoord|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /Aanmelden|Sign in/ }).click();
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const server = await Server.start({ stations: 8, closesInSeconds: CLOSES_IN_S });
  const stations = [];
  const profile = mkdtempSync(join(tmpdir(), 'kiesdag-chromium-'));
  let browser;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      viewport: DESKTOP,
    });
    for (let i = 0; i < 5; i += 1) stations.push(await Station.activate(server, i));
    // Stations 1-4 open; 5 stays unopened. Station 4 closes and reports a result now,
    // before the election's closing time.
    for (const s of stations.slice(0, 4)) await s.send({ cmd: 'open' });
    await stations[0].send({ cmd: 'stock', received: 1500, remaining: 1400 });
    await stations[3].send({ cmd: 'turnout', count: 620 });
    await stations[3].send({ cmd: 'close' });
    await stations[3].send({ cmd: 'result', votes: [300, 200, 120] });
    const base = server.base;
    const page = browser.pages()[0] ?? (await browser.newPage());

    await test('public page shows no result before closing', async () => {
      assert.ok(Date.now() < server.closesAt, 'too late: the election already closed');
      await page.goto(`${base}/public/GM0599`);
      await page.getByTestId('no-results').waitFor();
      await page.getByText('1 van 8 stembureaus binnen').waitFor();
      assert.equal(await page.getByTestId('list-1').count(), 0);
      // The headline: the municipality's turnout, large, in Dutch figures.
      await page.getByTestId('headline-turnout').waitFor();
      assert.equal(await page.getByTestId('headline-turnout').textContent(), '4,6 % opkomst: 620 van de 13.600 verwachte kiezers');
      // Titled by the municipality's and the election's names, not a code.
      await page.getByRole('heading', { level: 1, name: 'Rotterdam: opkomst en uitslag' }).waitFor();
      await page.getByText('Gemeenteraadsverkiezing (test)').waitFor();
      await capture(page, 'public-before-closing');
    });

    await test('login page, and a wrong password is refused', async () => {
      await page.goto(`${base}/control`);
      await page.getByLabel('Gebruikersnaam').fill('coordinator');
      await page.getByLabel('Wachtwoord').fill('fout');
      await page.getByRole('button', { name: 'Aanmelden' }).click();
      await page.getByText('Onjuiste gebruikersnaam of wachtwoord.').waitFor();
      assert.deepEqual(await overflow(page), []);
      await capture(page, 'login');
    });

    await test("a chair's report appears in the control room within a second", async () => {
      await page.setViewportSize(DESKTOP);
      await signIn(page, base, 'coordinator');
      await page.locator('[data-connection="live"]').waitFor();
      const cell = page.locator('tr[data-station="GM0599-1"] [data-testid="turnout"]');
      await cell.waitFor();
      const started = Date.now();
      const sent = stations[0].send({ cmd: 'turnout', count: 321 });
      await page.waitForFunction(() => document.querySelector('tr[data-station="GM0599-1"] [data-testid="turnout"]')?.textContent === '321', null, { timeout: 5_000, polling: 'raf' });
      const elapsed = Date.now() - started;
      await sent;
      console.log(`     report to screen: ${elapsed} ms`);
      assert.ok(elapsed < 1_000, `took ${elapsed} ms`);
      // The counts follow the alerts, which the page fetches at most once a second: an
      // alert of the moment (a device heard late on a loaded machine) may stand for a
      // fetch or two. Stations 1-3 are open once it has cleared; what stood is said.
      await page
        .waitForFunction(() => document.querySelector('[data-testid="count-open"]')?.textContent === '3', null, { timeout: 5_000 })
        .catch(async () => {
          const counts = await page.locator('[data-testid^="count-"]').evaluateAll((els) => els.map((e) => `${e.dataset.testid}=${e.textContent}`));
          const alerts = await page.locator('[data-testid="alert"]').evaluateAll((els) => els.map((e) => `${e.dataset.station}:${e.dataset.kind}`));
          throw new Error(`three stations open; counts ${counts.join(' ')}; alerts ${alerts.join(' ')}`);
        });
      // The four not open an hour after opening time are problems, with their reason.
      assert.equal(await page.getByTestId('count-not_open').textContent(), '0');
      assert.ok((await problemsAgree(page)) >= 4);
    });

    await test('the finder: a queue tapped at a station reaches the control room and citizens, with its age', async () => {
      // Station 2 reports a long queue: the control room sees it in the list and as an alert.
      await stations[1].send({ cmd: 'queue', minutes: 45 });
      await stations[2].send({ cmd: 'queue', length: 'none' });
      await page.goto(`${base}/control`);
      await page.locator('[data-connection="live"]').waitFor();
      const cell = page.locator('tr[data-station="GM0599-2"] [data-testid="queue"]');
      await page.waitForFunction(() => document.querySelector('tr[data-station="GM0599-2"] [data-testid="queue"]')?.textContent?.startsWith('Ongeveer 45 minuten wachten'), null, { timeout: 5_000 });
      assert.match(await cell.textContent(), /^Ongeveer 45 minuten wachten \(\d\d:\d\d\)$/);
      await page.locator('tr[data-station="GM0599-2"] [data-testid="reasons"]', { hasText: 'Lange wachtrij' }).waitFor();
      // Citizens, on a phone, without signing in: every station, the queue with its age.
      const finder = await browser.newPage();
      await finder.setViewportSize(PHONE);
      // Measured, not asserted: a first visit on a slow phone (4x slower CPU, 1.6 Mbit/s
      // with 150 ms latency, no cache) until the list is there.
      const cdp = await browser.newCDPSession(finder);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 94_000 });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const visit = Date.now();
      await finder.goto(`${base}/stembureaus/GM0599`);
      await finder.getByRole('heading', { level: 1, name: 'Stembureaus in Rotterdam' }).waitFor();
      await finder.getByTestId('finder-count').getByText('8 van 8 stembureaus').waitFor();
      console.log(`     finder on a slow phone, first visit: ${Date.now() - visit} ms to the list`);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
      const two = finder.locator('[data-station="GM0599-2"]');
      assert.match(await two.getByTestId('queue').textContent(), /^Ongeveer 45 minuten wachten \(gemeld (< 1 min|1 minuut|\d+ minuten) geleden\)$/);
      await two.getByText('Nu open').waitFor();
      await finder.locator('[data-station="GM0599-5"]').getByText('Nog geen bericht van het stembureau').waitFor();
      assert.equal(await finder.locator('[data-station="GM0599-5"] [data-testid="queue"]').count(), 0);
      // Nothing else of the station's state: no turnout, no staff.
      const text = await finder.locator('main').textContent();
      for (const word of ['Opkomst', 'Anna', 'Leden', 'Meldingen']) assert.ok(!text.includes(word), `${word} on the finder`);
      // Any station will do in the Netherlands: the shortest queue first puts station 3 first.
      await finder.getByText('U mag stemmen in elk stembureau van uw gemeente').waitFor();
      await finder.getByLabel('Volgorde').selectOption('queue');
      assert.equal(await finder.locator('.finder-list > li').first().getAttribute('data-station'), 'GM0599-3');
      // Search by street and number; accessibility as the municipality stated it.
      await finder.getByLabel('Plaats, wijk, postcode of straat').fill('Straat 1');
      await finder.getByTestId('finder-count').getByText('1 van 8 stembureaus').waitFor();
      await finder.locator('[data-station="GM0599-1"] summary').click();
      await finder.getByText('Gebarentolk (NGT) op afstand: ja').waitFor();
      await finder.getByText('Toegankelijk voor rolstoelgebruikers: nee').waitFor();
      await finder.getByLabel('Plaats, wijk, postcode of straat').fill('');
      await finder.getByLabel('Alleen toegankelijk voor rolstoelgebruikers').check();
      await finder.getByTestId('finder-count').getByText('4 van 8 stembureaus').waitFor();
      await finder.getByLabel('Alleen toegankelijk voor rolstoelgebruikers').uncheck();
      // By location: standing at station 6, it comes first.
      const angle = 6 * 2.399;
      const radius = 0.01 + 0.004 * (6 % 7);
      await browser.grantPermissions(['geolocation']);
      await browser.setGeolocation({ latitude: 51.915 + radius * Math.sin(angle), longitude: 4.48 + 1.6 * radius * Math.cos(angle) });
      await finder.getByRole('button', { name: 'Gebruik mijn locatie' }).click();
      await finder.getByText('Gesorteerd op afstand tot uw locatie.').waitFor();
      assert.equal(await finder.locator('.finder-list > li').first().getAttribute('data-station'), 'GM0599-6');
      await capture(finder, 'finder');
      // In English on a switch.
      await finder.getByRole('button', { name: 'Switch to English' }).click();
      await finder.getByRole('heading', { level: 1, name: 'Polling stations in Rotterdam' }).waitFor();
      await two.getByText(/About 45 minutes. wait/).waitFor();
      await axe(finder, 'finder (English)');
      await finder.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
      await finder.getByRole('heading', { level: 1, name: 'Stembureaus in Rotterdam' }).waitFor();
      await finder.close();
      // The chair says it is short now: the alert goes, the control room shows it.
      await stations[1].send({ cmd: 'queue', length: 'short' });
      await page.waitForFunction(() => document.querySelector('tr[data-station="GM0599-2"] [data-testid="queue"]')?.textContent?.startsWith('Korte wachtrij'), null, { timeout: 5_000 });
    });

    await test('the control room filters, sorts and links alerts to the station', async () => {
      await page.getByLabel('Zoek op naam, nummer of wijk').fill('Stembureau 5');
      assert.equal(await page.locator('tbody tr').count(), 1);
      await page.getByLabel('Zoek op naam, nummer of wijk').fill('');
      // Every red station says why, and the panel counts the same stations as the map:
      // the four not open an hour after opening time are problems with their reason.
      await page.getByTestId('alerted-stations').waitFor();
      await problemsAgree(page);
      await page.getByRole('button', { name: /Probleem/ }).first().click();
      // The list shows the same stations (a report arriving meanwhile is in the
      // alerts within a second).
      await page.waitForFunction(
        () => String(document.querySelectorAll('tbody tr').length) === document.querySelector('[data-testid="alerted-stations"]')?.textContent?.match(/\d+/)?.[0],
        null,
        { timeout: 5_000 },
      );
      const reasons = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="reasons"]')?.textContent ?? ''));
      assert.ok(reasons.every((r) => r.length > 0), `every problem has its reason: ${JSON.stringify(reasons)}`);
      assert.equal(reasons.filter((r) => r.includes('Niet open op openingstijd: Niet open om')).length, 4, JSON.stringify(reasons));
      await page.getByRole('button', { name: /Probleem/ }).first().click();
      await capture(page, 'control-room');
    });

    await test('a coordinator marks an alert seen, then resolved: named, and no longer red', async () => {
      // From the control room's list of alerts to the station's page, where it is handled.
      await page.locator('[data-testid="alert"][data-station="GM0599-8"][data-kind="not_open"]').getByRole('link').click();
      await page.getByRole('heading', { name: /Stembureau 8/ }).waitFor();
      const alert = page.locator('[data-testid="alert"][data-kind="not_open"]');
      assert.equal(await page.locator('h1 .badge').textContent(), 'Probleem');
      await alert.getByRole('button', { name: /^Markeer als gezien/ }).click();
      // Seen: still a problem, with who and when beside it.
      await alert.getByTestId('handled').getByText(/Gezien door coordinator om \d\d:\d\d/).waitFor({ timeout: 5_000 });
      assert.equal(await page.locator('h1 .badge').textContent(), 'Probleem');
      assert.equal(await alert.getByRole('button', { name: /^Markeer als gezien/ }).count(), 0);
      await alert.getByRole('button', { name: /^Markeer als opgelost/ }).click();
      await alert.getByTestId('handled').getByText(/Opgelost door coordinator om \d\d:\d\d/).waitFor({ timeout: 5_000 });
      assert.equal(await alert.getByRole('button').count(), 0, 'nothing left to do on it');
      await page.locator('h1 .badge').getByText('Niet open').waitFor({ timeout: 5_000 });
      // The station's timeline says who did what.
      await page.getByText(/Niet open op openingstijd: opgelost \(coordinator\)/).first().waitFor({ timeout: 5_000 });
      await page.getByText(/Niet open op openingstijd: gezien \(coordinator\)/).first().waitFor({ timeout: 5_000 });
      await axe(page, 'station page with a handled alert');
      // Back in the control room: no longer a problem, on the map, in the counts and the list.
      await page.goto(`${base}/control`);
      await page.locator('[data-connection="live"]').waitFor();
      // (Other stations' alerts come and go with the clock meanwhile: this station's
      // row is what says it, and the map and panel still agree.)
      await page.locator('tr[data-station="GM0599-8"] .badge').getByText('Niet open').waitFor({ timeout: 5_000 });
      assert.equal(await page.locator('tr[data-station="GM0599-8"] [data-testid="reasons"]').count(), 0);
      await problemsAgree(page);
      await page
        .locator('[data-testid="alert"][data-station="GM0599-8"][data-kind="not_open"]')
        .getByTestId('handled')
        .getByText(/Opgelost door coordinator/)
        .waitFor({ timeout: 5_000 });
    });

    await test('by keyboard: a skip link first, and the map is one tab stop on the way to the list', async () => {
      await page.goto(`${base}/control`);
      await page.locator('svg.map circle').first().waitFor();
      // The skip link is the first stop and lands in the content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Naar de inhoud');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      // Without it, from the top to the list's search field: every stop counted.
      await page.goto(`${base}/control`);
      await page.locator('svg.map circle').first().waitFor();
      const stops = [];
      for (let i = 0; i < 500; i += 1) {
        await page.keyboard.press('Tab');
        const at = await page.evaluate(() => {
          const el = document.activeElement;
          return { id: el?.id ?? '', inMap: !!el?.closest('.map'), tag: el?.tagName ?? '' };
        });
        stops.push(at);
        if (at.id === 'list-search') break;
      }
      console.log(`     Tabs from the top to the station list: ${stops.length}`);
      assert.equal(stops.at(-1).id, 'list-search', 'the list was reached');
      assert.equal(stops.filter((s) => s.inMap).length, 1, 'the map is one tab stop');
      assert.ok(stops.length <= 30, `${stops.length} Tabs`);
      // The map's accessible alternative is named on it, and one link away.
      assert.match(await page.locator('svg.map').getAttribute('aria-label'), /8 stembureaus.*lijst hieronder/);
      await page.getByRole('link', { name: 'Naar de lijst van stembureaus' }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'list-search');
      // A mouse still opens a station from its dot.
      await page.locator('svg.map circle[data-station="GM0599-1"]').click({ force: true });
      await page.getByRole('heading', { name: /Stembureau 1: Stembureau 1/ }).waitFor();
      await page.goBack();
    });

    let incidentId;
    await test('an incident goes round trip: station reports, coordinator answers, station sees it', async () => {
      ({ incident_id: incidentId } = await stations[1].send({ cmd: 'incident', text: 'Geen hellingbaan bij de ingang' }));
      await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
      const card = page.locator(`[data-incident="${incidentId}"]`);
      await card.waitFor({ timeout: 5_000 });
      // In Dutch, with who has it and for how long, before anyone took it.
      assert.equal(await card.getByTestId('incident-kind').textContent(), 'Soort: Toegankelijkheid');
      assert.equal(await card.getByTestId('incident-severity').textContent(), 'Ernst: Hoog');
      assert.equal(await card.getByTestId('incident-assignee').textContent(), '(niemand)');
      assert.match(await card.getByTestId('incident-age').textContent(), /^(< 1 min|\d+ minuten?)$/);
      await card.getByRole('button', { name: 'In behandeling' }).click();
      await card.getByTestId('incident-status').getByText('In behandeling').waitFor();
      const assigned = (name) => card.getByTestId('incident-assignee').filter({ hasText: new RegExp(`^${name}$`) });
      await assigned('coordinator').waitFor();
      // Assigned to a colleague from the municipality's control room staff.
      const select = card.getByLabel('Toegewezen aan');
      await select.locator('option', { hasText: 'coordinator2' }).waitFor({ state: 'attached' });
      const offered = await select.locator('option').allTextContents();
      assert.deepEqual(offered, ['(niemand)', 'coordinator', 'coordinator2'], 'the coordinators only');
      await select.selectOption('coordinator2');
      await card.getByRole('button', { name: 'Toewijzen' }).click();
      await assigned('coordinator2').waitFor();
      assert.equal(await select.inputValue(), 'coordinator2');
      await card.getByTestId('incident-status').getByText('In behandeling').waitFor();
      await card.getByLabel('Antwoord aan het stembureau').fill('Gemeentewerken komt eraan');
      await card.getByRole('button', { name: 'Versturen' }).click();
      await stations[1].send({ cmd: 'wait_text', text: 'Gemeentewerken komt eraan', timeout_ms: 10_000 });
      await stations[1].send({ cmd: 'incident_message', incident_id: incidentId, text: 'Dank, we wachten' });
      await card.getByText('Dank, we wachten').waitFor({ timeout: 5_000 });
      await capture(page, 'incidents');
    });

    await test('the incident queue is a worklist: open first, oldest first, by district, in either language', async () => {
      const { incident_id: later } = await stations[2].send({ cmd: 'incident', text: 'Stembus klemt' });
      const open = page.getByTestId('queue-open');
      await open.locator(`[data-incident="${later}"]`).waitFor({ timeout: 5_000 });
      const order = await open.locator('[data-incident]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-incident')));
      assert.deepEqual(order, [incidentId, later], 'the older incident first');
      // Station 2 lies in Zuid, station 3 in Noord.
      await page.getByTestId('incident-district').selectOption('Zuid');
      assert.deepEqual(await open.locator('[data-incident]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-incident'))), [incidentId]);
      await page.getByTestId('incident-district').selectOption('Noord');
      assert.deepEqual(await open.locator('[data-incident]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-incident'))), [later]);
      await page.getByTestId('incident-district').selectOption('');
      await page.getByRole('button', { name: 'English' }).click();
      const card = page.locator(`[data-incident="${later}"]`);
      assert.equal(await card.getByTestId('incident-kind').textContent(), 'Kind: Accessibility');
      assert.equal(await card.getByTestId('incident-severity').textContent(), 'Severity: High');
      assert.equal(await card.getByTestId('incident-assignee').textContent(), '(nobody)');
      await page.getByRole('button', { name: 'Nederlands' }).click();
      await page.getByRole('heading', { name: 'Meldingen' }).waitFor();
    });

    await test('a message goes only to the stations chosen; to all only after a confirmation', async () => {
      await page.goto(`${base}/incidents`);
      const form = page.locator('section[aria-labelledby="broadcast"]');
      await form.getByRole('radio', { name: /Selectie/ }).check();
      await form.getByRole('textbox', { name: /Selectie/ }).fill('2, 99');
      await form.getByLabel('Bericht').fill('Alleen voor bureau 2');
      await form.getByRole('button', { name: 'Versturen' }).click();
      // A typo names the number and sends nothing (the API would refuse it too).
      await form.getByText('Geen stembureau met nummer: 99').waitFor();
      await form.getByRole('textbox', { name: /Selectie/ }).fill('2');
      await form.getByText('Aantal ontvangers: 1').waitFor();
      await form.getByRole('button', { name: 'Versturen' }).click();
      await form.getByText(/Verstuurd/).waitFor();
      await stations[1].send({ cmd: 'wait_text', text: 'Alleen voor bureau 2', timeout_ms: 10_000 });
      // All stations: the count first, then a second, explicit click.
      await form.getByRole('radio', { name: 'Alle stembureaus' }).check();
      await form.getByText('Aantal ontvangers: 8').waitFor();
      await form.getByLabel('Bericht').fill('Aan alle bureaus: koffie staat klaar');
      await form.getByRole('button', { name: 'Versturen' }).click();
      await form.getByRole('alert').getByText(/gaat naar alle stembureaus/).waitFor();
      await form.getByRole('button', { name: 'Ja, verstuur naar alle stembureaus' }).click();
      await form.getByText(/Verstuurd/).waitFor();
      await stations[0].send({ cmd: 'wait_text', text: 'Aan alle bureaus: koffie staat klaar', timeout_ms: 10_000 });
    });

    await test('station detail: arrivals, departures and a shift change show, and one bad line never blanks the page', async () => {
      // Station 1 opened with Anna, Bram and Chris.
      await stations[0].send({ cmd: 'arrived', name: 'Dirk', role: 'member' });
      await stations[0].send({ cmd: 'departed', name: 'Anna' });
      await stations[0].send({ cmd: 'shift_change', leaving: ['Bram', 'Chris'], arriving: [{ name: 'Eva', role: 'chair' }, { name: 'Fenna', role: 'counter' }] });
      await page.goto(`${base}/stations/GM0599-1`);
      const timeline = page.getByTestId('timeline');
      await timeline.getByText('aangekomen: Dirk (stembureaulid)').waitFor();
      await timeline.getByText('vertrokken: Anna').waitFor();
      await timeline.getByText('ploegwissel: weg Bram, Chris; erbij Eva (voorzitter), Fenna (teller)').waitFor();
      assert.deepEqual(await page.getByTestId('members-present').locator('li').allTextContents(), ['Dirk', 'Eva', 'Fenna']);
      assert.equal(await page.locator('[data-boundary]').count(), 0, 'nothing failed to render');
      // A line the page cannot render (a time that is no time) shows as such, alone.
      await page.route('**/api/stations/GM0599-1/timeline', async (route) => {
        // A request the page gave up on (it reloads, or asks again) cannot be answered;
        // the one it waits for is.
        try {
          const body = await (await route.fetch()).json();
          body.events.push({ ...body.events.at(-1), seq: 1e9, recorded_at: 'geen tijd' });
          await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
        } catch (error) {
          if (!String(error).includes('already handled')) throw error;
        }
      });
      await page.reload();
      await timeline.locator('[data-boundary="row"]').getByText('Deze regel kan niet worden getoond').waitFor();
      await timeline.getByText('vertrokken: Anna').waitFor();
      await page.getByRole('heading', { name: /Stembureau 1: Stembureau 1/ }).waitFor();
      assert.equal(await page.locator('[data-boundary]').count(), 1, 'only the bad line');
      await page.unroute('**/api/stations/GM0599-1/timeline');
    });

    await test('station detail: timeline, stock, staff and a message to the station', async () => {
      await page.goto(`${base}/stations/GM0599-1`);
      await page.getByRole('heading', { name: /Stembureau 1: Stembureau 1/ }).waitFor();
      await page.getByTestId('members-present').getByText('Eva').waitFor();
      await page.getByText('1.500').first().waitFor();
      await page.getByLabel('Bericht versturen').fill('Denk aan de opkomst van 13:00');
      await page.getByRole('button', { name: 'Versturen' }).click();
      await stations[0].send({ cmd: 'wait_text', text: 'Denk aan de opkomst van 13:00', timeout_ms: 10_000 });
      await page.locator('.timeline').getByText('Denk aan de opkomst van 13:00').waitFor();
      await capture(page, 'station-detail');
    });

    await test('a dropped dashboard connection shows, resumes, and misses nothing', async () => {
      await page.goto(`${base}/control`);
      await page.locator('[data-connection="live"]').waitFor();
      await page.evaluate(() => window.__kiesdag.connection.drop(2_500));
      await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 2_000 });
      assert.match(await page.getByRole('status').first().textContent(), /Verbinding verbroken/);
      for (const count of [400, 450, 500]) await stations[0].send({ cmd: 'turnout', count });
      await stations[2].send({ cmd: 'incident', text: 'Printer kapot' });
      await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => document.querySelector('tr[data-station="GM0599-1"] [data-testid="turnout"]')?.textContent === '500', null, { timeout: 5_000 });
      const feed = await page.getByTestId('recent').textContent();
      for (const count of ['400', '450', '500']) assert.ok(feed.includes(`Opkomst: ${count}`), `missing ${count} in ${feed}`);
      await problemsAgree(page);
      await page.locator('tr[data-station="GM0599-3"] [data-testid="reasons"]', { hasText: /Open meldingen: \d+ melding/ }).waitFor({ timeout: 5_000 });
      // Sequence numbers applied without a gap: every change of the election arrived once.
      const seqs = await page.evaluate(() => window.__kiesdag.state().recent.map((c) => c.seq));
      const sorted = [...seqs].sort((a, b) => b - a);
      assert.deepEqual(seqs, sorted);
      assert.equal(new Set(seqs).size, seqs.length);
    });

    await test('an expired session returns to login and keeps what was typed', async () => {
      await page.goto(`${base}/stations/GM0599-2`);
      // Settled first: the page reloads the timeline once the snapshot is in, and that
      // request, not the click below, would otherwise be the one to find the session over.
      await page.locator('[data-connection="live"]').waitFor();
      await page.waitForLoadState('networkidle');
      const box = page.getByLabel('Bericht versturen');
      await box.fill('Half getypt bericht');
      await page.evaluate(() => {
        const s = JSON.parse(sessionStorage.getItem('kiesdag.session'));
        sessionStorage.setItem('kiesdag.session', JSON.stringify({ ...s, accessToken: 'verlopen', refreshToken: 'verlopen' }));
      });
      await page.getByRole('button', { name: 'Versturen' }).click();
      await page.getByText('Uw sessie is verlopen').waitFor();
      await signIn(page, base, 'coordinator', '/stations/GM0599-2');
      assert.equal(await page.getByLabel('Bericht versturen').inputValue(), 'Half getypt bericht');
    });

    await test('a server error shows a message, not a blank page', async () => {
      await page.route('**/api/municipalities/*/turnout', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"unavailable","message":"database does not answer"}' }));
      await page.goto(`${base}/turnout`);
      await page.getByRole('alert').getByText(/database does not answer/).waitFor();
      await page.unroute('**/api/municipalities/*/turnout');
      // A live change may reload the page's data before the button is pressed.
      await page.getByRole('button', { name: 'Opnieuw proberen' }).click({ timeout: 2_000 }).catch(() => {});
      await page.getByRole('heading', { name: 'Opkomst' }).waitFor();
    });

    await test('turnout page: table, chart and CSV export, one figure per unit, in Dutch', async () => {
      await page.getByRole('cell', { name: 'Gemeente' }).or(page.getByRole('rowheader', { name: 'Gemeente' })).waitFor();
      await page.getByTestId('turnout-chart').waitFor();
      // Drawn, not only placed: the Content-Security-Policy must let its blob: image in.
      await page.waitForFunction(() => {
        const chart = document.querySelector('[data-testid="turnout-chart"]');
        return chart instanceof HTMLImageElement && chart.complete && chart.naturalWidth > 0;
      }, null, { timeout: 10_000 });
      // One figure per unit: the chart's legend says what the table says.
      const byUnit = (selector, cell) => page.locator(`${selector} [data-unit]`).evaluateAll((rows, c) => Object.fromEntries(rows.map((r) => [r.dataset.unit, r.querySelector(`[data-testid="${c}"]`).textContent])), cell);
      const table = await byUnit('table', 'figure');
      assert.deepEqual(await byUnit('[data-testid="chart-legend"]', 'legend-figure'), table);
      assert.deepEqual(Object.keys(table).sort(), ['', 'Noord', 'Zuid']);
      // The server's chart (plotters): its axes in Dutch, and its legend names the
      // table's figure for every unit.
      const svgDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Grafiek (SVG)' }).click();
      const svg = readFileSync(await (await svgDownload).path(), 'utf8');
      for (const text of ['Tijd', 'Opkomst (% van de verwachte kiezers)', '100 %']) assert.ok(svg.includes(text), `axis text ${text}`);
      for (const [unit, figure] of Object.entries(table)) {
        assert.ok(svg.includes(`${unit || 'Gemeente'} (${figure})`), `the chart's legend names ${unit || 'Gemeente'}'s figure ${figure}`);
      }
      const pngDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Grafiek (PNG)' }).click();
      const png = readFileSync(await (await pngDownload).path());
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Exporteer CSV' }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /opkomst-GM0599\.csv/);
      // Dutch figures in the page and the export: a decimal comma, ';' between fields.
      const municipalityRow = page.getByRole('row', { name: /^Gemeente/ });
      assert.match(await municipalityRow.getByTestId('figure').textContent(), /^\d+,\d %$/);
      assert.match(await municipalityRow.getByTestId('expected').textContent(), /^\d{1,3}\.\d{3}$/, 'expected voters grouped: 13.600');
      const csv = readFileSync(await file.path(), 'utf8').replace(/^\ufeff/, '').split('\r\n');
      assert.equal(csv[0], 'Stembureau-id;Nummer;Naam;Wijk;Verwachte kiezers;Opkomst (kiezers);Opkomst (%);Tijd');
      const reported = csv.find((l) => l.startsWith('GM0599-4;'));
      assert.match(reported, /^GM0599-4;4;Stembureau 4;[A-Za-z]+;1900;620;32,6;\d\d:\d\d$/);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Turnout' }).waitFor();
      assert.match(await page.getByRole('row', { name: /^Municipality/ }).getByTestId('figure').textContent(), /^\d+\.\d%$/);
      const english = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const englishCsv = readFileSync(await (await english).path(), 'utf8').replace(/^\ufeff/, '').split('\r\n');
      assert.equal(englishCsv[0], 'Station id,Number,Name,District,Expected voters,Turnout (voters),Turnout (%),Time');
      assert.match(englishCsv.find((l) => l.startsWith('GM0599-4,')), /,620,32\.6,/);
      await page.getByRole('button', { name: 'Nederlands' }).click();
      await capture(page, 'turnout');
    });

    await test('results page: per list, completeness and the server\'s seat allocation', async () => {
      await page.goto(`${base}/results`);
      await page.getByTestId('completeness').getByText('1 van 8 stembureaus binnen').waitFor();
      assert.equal(await page.getByTestId('list-1').textContent(), '300');
      // The lists by their names, in the table per list, the seats and per district.
      await page.getByRole('rowheader', { name: '1. Lijst Noord' }).first().waitFor();
      assert.equal(await page.getByRole('rowheader', { name: '2. Groen Rotterdam' }).count(), 2, 'votes per list and the seats');
      assert.ok((await page.getByRole('columnheader', { name: '3. Stadspartij' }).count()) >= 1, 'per district');
      assert.equal(await page.getByRole('rowheader', { name: /^Lijst \d$/ }).count(), 0);
      // The export in Dutch, its lists named as the election names them.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Exporteer CSV' }).click();
      const csv = readFileSync(await (await download).path(), 'utf8').replace(/^\ufeff/, '').split('\r\n');
      assert.equal(csv[0], 'Gebied;Stembureaus;Stembureaus binnen;Toegelaten kiezers;Uitgebrachte stemmen;Blanco;Ongeldig;1. Lijst Noord;2. Groen Rotterdam;3. Stadspartij');
      await page.getByText('Zetelverdeling (voorlopig)').waitFor();
      await page.getByTestId('seat-method').getByText('Kiesdeler en grootste gemiddelden', { exact: false }).waitFor();
      assert.equal(await page.getByRole('spinbutton').count(), 0, 'no seats to type in');
      await capture(page, 'results');
    });

    await test("counting offices (Flanders, paper voting): the chair links, claims, enters a checked result, stores and locks it; a coordinator sees it held and locked and cannot enter", async () => {
      // A server of its own: dashboard-fixture's Flemish paper municipality 46021, six
      // stations no office counts for yet (1-3 subarea Centrum, 4-6 Tereken, 400 voters
      // each), its chair `hoofdbureau` (administrator) and a coordinator `telbureau`.
      const flemish = await Server.start({ stations: 1, closesInSeconds: 3_600, fixtureArgs: ['--flemish-offices'] });
      const chair = await browser.newPage();
      const other = await browser.newPage();
      try {
        await chair.setViewportSize(DESKTOP);
        await signIn(chair, flemish.base, 'hoofdbureau', '/telbureaus');
        await chair.getByRole('heading', { level: 1, name: 'Telbureaus' }).waitFor();
        await chair.getByText('Nog geen telbureau gekoppeld.').waitFor();
        assert.equal(await chair.getByTestId('unlinked').locator('li').count(), 6);
        // The menu has the page for every municipality's staff.
        assert.equal(await chair.getByRole('link', { name: 'Telbureaus' }).getAttribute('aria-current'), 'page');

        // Link office 1 to stations 1-3: only stations no office counts for are offered.
        const link = chair.locator('form', { has: chair.getByLabel('Nummer van het telbureau') });
        assert.equal(await chair.getByLabel('Nummer van het telbureau').inputValue(), '1');
        for (const n of [1, 2, 3]) await link.getByLabel(`Stembureau ${n} SINT-NIKLAAS-00${n} (deelgebied Centrum)`).check();
        await link.getByRole('button', { name: 'Telbureau 1 koppelen aan de gekozen stembureaus' }).click();
        await chair.getByTestId('offices-status').getByText('Telbureau 1 is gekoppeld aan stembureau 1, 2, 3.').waitFor();
        const one = chair.locator('[data-office="1"]');
        await one.getByRole('heading', { level: 2, name: 'Telbureau 1' }).waitFor();
        await one.getByText('Stembureau 2 SINT-NIKLAAS-002 (deelgebied Centrum)').waitFor();
        assert.equal(await one.getByTestId('office-state').textContent(), 'Vrij; nog geen uitslag');
        await chair.getByTestId('unlinked').locator('li').nth(2).waitFor();
        assert.equal(await chair.getByTestId('unlinked').locator('li').count(), 3);
        assert.equal(await link.getByLabel(/SINT-NIKLAAS-001/).count(), 0, 'a linked station is not offered again');
        // Office 2 counts for stations 4-6.
        assert.equal(await chair.getByLabel('Nummer van het telbureau').inputValue(), '2');
        for (const n of [4, 5, 6]) await link.getByLabel(`Stembureau ${n} SINT-NIKLAAS-00${n} (deelgebied Tereken)`).check();
        await link.getByRole('button', { name: 'Telbureau 2 koppelen aan de gekozen stembureaus' }).click();
        await chair.getByText('Elk stembureau hoort bij een telbureau.').waitFor();

        // Claim office 1: the button says what it does.
        await one.getByRole('button', { name: 'Telbureau 1 claimen en de uitslag invoeren' }).click();
        await chair.getByTestId('offices-status').getByText('U voert telbureau 1 nu in').waitFor();
        const form = one.getByTestId('entry-form');
        await form.waitFor();
        assert.match(await one.getByTestId('office-state').textContent(), /^U voert dit telbureau in \(sinds \d\d:\d\d\); nog geen uitslag$/);
        // A figure typed survives a reload (the draft), as it would an expired session.
        await form.getByLabel('A: stempassen').fill('1000');
        await chair.reload();
        await chair.locator('[data-office="1"]').getByTestId('entry-form').waitFor();
        assert.equal(await form.getByLabel('A: stempassen').inputValue(), '1000');
        // One field per list, by the lists' names; a sum that does not add up.
        const figures = {
          'B: volmachtbewijzen': '0',
          'C: kiezerspassen': '0',
          'D: toegelaten kiezers': '1000',
          '1. Lijst Centrum': '500',
          '2. Groen Waasland': '200',
          '3. Stadslijst': '200',
          '4. Burgerlijst': '90',
          'E: stemmen op kandidaten': '990',
          'F: blanco': '60',
          'G: ongeldig': '4',
          'H: uitgebrachte stemmen': '1000',
        };
        for (const [label, value] of Object.entries(figures)) await form.getByLabel(label, { exact: true }).fill(value);
        await form.getByRole('button', { name: 'Controleren' }).click();
        await form.getByTestId('check-summary').getByText(/^Fouten: 1; waarschuwingen: 1\./).waitFor();
        for (const label of ['E: stemmen op kandidaten', 'F: blanco', 'G: ongeldig', 'H: uitgebrachte stemmen']) {
          assert.equal(await form.getByLabel(label, { exact: true }).getAttribute('aria-invalid'), 'true', label);
        }
        assert.equal(await form.getByLabel('A: stempassen').getAttribute('aria-invalid'), null);
        // The rule's message is the field's description; errors block storing.
        assert.match(await form.getByLabel('H: uitgebrachte stemmen').evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')).textContent), /\(E\+F\+G\)/);
        assert.equal(await form.getByRole('button', { name: 'Uitslag van telbureau 1 opslaan' }).isDisabled(), true);
        // Corrected: the check is stale until it runs again; then it passes and is stored.
        await form.getByLabel('F: blanco').fill('6');
        await form.getByTestId('check-summary').getByText('De cijfers zijn gewijzigd na de controle: controleer opnieuw.').waitFor();
        await form.getByRole('button', { name: 'Controleren' }).click();
        await form.getByTestId('check-summary').getByText('De uitslag klopt volgens de regels. U kunt hem opslaan.').waitFor();
        assert.equal(await form.locator('[aria-invalid="true"]').count(), 0);
        await form.getByRole('button', { name: 'Uitslag van telbureau 1 opslaan' }).click();
        await chair.getByTestId('offices-status').getByText('De uitslag van telbureau 1 is opgeslagen en het telbureau is vrijgegeven.').waitFor();
        await one.getByTestId('office-state').getByText(/^Vrij; uitslag ingevoerd om \d\d:\d\d, volledig$/).waitFor();
        assert.equal(await one.getByTestId('entry-form').count(), 0);

        // Office 2 with the same figures: "dubbele ingave?" is a warning, stored only
        // once confirmed explicitly.
        const two = chair.locator('[data-office="2"]');
        await two.getByRole('button', { name: 'Telbureau 2 claimen en de uitslag invoeren' }).click();
        const form2 = two.getByTestId('entry-form');
        await form2.waitFor();
        for (const [label, value] of Object.entries({ ...figures, 'A: stempassen': '1000', 'F: blanco': '6' })) await form2.getByLabel(label, { exact: true }).fill(value);
        await form2.getByRole('button', { name: 'Controleren' }).click();
        await form2.getByTestId('check-summary').getByText('Geen fouten; waarschuwingen: 1.', { exact: false }).waitFor();
        await form2.getByTestId('check-issues').getByText('Dubbele ingave van eenzelfde telbureau?', { exact: false }).waitFor();
        const store2 = form2.getByRole('button', { name: 'Uitslag van telbureau 2 opslaan' });
        assert.equal(await store2.isDisabled(), true, 'warnings not confirmed yet');
        assert.deepEqual(await overflow(chair), []);
        await chair.evaluate(() => window.scrollTo(0, 0));
        await capture(chair, 'counting-offices');
        await form2.getByLabel('Ik heb de waarschuwingen nagekeken', { exact: false }).check();
        assert.equal(await store2.isDisabled(), false);
        // The chair holds office 2 again afterwards, for the coordinator to see.
        await store2.click();
        await two.getByTestId('office-state').getByText('met bevestigde waarschuwingen', { exact: false }).waitFor();
        await two.getByRole('button', { name: 'Telbureau 2 claimen en de uitslag invoeren' }).click();
        await two.getByTestId('entry-form').waitFor();

        // Lock office 1, after a confirmation that says what it does.
        await one.getByRole('button', { name: 'Telbureau 1 vergrendelen' }).click();
        await one.getByTestId('confirm').getByText('Daarna kan niemand de uitslag nog invoeren of wijzigen', { exact: false }).waitFor();
        await one.getByRole('button', { name: 'Ja, telbureau 1 vergrendelen' }).click();
        await chair.getByTestId('offices-status').getByText('Telbureau 1 is vergrendeld.').waitFor();
        await one.getByTestId('office-state').getByText(/Vergrendeld door hoofdbureau om \d\d:\d\d; uitslag ingevoerd/).waitFor();
        await one.getByRole('button', { name: 'Telbureau 1 ontgrendelen' }).waitFor();

        // A coordinator: office 1 locked, no entry; office 2 held by the chair, taken
        // over only after a question naming the holder; no linking, no locking.
        await signIn(other, flemish.base, 'telbureau', '/telbureaus');
        const otherOne = other.locator('[data-office="1"]');
        await otherOne.getByTestId('office-state').getByText(/Vergrendeld door hoofdbureau/).waitFor();
        await otherOne.getByText('Invoeren kan niet: het telbureau is vergrendeld.').waitFor();
        assert.equal(await otherOne.locator('button').count(), 0, 'nothing to do on a locked office');
        const otherTwo = other.locator('[data-office="2"]');
        await otherTwo.getByTestId('office-state').getByText(/^In gebruik door hoofdbureau sinds \d\d:\d\d/).waitFor();
        assert.equal(await otherTwo.getByTestId('entry-form').count(), 0);
        await otherTwo.getByRole('button', { name: 'Overnemen' }).click();
        await otherTwo.getByTestId('confirm').getByText(/^hoofdbureau voert telbureau 2 in sinds \d\d:\d\d\. Als u het overneemt, kan hoofdbureau niets meer opslaan/).waitFor();
        await otherTwo.getByRole('button', { name: 'Ja, telbureau 2 overnemen van hoofdbureau' }).waitFor();
        await otherTwo.getByRole('button', { name: 'Annuleren' }).click();
        assert.equal(await otherTwo.getByTestId('entry-form').count(), 0, 'nothing taken over without the confirmation');
        assert.equal(await other.getByRole('heading', { name: 'Telbureau koppelen' }).count(), 0);
        assert.equal(await other.getByRole('button', { name: /vergrendelen|ontgrendelen/ }).count(), 0);
        // The server refuses the coordinator's claim on the locked office too.
        const refused = await other.evaluate(async () => {
          const s = JSON.parse(sessionStorage.getItem('kiesdag.session'));
          const r = await fetch('/api/municipalities/46021/counting-offices/1/claim', { method: 'POST', headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' }, body: '{}' });
          return [r.status, (await r.json()).code];
        });
        assert.equal(refused[1], 'locked', `claim on a locked office: ${refused}`);
        await axe(other, 'counting offices (coordinator)');
        // In English on the switch.
        await other.getByRole('button', { name: 'Switch to English' }).click();
        await other.getByRole('heading', { level: 1, name: 'Counting offices' }).waitFor();
        await otherTwo.getByTestId('office-state').getByText(/^Held by hoofdbureau since/).waitFor();
        await other.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
        // Confirmed, the take-over names the holder asked about, and the coordinator
        // holds office 2.
        await otherTwo.getByRole('button', { name: 'Overnemen' }).click();
        await otherTwo.getByRole('button', { name: 'Ja, telbureau 2 overnemen van hoofdbureau' }).click();
        await otherTwo.getByTestId('entry-form').waitFor();
        await otherTwo.getByTestId('office-state').getByText(/^U voert dit telbureau in \(sinds \d\d:\d\d\)/).waitFor();
        // The results page lists the offices with their figures, the locked one marked.
        await other.goto(`${flemish.base}/results`);
        const perOffice = other.getByRole('table', { name: 'Per telbureau' });
        await perOffice.getByRole('rowheader', { name: 'Telbureau 1 (vergrendeld)' }).waitFor();
        await perOffice.getByRole('rowheader', { name: 'Telbureau 2', exact: true }).waitFor();
      } finally {
        await chair.close();
        await other.close();
        flemish.stop();
      }
    });

    await test('every page reflows at 320, 390 and 1280 px: no sideways scrolling', async () => {
      const wide = {};
      for (const path of ['/control', '/incidents', '/stations/GM0599-1', '/turnout', '/results', '/telbureaus', '/public/GM0599']) {
        await page.goto(base + path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const found = await overflow(page);
        if (found.length) wide[path] = found;
      }
      assert.deepEqual(wide, {});
    });

    await test('a viewer cannot open coordinator pages, and may open turnout as the API allows', async () => {
      // A new tab has its own session storage: a separate sign-in.
      const other = await browser.newPage();
      const asked = [];
      other.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await signIn(other, base, 'viewer', '/control');
      await other.locator('[data-connection="live"]').waitFor();
      assert.equal(await other.getByRole('link', { name: 'Meldingen' }).count(), 0);
      await other.locator('svg.map circle').first().waitFor();
      assert.equal(await other.locator('svg.map a').count(), 0, 'no links to station pages on the map');
      assert.equal(await other.locator('tbody a').count(), 0, 'no links to station pages in the list');
      // Turnout is public anyway: the viewer's menu has it, and the page opens.
      await other.getByRole('link', { name: 'Opkomst' }).click();
      await other.getByRole('heading', { name: 'Opkomst' }).waitFor();
      assert.equal(await other.getByText('Geen toegang').count(), 0);
      for (const path of ['/incidents', '/stations/GM0599-1']) {
        await other.goto(base + path);
        await other.getByText('Geen toegang').waitFor();
        assert.equal(await other.locator('[data-incident]').count(), 0);
      }
      assert.ok(!asked.some((p) => p.endsWith('/incidents') && p.startsWith('/api/')), `asked ${asked}`);
      const status = await other.evaluate(async () => {
        const s = JSON.parse(sessionStorage.getItem('kiesdag.session'));
        const r = await fetch('/api/municipalities/GM0599/incidents', { headers: { authorization: `Bearer ${s.accessToken}` } });
        return r.status;
      });
      assert.equal(status, 403, 'the server refuses the viewer too');
      await other.close();
    });

    await test('an administrator bound to no municipality is asked to choose one; nothing assumes one', async () => {
      const other = await browser.newPage();
      const asked = [];
      other.on('request', (r) => asked.push(new URL(r.url()).pathname));
      // The fixture has no unbound administrator: the token response says "none".
      await other.route('**/api/login', async (route) => {
        const body = await (await route.fetch()).json();
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...body, municipality: null }) });
      });
      await signIn(other, base, 'coordinator', '/turnout');
      const choice = other.getByTestId('choose-municipality');
      await choice.getByText('Uw account hoort niet bij één gemeente').waitFor();
      assert.equal(await other.getByRole('link', { name: 'Publieke pagina' }).count(), 0);
      await other.waitForTimeout(300);
      assert.deepEqual(asked.filter((p) => p.includes('/municipalities/') || p.startsWith('/ws/')), [], 'nothing asked before the choice');
      await choice.getByLabel('Gemeentecode').fill('gm 0599');
      await choice.getByRole('button', { name: 'Tonen' }).click();
      await choice.getByText('Dit is geen gemeentecode').waitFor();
      await choice.getByLabel('Gemeentecode').fill('gm0599');
      await choice.getByRole('button', { name: 'Tonen' }).click();
      await other.getByRole('heading', { name: 'Opkomst' }).waitFor();
      await other.locator('[data-connection="live"]').waitFor();
      assert.ok(asked.includes('/api/municipalities/GM0599/turnout'), `asked ${asked}`);
      await other.getByRole('button', { name: 'Andere gemeente (GM0599)' }).click();
      await other.getByTestId('choose-municipality').waitFor();
      await other.close();
    });

    await test('the public page without a municipality asks which, and shows none by default', async () => {
      const other = await browser.newPage();
      const asked = [];
      other.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await other.goto(`${base}/public`);
      const choice = other.getByTestId('choose-municipality');
      await choice.getByText('Welke gemeente?').waitFor();
      assert.deepEqual(asked.filter((p) => p.startsWith('/api/')), []);
      await choice.getByLabel('Gemeentecode').fill('GM0599');
      await choice.getByRole('button', { name: 'Tonen' }).click();
      await other.waitForURL(`${base}/public/GM0599`);
      await other.getByRole('heading', { level: 1, name: /Rotterdam/ }).waitFor();
      await other.close();
    });

    await test("a convoked person sees their convocation through their link and answers it", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kiesdag-convocation-'));
      try {
        const people = join(dir, 'kandidaten.csv');
        writeFileSync(people, 'name,email,roles\nAnneke de Vries,anneke@example.nl,voorzitter\nBram Lid,,\n');
        await server.cli(['import', 'candidates', people, '--election', 'E2E', '--municipality', 'GM0599']);
        await server.cli(['staff', 'suggest', '--election', 'E2E', '--municipality', 'GM0599', '--apply']);
        const sheet = join(dir, 'uitnodigingen.csv');
        await server.cli(['staff', 'invite', '--election', 'E2E', '--municipality', 'GM0599', '--app-url', base, '--out', sheet]);
        const line = readFileSync(sheet, 'utf8').split('\n').find((l) => l.startsWith('Anneke'));
        const link = line.split(';')[6];
        const other = await browser.newPage();
        const asked = [];
        other.on('request', (r) => asked.push(r.url()));
        await other.setViewportSize(PHONE);
        await other.goto(link);
        const convocation = other.getByTestId('convocation');
        await convocation.getByText('Dag Anneke de Vries,').waitFor();
        await convocation.getByText(/opgeroepen als voorzitter/).waitFor();
        // The code left the address bar, and no request carried it in its address.
        assert.ok(!other.url().includes('code'), other.url());
        assert.ok(asked.every((u) => !u.includes(link.split('#code=')[1])), asked.join(' '));
        await axe(other, 'answer');
        assert.deepEqual(await overflow(other), []);
        await capture(other, 'answer');
        await convocation.getByRole('button', { name: 'Ik kom' }).click();
        await convocation.getByText('Uw antwoord tot nu toe: u komt.').waitFor();
        const list = await server.cli(['staff', 'list', '--election', 'E2E', '--municipality', 'GM0599']);
        assert.match(list, /chair\tAnneke de Vries\tconfirmed/);
        // A wrong code typed from a letter: a clear message, nothing shown.
        await other.goto(`${base}/antwoord`);
        await other.getByLabel('Persoonlijke code').fill('AAAA-BBBB-CCCC-DDDD');
        await other.getByRole('button', { name: 'Toon mijn oproep' }).click();
        await other.getByText('Deze code is onbekend of niet meer geldig.', { exact: false }).waitFor();
        assert.equal(await other.getByTestId('convocation').count(), 0);
        await other.close();

        // The control room follows up: Anneke confirmed, Bram not yet answered.
        const followUp = await browser.newPage();
        await signIn(followUp, base, 'coordinator', '/convocations');
        await followUp.getByRole('heading', { name: 'Oproepen van stembureauleden' }).waitFor();
        const anneke = followUp.locator('tr[data-status="confirmed"]', { hasText: 'Anneke de Vries' });
        await anneke.getByText('bevestigd').waitFor();
        await followUp.locator('tr[data-status="invited"]', { hasText: 'Bram Lid' }).waitFor();
        assert.match(await followUp.getByTestId('convocation-counts').textContent(), /^1 bevestigd, 1 zonder antwoord/);
        await axe(followUp, 'convocations');
        await capture(followUp, 'convocations');
        await followUp.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    await test('public page shows the result after closing', async () => {
      const wait = server.closesAt - Date.now() + 500;
      if (wait > 0) {
        console.log(`     waiting ${Math.round(wait / 1000)} s for closing time`);
        await page.waitForTimeout(wait);
      }
      await page.goto(`${base}/public/GM0599`);
      await page.getByTestId('list-1').waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId('list-1').textContent(), '300');
      assert.equal(await page.getByTestId('no-results').count(), 0);
      assert.deepEqual(await overflow(page), [], 'the results reflow too');
      // The lists by their names on the public page too.
      await page.getByRole('rowheader', { name: '1. Lijst Noord' }).first().waitFor();
      await capture(page, 'public-after-closing');
    });
  } finally {
    await browser?.close();
    stations.forEach((s) => s.stop());
    server.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
