// A slow phone on a congested link (issue 15): 4× CPU slowdown, 1.6 Mbit/s each way, 150 ms latency, a cold
// cache for every page. The applicant uses each island's control as soon as it is on the screen, without waiting
// for the WebAssembly: the identity form, the province picker with the form's button, the scan upload, the booking
// form, the language switch. Each action must do what the person asked, whether the page handled it as a plain
// form (the WASM not there yet) or the island did (it was): never lost, never an error page, no console error.
// Which of the two it was is printed for each, as "throttled: …" lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, PHONE, BASE_URL } from './support.js';
import { signIn, submittedApplication, womanNik } from './citizen.js';
import { png } from './files.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Serials 401 on of women born on BIRTH_DATE are this file's (see womanNik): one application in progress per NIK.
const BIRTH_DATE = '1994-11-03';
const SAME_ORIGIN = { origin: new URL(BASE_URL).origin };

/** A phone of the signed-in applicant of `signedIn`, with an empty cache, a slow CPU and a slow link. Console
 *  errors and pages that answered with an error status are collected. */
async function slowPhone(signedIn) {
  const context = await browser.newContext({
    viewport: PHONE, baseURL: BASE_URL, extraHTTPHeaders: signedIn.headers,
    storageState: await signedIn.context().storageState(),
  });
  const page = await context.newPage();
  page.errors = [];
  page.failedPages = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame() && r.status() >= 400) {
      page.failedPages.push(`${r.status()} ${r.url()}`);
    }
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 200000,
  });
  page.cdp = cdp;
  return page;
}

/** Opens `path` on a cold cache and returns as soon as `selector` is visible: the HTML has arrived, the
 *  WebAssembly most likely not. */
async function openEarly(page, path, selector) {
  await page.cdp.send('Network.clearBrowserCache');
  await page.goto(path, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ state: 'visible' });
}

/** Whether the page's islands were live at this moment, and from now on whether the browser sent a form as a
 *  page load (a POST navigation: the plain form) or the page's script sent it in the background. */
async function moment(page) {
  const live = (await page.locator('html[data-hydrated="true"]').count()) > 0;
  const sent = { form: 0, script: 0 };
  const onRequest = (request) => {
    if (request.method() !== 'POST') return;
    if (request.isNavigationRequest()) sent.form += 1;
    else if (['fetch', 'xhr'].includes(request.resourceType())) sent.script += 1;
  };
  page.on('request', onRequest);
  return {
    live,
    report(what) {
      page.off('request', onRequest);
      const how = sent.form > 0 && sent.script === 0 ? 'as a plain form (POST, page load)'
        : sent.script > 0 && sent.form === 0 ? 'by the island (in the background)'
          : sent.form + sent.script === 0 ? 'in place, nothing sent' : `both ways (${sent.form} form, ${sent.script} script)`;
      console.log(`throttled: ${what}: the WASM had ${live ? 'arrived (html[data-hydrated])' : 'not arrived'} at the click; handled ${how}`);
      return how;
    },
  };
}

/** Chooses `label` in the list `id`; while the page has no live island, the form's "show the next choices" button
 *  asks the server for the next list, as a person without the script would press it. */
async function pickEarly(page, id, label) {
  const option = page.locator(`#${id} option`, { hasText: label }).first();
  await option.waitFor({ state: 'attached' });
  await page.selectOption(`#${id}`, { label: (await option.textContent()).trim() });
  const refine = page.getByRole('button', { name: 'Tampilkan pilihan berikutnya' });
  if (id !== 'village_code' && await refine.isVisible()) {
    const loaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
    await refine.click();
    await loaded;
    await page.waitForLoadState('load');
  }
}

