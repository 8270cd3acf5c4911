// What the browser tests do as a citizen: sign in with a mailed code, and (for the staff tests) make a submitted
// application through the same server functions and upload route the pages use.
import assert from 'node:assert/strict';
import { BASE_URL, hydrated } from './support.js';
import { codeSentTo } from './mail.js';
import { png } from './files.js';

export async function signIn(page, email) {
  await page.goto('/');
  if (page.javaScript) await hydrated(page);
  await page.getByRole('link', { name: 'Mulai permohonan' }).click();
  await page.waitForURL('**/masuk');
  const sentAfter = Date.now();
  await page.getByLabel('Alamat email atau nomor HP').fill(email);
  await page.getByRole('button', { name: 'Kirim kode' }).click();
  await page.waitForURL('**/masuk/kode');
  await page.getByLabel('Kode 6 angka').fill(await codeSentTo(email, { after: sentAfter - 1000 }));
  await page.getByRole('button', { name: 'Lanjutkan' }).click();
  await page.waitForURL('**/akun');
}

/** A valid NIK of a woman born on `birthDate` (YYYY-MM-DD): the region 14.03.09, the birth date as DDMMYY with 40
 *  added to the day, and `serial` (1 to 9999). One application in progress per NIK holds across accounts, and every
 *  test file talks to the same server: each applicant of the suite has their own serial. */
export function womanNik(birthDate, serial) {
  const [year, month, day] = birthDate.split('-');
  assert.ok(serial >= 1 && serial <= 9999, `serial ${serial}`);
  return `140309${Number(day) + 40}${month}${year.slice(2)}${String(serial).padStart(4, '0')}`;
}

// These requests come from Node, not from a page: they say which site they come from, as a browser would, or the
// portal refuses them as cross-site.
const SAME_ORIGIN = { origin: new URL(BASE_URL).origin };
const JSON_ACCEPT = { accept: 'application/json', ...SAME_ORIGIN };

/** A citizen's complete application of Kecamatan Bengkalis, submitted; returns its id and registration number. */
export async function submittedApplication(page, { nik, name, birthDate }) {
  const started = await page.request.post('/api/permohonan/mulai', { form: { kind: 'wni' }, headers: SAME_ORIGIN, maxRedirects: 0 });
  const id = started.headers().location.split('/')[2];
  const sections = {
    identitas: { nik, no_kk: '1403091201150003', full_name: name },
    kelahiran: { birth_place: 'Bengkalis', birth_date: birthDate, sex: 'P' },
    'data-diri': { blood_type: 'O+', religion: 'Islam', marital_status: 'Belum Kawin', occupation: 'Pelajar' },
    alamat: { street: 'Jl. Pertanian No. 5', rt: '1', rw: '2', province: '14', regency: '14.03', district: '14.03.01', village_code: '14.03.01.1002' },
    kontak: { phone: '0812 3456 7890' },
  };
  for (const [section, fields] of Object.entries(sections)) {
    const saved = await page.request.post('/api/permohonan/simpan', { form: { application: id, section, ...fields }, headers: JSON_ACCEPT });
    assert.equal(saved.status(), 200, `${section}: ${await saved.text()}`);
  }
  const scan = png();
  const uploaded = await page.request.post(`/unggah/${id}`, { multipart: { kk_scan: scan }, headers: JSON_ACCEPT });
  assert.equal(uploaded.status(), 200, await uploaded.text());
  const sent = await page.request.post('/api/permohonan/kirim', { form: { application: id }, headers: JSON_ACCEPT });
  assert.equal(sent.status(), 200, await sent.text());
  await page.goto(`/permohonan/${id}`);
  const reference = (await page.textContent('.reference')).trim();
  assert.match(reference, /^BKS-\d{6}-[A-Z2-9]{6}$/);
  return { id, reference };
}
