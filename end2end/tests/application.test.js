// A citizen (WNI) and a foreign resident take their application from the landing page to the confirmation:
// sign-in with a mailed code, every section, the scans, check your answers, submit; then they book, move and
// cancel the recording appointment and download the application form and the calendar file. Each journey runs with
// JavaScript on and off, on a phone-sized screen, every page axe-clean; then a second account is refused the
// first one's application and scans.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, hydrated, check, assertNoScript } from './support.js';
import { signIn, womanNik } from './citizen.js';
import { pdf, png, bigPhoto } from './files.js';
import { bookMoveAndCancel } from './appointment.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Presses the page's main button and waits for the next page (by its path's end). */
async function saveAndGo(page, next) {
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.waitForURL((url) => new URL(url).pathname.endsWith(next));
  await page.locator('h1').waitFor();
  if (page.javaScript) await hydrated(page);
}

/** Chooses an option by its label; without JavaScript, asks the server for the next list. */
async function pick(page, id, label) {
  const option = page.locator(`#${id} option`, { hasText: label }).first();
  await option.waitFor({ state: 'attached' });
  await page.selectOption(`#${id}`, { label: (await option.textContent()).trim() });
  if (!page.javaScript && id !== 'village_code') {
    await page.getByRole('button', { name: 'Tampilkan pilihan berikutnya' }).click();
    await page.waitForLoadState('load');
  }
}

async function journey(page, { kind, mode, nik, name, birthDate, foreigner }) {
  const label = (what) => `${what} (${kind}, ${mode})`;
  await page.getByRole('link', { name: 'Mulai permohonan baru' }).click();
  await page.waitForURL('**/permohonan/baru');
  await check(page, label('the choice of application'));
  await page.getByLabel(foreigner ? /Penduduk Orang Asing/ : /Warga Negara Indonesia/).check();
  await page.getByRole('button', { name: 'Mulai' }).click();
  await page.waitForURL('**/identitas');
  if (page.javaScript) await hydrated(page);
  const id = new URL(page.url()).pathname.split('/')[2];

  // Identity, with a mistake first: explained at the top and at the field, the typed value kept.
  await page.fill('#nik', nik.slice(0, 12) + '0000');
  await page.fill('#no_kk', '1403091201150003');
  await page.fill('#full_name', name);
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.getByText('Ada yang perlu diperbaiki').waitFor();
  assert.match(await page.title(), /^Galat: /);
  assert.equal(await page.inputValue('#full_name'), name);
  await check(page, label('identity with a mistake'));
  if (!page.javaScript) {
    // The flash that carried the typed values back never holds a NIK or KK number: both are asked again.
    assert.equal(await page.inputValue('#nik'), '');
    assert.equal(await page.inputValue('#no_kk'), '');
  }
  await page.fill('#nik', nik);
  await page.fill('#no_kk', '1403091201150003');
  await saveAndGo(page, '/kelahiran');

  // The NIK already says when and as whom: filled in, not asked again.
  assert.equal(await page.inputValue('#birth_date'), birthDate);
  await check(page, label('birth'));
  await page.fill('#birth_place', foreigner ? 'Kuala Lumpur' : 'Bengkalis');
  await saveAndGo(page, '/data-diri');

  await page.selectOption('#blood_type', 'O+');
  await page.selectOption('#religion', 'Islam');
  await page.getByLabel('Belum kawin').check();
  await page.fill('#occupation', 'Pelajar');
  await check(page, label('personal details'));
  await saveAndGo(page, '/alamat');

  await page.fill('#street', 'Jl. Pertanian No. 5');
  await page.fill('#rt', '1');
  await page.fill('#rw', '2');
  await pick(page, 'province', 'Riau');
  assert.equal(await page.inputValue('#street'), 'Jl. Pertanian No. 5', 'the street survives the pickers');
  await pick(page, 'regency', 'Kabupaten Bengkalis');
  await pick(page, 'district', 'Bengkalis');
  await pick(page, 'village_code', 'Damon');
  await check(page, label('address'));
  await saveAndGo(page, '/kontak');

  await page.fill('#phone', '0812 3456 7890');
  await check(page, label('contact'));
  if (foreigner) {
    await saveAndGo(page, '/izin-tinggal');
    await page.selectOption('#nationality', 'MY');
    await page.fill('#passport_no', 'A12345678');
    await page.fill('#kitap_no', '2C11JE1234');
    await page.fill('#kitap_expiry', '2030-06-30');
    await check(page, label('stay permit'));
  }
  await saveAndGo(page, '/dokumen');
  await check(page, label('documents'));

  // The scans: a photo too big for a slow link (shrunk first with JavaScript), and a PDF.
  const photo = page.javaScript ? await bigPhoto(page) : png();
  await page.setInputFiles('#kk_scan', photo);
  await page.locator('form', { has: page.locator('#kk_scan') }).locator('button[type=submit]').click();
  await page.locator('#kk_scan-heading ~ .document__status', { hasText: 'Sudah diunggah' }).waitFor();
  if (foreigner) {
    await page.setInputFiles('#kitap_scan', pdf());
    await page.locator('form', { has: page.locator('#kitap_scan') }).locator('button[type=submit]').click();
    await page.locator('#kitap_scan-heading ~ .document__status', { hasText: 'Sudah diunggah' }).waitFor();
  }
  const sent = await page.request.get(`/berkas/${id}/kk_scan`);
  assert.equal(sent.status(), 200);
  if (page.javaScript) {
    assert.ok(photo.buffer.length > 1.5 * 1024 * 1024, `the test photo is big: ${photo.buffer.length} bytes`);
    const stored = (await sent.body()).length;
    assert.ok(stored < 800 * 1024, `a ${photo.buffer.length}-byte photo travelled as ${stored} bytes`);
  }
  await check(page, label('documents uploaded'));
  await page.getByRole('link', { name: 'Lanjutkan' }).click();
  await page.waitForURL('**/periksa');
  if (page.javaScript) await hydrated(page);

  const summary = await page.textContent('main');
  for (const expected of [name.toUpperCase(), 'Damon', 'Perempuan', foreigner ? 'Malaysia' : 'Islam']) {
    assert.ok(summary.includes(expected), `check your answers shows ${expected}`);
  }
  await check(page, label('check your answers'));
  if (page.javaScript) await assertNoScript(page, label('check your answers'));
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await page.waitForURL('**/terkirim');
  const reference = (await page.textContent('.panel__reference')).trim();
  assert.match(reference, /^BKS-\d{6}-[A-Z2-9]{6}$/);
  await check(page, label('confirmation'));
  if (page.javaScript) await assertNoScript(page, label('confirmation'));
  await bookMoveAndCancel(page, { foreigner, label });
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
  return id;
}

// One application in progress per NIK, from any account: each journey's applicant is another person, with their
// own NIK (see womanNik: serials 2, 3, 12 and 13 are this file's).
const people = [
  { kind: 'WNI', name: 'Siti Aminah', birthDate: '2006-08-05', foreigner: false, serials: [2, 12] },
  { kind: 'WNA', name: 'Nur Aisyah binti Ahmad', birthDate: '1990-03-25', foreigner: true, serials: [3, 13] },
];
const firstApplications = [];

for (const javaScript of [false, true]) {
  const mode = javaScript ? 'JavaScript on' : 'JavaScript off';
  for (const { serials, ...person } of people) {
    test(`a ${person.kind} applicant goes from the landing page to the confirmation and books (${mode})`, async () => {
      const page = await phonePage(browser, { javaScript });
      await signIn(page, `${person.kind.toLowerCase()}.${javaScript ? 'js' : 'nojs'}.${Date.now()}@contoh.id`);
      const nik = womanNik(person.birthDate, serials[javaScript ? 1 : 0]);
      const id = await journey(page, { ...person, nik, mode });
      firstApplications.push(id);
      await page.context().close();
    });
  }
}

test('a second account cannot open the first one\'s application or scans', async () => {
  assert.ok(firstApplications.length > 0, 'the journeys ran first');
  const page = await phonePage(browser, { javaScript: false });
  await signIn(page, `orang.lain.${Date.now()}@contoh.id`);
  for (const id of firstApplications) {
    for (const path of [`/permohonan/${id}`, `/permohonan/${id}/identitas`, `/permohonan/${id}/periksa`]) {
      const response = await page.goto(path);
      assert.equal(response.status(), 404, path);
      await page.getByRole('heading', { name: 'Halaman tidak ditemukan' }).waitFor();
    }
    assert.equal((await page.request.get(`/berkas/${id}/kk_scan`)).status(), 404);
  }
  await check(page, 'another account\'s application (404)');
  await page.context().close();
});
