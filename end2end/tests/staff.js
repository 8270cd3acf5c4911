// What the browser tests do as staff: enrol from a one-time link by proving a TOTP secret (computed here as an
// authenticator app would), sign in, create accounts, find an application and take a step of the card process.
// Shared by staff.test.js and process.test.js.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { check } from './support.js';

export const PASSWORD = 'kata sandi panjang sekali';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238, as an authenticator app computes it; `ahead` steps after the current 30 seconds. */
export function totp(secret, ahead = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + ahead;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const digest = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const number = (digest.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(number).padStart(6, '0');
}

/** Opens an enrolment link, chooses the password and proves the secret with the current code. */
export async function enrol(page, link, label) {
  await page.goto(link);
  await check(page, `enrolment (${label})`);
  const secret = await page.getAttribute('[data-secret]', 'data-secret');
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByLabel('Kode dari aplikasi autentikator').fill(totp(secret));
  await page.getByRole('button', { name: 'Aktifkan' }).click();
  await page.getByText('Akun aktif. Silakan masuk.').waitFor();
  return secret;
}

/** Signs in with the next code: the current one was spent by the enrolment, and a code works once. */
export async function staffSignIn(page, username, secret) {
  await page.goto('/petugas/masuk');
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByLabel('Kode dari aplikasi autentikator').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => new URL(url).pathname === '/petugas' || new URL(url).pathname === '/petugas/akun');
}

/** The admin creates an account; returns its one-time enrolment link. */
export async function createAccount(page, { username, name, role, point }) {
  await page.goto('/petugas/akun');
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Nama lengkap').fill(name);
  await page.selectOption('#role', role);
  if (point) await page.selectOption('#point', point);
  await page.getByRole('button', { name: 'Buat', exact: true }).click();
  const link = (await page.textContent('.enrolment-link')).trim();
  assert.match(link, /\/petugas\/daftar\/[0-9a-f]{32}$/);
  return link;
}

/** Finds an application by the registration number on the applicant's form, as the QR scanner types it. */
export async function open(page, reference) {
  await page.goto('/petugas');
  await page.getByLabel('Nomor registrasi atau NIK').fill(reference);
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  await page.waitForURL('**/petugas/permohonan/**');
}

/** Claims the application and takes one step. `value` fills the step's field (a string), ticks it (true), or, as
 *  `{ nomor, tick }`, fills the reference of a withheld card's return and ticks the confirmation. */
export async function step(page, reference, code, button, value) {
  await open(page, reference);
  const claim = page.getByRole('button', { name: 'Klaim permohonan ini' });
  if (await claim.count()) await claim.click();
  if (typeof value === 'string') await page.fill(`#langkah-${code}`, value);
  if (value === true) await page.check(`#langkah-${code}`);
  if (value && typeof value === 'object') {
    if (value.nomor !== undefined) await page.fill(`#langkah-${code}-nomor`, value.nomor);
    if (value.tick) await page.check(`#langkah-${code}`);
  }
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByText('Langkah tercatat.').waitFor();
}

/** An admin, an operator of `point` and a supervisor, each signed in on their own phone (without JavaScript: the
 *  console is server-rendered). `adminLink` is the admin's one-time link from `server create-admin`. */
export async function staffTeam(browser, phonePage, { adminLink, adminUsername, names, point }) {
  const admin = await phonePage(browser, { javaScript: false });
  await staffSignIn(admin, adminUsername, await enrol(admin, adminLink, adminUsername));
  const operatorLink = await createAccount(admin, { username: names.operator, name: 'Sari Operator', role: 'operator', point });
  const supervisorLink = await createAccount(admin, { username: names.supervisor, name: 'Joko Supervisor', role: 'supervisor' });
  const operator = await phonePage(browser, { javaScript: false });
  await staffSignIn(operator, names.operator, await enrol(operator, operatorLink, 'operator'));
  const supervisor = await phonePage(browser, { javaScript: false });
  await staffSignIn(supervisor, names.supervisor, await enrol(supervisor, supervisorLink, 'supervisor'));
  return { admin, operator, supervisor };
}

/** The blank card stock the console shows. */
export async function blankCards(page) {
  await page.goto('/petugas/blangko');
  return Number(await page.getAttribute('[data-stock]', 'data-stock'));
}

/** A supervisor records blank cards delivered by Kemendagri. */
export async function addBlankCards(page, count) {
  await page.goto('/petugas/blangko');
  await page.getByRole('textbox', { name: /Perubahan/ }).fill(String(count));
  await page.getByLabel('Keterangan').fill('Kiriman Kemendagri');
  await page.getByRole('button', { name: 'Catat' }).click();
}