test('on a slow phone, each island\'s control used as soon as it shows does what the person asked', async () => {
  const home = await phonePage(browser, { javaScript: true });
  await signIn(home, `lambat.${Date.now()}@contoh.id`);
  const started = await home.request.post('/api/permohonan/mulai', { form: { kind: 'wni' }, headers: SAME_ORIGIN, maxRedirects: 0 });
  const id = (started.headers().location ?? '').split('/')[2];
  assert.ok(id, `a new application: ${started.status()}`);
  const booking = await submittedApplication(home, { nik: womanNik(BIRTH_DATE, 402), name: 'Lestari', birthDate: BIRTH_DATE });
  // The place and day to book: a district point, its third open day (read at full speed).
  await home.goto(`/permohonan/${booking.id}/jadwal`);
  const placeHref = await home.locator('#lokasi ~ ul.choices a', { hasText: /Kantor Camat (?!Bengkalis)/ }).first().getAttribute('href');
  const point = new URL(placeHref, BASE_URL).searchParams.get('lokasi');
  await home.goto(`/permohonan/${booking.id}/jadwal?lokasi=${point}`);
  const dayHref = await home.locator('#hari ~ ul.choices a').nth(2).getAttribute('href');
  const day = new URL(dayHref, BASE_URL).searchParams.get('tanggal');

  const page = await slowPhone(home);
  const results = [];

  // 1. The identity form, filled and sent at once: the next section comes, the birth date already read from the NIK.
  await openEarly(page, `/permohonan/${id}/identitas`, '#nik');
  let at = await moment(page);
  await page.fill('#nik', womanNik(BIRTH_DATE, 401));
  await page.fill('#no_kk', '1403091201150003');
  await page.fill('#full_name', 'Rina Marlina');
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.waitForURL((url) => new URL(url).pathname.endsWith('/kelahiran'), { timeout: 60000 });
  await page.locator('#birth_date').waitFor();
  assert.equal(await page.inputValue('#birth_date'), BIRTH_DATE, 'the identity was saved: its NIK gave the birth date');
  results.push(['identity', at.live, at.report('identity form sent')]);

  // 2. The province, then the form's button: the next list is shown, and the address saves.
  await openEarly(page, `/permohonan/${id}/alamat`, '#province');
  at = await moment(page);
  await pickEarly(page, 'province', 'Riau');
  await page.locator('#regency option', { hasText: 'Kabupaten Bengkalis' }).waitFor({ state: 'attached', timeout: 60000 });
  assert.equal(await page.inputValue('#province'), '14', 'the province chosen stays chosen');
  results.push(['province', at.live, at.report('province chosen')]);
  await pickEarly(page, 'regency', 'Kabupaten Bengkalis');
  await pickEarly(page, 'district', 'Bengkalis');
  await pickEarly(page, 'village_code', 'Damon');
  await page.fill('#street', 'Jl. Pertanian No. 5');
  await page.fill('#rt', '1');
  await page.fill('#rw', '2');
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.waitForURL((url) => !new URL(url).pathname.endsWith('/alamat'), { timeout: 60000 });
  await page.locator('h1').waitFor();

  // 3. A scan, picked and sent at once: it is listed as uploaded.
  await openEarly(page, `/permohonan/${id}/dokumen`, '#kk_scan');
  at = await moment(page);
  await page.setInputFiles('#kk_scan', png());
  await page.locator('form', { has: page.locator('#kk_scan') }).locator('button[type=submit]').click();
  await page.locator('#kk_scan-heading ~ .document__status', { hasText: 'Sudah diunggah' }).waitFor({ timeout: 60000 });
  assert.equal((await home.request.get(`/berkas/${id}/kk_scan`)).status(), 200, 'the scan is stored');
  results.push(['upload', at.live, at.report('scan uploaded')]);

  // 4. A time, chosen and booked at once: the page shows the appointment.
  await openEarly(page, `/permohonan/${booking.id}/jadwal?lokasi=${point}&tanggal=${day}`, '.radios--times label');
  at = await moment(page);
  const times = await page.locator('.radios--times label').allTextContents();
  const time = times.map((t) => t.match(/^(\d\d:\d\d) – .*sisa/)?.[1]).find(Boolean);
  assert.ok(time, `a time with places left: ${times.join(' | ')}`);
  await page.getByLabel(new RegExp(`^${time} – `)).check();
  await page.getByRole('button', { name: 'Pesan jadwal' }).click();
  await page.locator('#jadwal-anda', { hasText: `${time} – ` }).waitFor({ timeout: 60000 });
  results.push(['booking', at.live, at.report('time booked')]);

  // 5. The language switch, on a page with islands: the same page, in English.
  await openEarly(page, `/permohonan/${id}/kontak`, '.language-switch__button');
  at = await moment(page);
  await page.getByRole('button', { name: /English/ }).click();
  await page.locator('html[lang="en"]').waitFor({ state: 'attached', timeout: 60000 });
  await page.getByRole('button', { name: 'Save and continue' }).waitFor({ timeout: 60000 });
  assert.ok(new URL(page.url()).pathname.endsWith(`/permohonan/${id}/kontak`), `the same page: ${page.url()}`);
  results.push(['language', at.live, at.report('language switched')]);

  console.log(`throttled: summary: ${results.map(([what, live, how]) => `${what}: ${live ? 'island live' : 'before the WASM'}, ${how}`).join(', ')}`);
  assert.deepEqual(page.failedPages, [], 'no error page');
  assert.deepEqual(page.errors, [], 'no errors in the console');
  await page.context().close();
  await home.context().close();
});
