// What the islands (issue 15) do for a person with JavaScript on, on a 360×740 phone, every page axe-clean: the
// live check of a field as they leave it, before any submit; the area pickers narrowing without a page load; the
// progress bar of a scan upload; the places left on the booking page read again while the page stays open.
// Each holds on the build from before islands too (E2E_EXPECT_ISLANDS=0), where the whole page was the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, hydrated, check } from './support.js';
import { signIn, submittedApplication, womanNik } from './citizen.js';
import { bigPhoto } from './files.js';

let browser;
let page; // one applicant with JavaScript on, signed in once for the whole file
before(async () => {
  browser = await launch();
  page = await phonePage(browser, { javaScript: true });
  await signIn(page, `pulau.${Date.now()}@contoh.id`);
});
after(async () => {
  await page?.context().close();
  await browser?.close();
});

// Serials 301 on of women born on BIRTH_DATE are this file's (see womanNik): one application in progress per NIK.
const BIRTH_DATE = '1995-02-10';
let serial = 300;
const SAME_ORIGIN = { origin: new URL(process.env.BASE_URL ?? 'http://127.0.0.1:3400').origin };

/** A fresh draft of a citizen's application, started as the start page's form does; its id. */
async function draft(on) {
  const started = await on.request.post('/api/permohonan/mulai', { form: { kind: 'wni' }, headers: SAME_ORIGIN, maxRedirects: 0 });
  const location = started.headers().location ?? '';
  assert.match(location, /^\/permohonan\/[^/]+\//, `the start form leads to the new application: ${started.status()}`);
  return location.split('/')[2];
}

/** Opens `path`, waits for its islands, and starts counting the page loads from here: a marker on `window` that
 *  only the same document keeps, and the main frame's navigations. */
async function openAndWatch(path) {
  await page.goto(path);
  await page.locator('h1').waitFor();
  await hydrated(page);
  await page.evaluate(() => { window.__samePage = true; });
  const loads = { count: 0 };
  const onNavigation = (frame) => { if (frame === page.mainFrame()) loads.count += 1; };
  page.on('framenavigated', onNavigation);
  return {
    async assertNoPageLoad(what) {
      assert.equal(await page.evaluate(() => window.__samePage === true), true, `${what}: the same page, not a new one`);
      assert.equal(loads.count, 0, `${what}: no navigation`);
    },
    stop() { page.off('framenavigated', onNavigation); },
  };
}

const options = (id) => page.locator(`#${id} option`).allTextContents().then((all) => all.map((o) => o.trim()));
async function choose(id, label) {
  const option = page.locator(`#${id} option`, { hasText: label }).first();
  await option.waitFor({ state: 'attached' });
  await page.selectOption(`#${id}`, { label: (await option.textContent()).trim() });
}

let applicationId;

test('a wrong NIK is explained as the applicant leaves the field, before any submit, and the error goes once right', async () => {
  applicationId = await draft(page);
  const watch = await openAndWatch(`/permohonan/${applicationId}/identitas`);
  const field = page.locator('.field', { has: page.locator('#nik') });
  assert.equal(await field.locator('.field__error').count(), 0, 'no error before anything is typed');

  await page.locator('#nik').fill('1403091234');
  await page.keyboard.press('Tab');
  await field.locator('.field__error').waitFor();
  const message = (await field.locator('.field__error').textContent()).trim();
  assert.ok(message.length > 'Galat:'.length, `the error says what is wrong: "${message}"`);
  assert.equal(await page.getAttribute('#nik', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#nik', 'aria-describedby') ?? '', /nik-error/, 'the error is read with the field');
  assert.equal(await page.inputValue('#nik'), '1403091234', 'what was typed stays');
  await check(page, 'the identity section with a live error');
  await watch.assertNoPageLoad('the live check');

  await page.locator('#nik').fill(womanNik(BIRTH_DATE, ++serial));
  await field.locator('.field__error').waitFor({ state: 'detached' });
  assert.equal(await page.getAttribute('#nik', 'aria-invalid'), null);
  await page.keyboard.press('Tab');
  assert.equal(await field.locator('.field__error').count(), 0, 'still no error after leaving a right NIK');
  await watch.assertNoPageLoad('the error going');
  watch.stop();
  assert.deepEqual(page.errors, [], 'no errors in the console');
});

test('choosing a province narrows the regencies, a regency the districts, a district the villages: no page load', async () => {
  const id = applicationId ?? await draft(page);
  const watch = await openAndWatch(`/permohonan/${id}/alamat`);
  await page.fill('#street', 'Jl. Pertanian No. 5');
  await page.fill('#rt', '1');
  await page.fill('#rw', '2');
  assert.deepEqual(await options('regency'), ['Pilih'], 'no regency to choose before the province');

  await choose('province', 'Riau');
  await page.locator('#regency option', { hasText: 'Kabupaten Bengkalis' }).waitFor({ state: 'attached' });
  const regencies = await options('regency');
  assert.ok(regencies.includes('Kota Pekanbaru'), `Riau's regencies: ${regencies.join(', ')}`);
  assert.ok(!regencies.includes('Kabupaten Bogor'), 'only Riau\'s');
  await watch.assertNoPageLoad('the province chosen');

  await choose('regency', 'Kabupaten Bengkalis');
  await page.locator('#district option', { hasText: 'Bantan' }).waitFor({ state: 'attached' });
  await watch.assertNoPageLoad('the regency chosen');
  await choose('district', 'Bengkalis');
  await page.locator('#village_code option', { hasText: 'Damon' }).waitFor({ state: 'attached' });
  const villages = await options('village_code');
  assert.ok(villages.length > 2 && villages.length < 200, `one district's villages: ${villages.length}`);
  await choose('village_code', 'Damon');
  assert.equal(await page.inputValue('#street'), 'Jl. Pertanian No. 5', 'the street survives the pickers');
  await watch.assertNoPageLoad('the district chosen');
  await check(page, 'the address section, every level chosen in place');
  watch.stop();

  // Saved: on to the next section not yet done (the identity, left empty above), and the address page shows the
  // choices again.
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.waitForURL((url) => !new URL(url).pathname.endsWith('/alamat'));
  await page.locator('h1').waitFor();
  assert.equal(await page.getByText('Ada yang perlu diperbaiki').count(), 0, 'no problem with the address');
  await page.goto(`/permohonan/${id}/alamat`);
  await hydrated(page);
  assert.equal(await page.inputValue('#province'), '14');
  assert.equal(await page.inputValue('#regency'), '14.03');
  assert.equal(await page.inputValue('#district'), '14.03.01');
  assert.equal(await page.inputValue('#village_code'), '14.03.01.1002');
  assert.deepEqual(page.errors, [], 'no errors in the console');
});

test('uploading a scan shows the progress bar, and ends with the scan listed', async () => {
  const id = applicationId ?? await draft(page);
  const watch = await openAndWatch(`/permohonan/${id}/dokumen`);
  const photo = await bigPhoto(page);
  // Every progress bar the page shows is noted, however briefly: the loopback is fast. A slower link (as on the
  // street) keeps it on the screen long enough to see it there too.
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('progress')) {
        window.__progress.push({ value: bar.getAttribute('value'), max: bar.getAttribute('max'), shown: bar.getClientRects().length > 0 });
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 100000 });
  try {
    await page.setInputFiles('#kk_scan', photo);
    const form = page.locator('form', { has: page.locator('#kk_scan') });
    await form.locator('button[type=submit]').click();
    const bar = form.locator('progress');
    await bar.waitFor({ state: 'visible', timeout: 30000 });
    assert.equal(await bar.getAttribute('max'), '100');
    await check(page, 'the documents page during an upload');
    await page.locator('#kk_scan-heading ~ .document__status', { hasText: 'Sudah diunggah' }).waitFor({ timeout: 60000 });
  } finally {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  }
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.some((p) => p.shown), `the progress bar was on the screen: ${JSON.stringify(seen.slice(0, 5))}`);
  assert.equal(await page.locator('form', { has: page.locator('#kk_scan') }).locator('progress').isVisible(), false, 'the bar goes when done');
  await page.locator('section', { has: page.locator('#kk_scan') }).getByRole('link', { name: 'Lihat berkas' }).waitFor();
  await watch.assertNoPageLoad('the upload');
  watch.stop();
  await check(page, 'the documents page, the scan listed');
  const stored = await page.request.get(`/berkas/${id}/kk_scan`);
  assert.equal(stored.status(), 200, 'the scan is stored');
  assert.deepEqual(page.errors, [], 'no errors in the console');
});

test('the booking page shows the places left as they change, while it stays open', async () => {
  const mine = await submittedApplication(page, { nik: womanNik(BIRTH_DATE, ++serial), name: 'Putri Ayu', birthDate: BIRTH_DATE });
  // Another applicant, on their own phone (without JavaScript), takes a place at the same time.
  const other = await phonePage(browser, { javaScript: false });
  await signIn(other, `pulau.lain.${Date.now()}@contoh.id`);
  const theirs = await submittedApplication(other, { nik: womanNik(BIRTH_DATE, ++serial), name: 'Sri Wahyuni', birthDate: BIRTH_DATE });

  // A district point that the other browser tests do not book, its second open day, a late morning time.
  await page.goto(`/permohonan/${mine.id}/jadwal`);
  await hydrated(page);
  const place = page.locator('#lokasi ~ ul.choices a', { hasText: /Kantor Camat (?!Bengkalis)/ }).first();
  const point = new URL(await place.getAttribute('href'), 'http://x').searchParams.get('lokasi');
  const dayHref = async () => {
    await page.goto(`/permohonan/${mine.id}/jadwal?lokasi=${point}`);
    return page.locator('#hari ~ ul.choices a').nth(1).getAttribute('href');
  };
  const day = new URL(await dayHref(), 'http://x').searchParams.get('tanggal');
  const watch = await openAndWatch(`/permohonan/${mine.id}/jadwal?lokasi=${point}&tanggal=${day}`);
  // The first time of the day with two places left or more.
  const times = await page.locator('.radios--times label').allTextContents();
  const found = times.map((t) => t.match(/^(\d\d:\d\d) – .*sisa (\d+) tempat/)).find((m) => m && Number(m[2]) >= 2);
  assert.ok(found, `a time with places left: ${times.join(' | ')}`);
  const [, time, places] = found;
  const before = Number(places);
  const label = page.locator(`label[for="time-${time.replace(':', '')}"]`);
  await check(page, 'the booking page, times with the places left');

  await other.goto(`/permohonan/${theirs.id}/jadwal?lokasi=${point}&tanggal=${day}`);
  await other.getByLabel(new RegExp(`^${time} – `)).check();
  await other.getByRole('button', { name: 'Pesan jadwal' }).click();
  await other.locator('#jadwal-anda', { hasText: `${time} – ` }).waitFor();

  // The applicant comes back to the page (from another app): the places left are read again, in place; the page
  // reads them every 30 seconds anyway.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
  await label.filter({ hasText: `sisa ${before - 1} tempat` }).waitFor({ timeout: 45000 });
  await watch.assertNoPageLoad('the places read again');
  watch.stop();

  // And books that time: the page says so.
  await page.getByLabel(new RegExp(`^${time} – `)).check();
  await page.getByRole('button', { name: 'Pesan jadwal' }).click();
  await page.locator('#jadwal-anda', { hasText: `${time} – ` }).waitFor();
  await hydrated(page);
  await check(page, 'the booking page, booked');
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
  assert.deepEqual(other.errors, [], 'no errors in the other phone\'s console');
  await other.context().close();
});
