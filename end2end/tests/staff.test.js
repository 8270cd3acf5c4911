// The staff console in the browser. The first admin comes from `server create-admin` (scripts/end2end.sh passes
// its one-time link as ADMIN_LINK); every account enrols by scanning its TOTP secret, which the test computes as an
// authenticator app would. An operator approves one application and returns another, whose applicant reads the
// reason, corrects and submits again; a supervisor takes one application to issued, one through a duplicate
// identity and clarification to issued, and one to a 1:1 mismatch at handover. The applicants' pages show each
// step. Every console page is axe-clean on a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { launch, phonePage, check } from './support.js';
import { signIn, submittedApplication } from './citizen.js';
import { mailTo } from './mail.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'kata sandi panjang sekali';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238, as an authenticator app computes it; `ahead` steps after the current 30 seconds. */
function totp(secret, ahead = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + ahead;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const digest = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const number = (digest.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(number).padStart(6, '0');
}

/** Opens an enrolment link, chooses the password and proves the secret with the current code. */
async function enrol(page, link, label) {
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
async function staffSignIn(page, username, secret) {
  await page.goto('/petugas/masuk');
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByLabel('Kode dari aplikasi autentikator').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => new URL(url).pathname === '/petugas' || new URL(url).pathname === '/petugas/akun');
}

async function createAccount(page, { username, name, role, point }) {
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
async function open(page, reference) {
  await page.goto('/petugas');
  await page.getByLabel('Nomor registrasi atau NIK').fill(reference);
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  await page.waitForURL('**/petugas/permohonan/**');
}

/** Claims the application and takes one step; `value` fills the step's field (a string) or ticks it (true). */
async function step(page, reference, code, button, value) {
  await open(page, reference);
  const claim = page.getByRole('button', { name: 'Klaim permohonan ini' });
  if (await claim.count()) await claim.click();
  if (typeof value === 'string') await page.fill(`#langkah-${code}`, value);
  if (value === true) await page.check(`#langkah-${code}`);
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByText('Langkah tercatat.').waitFor();
}

const STATUS = {
  submitted: 'Terkirim, menunggu pemeriksaan', returned: 'Dikembalikan untuk diperbaiki', approved: 'Disetujui',
  recorded: 'Sudah direkam', identifying: 'Dalam identifikasi', clarification: 'Perlu klarifikasi',
  personalizing: 'Sedang dicetak', ready: 'Siap diambil', issued: 'Sudah diterima',
};

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober',
  'November', 'Desember'];
const WEEKDAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];

/** Today in the office's time (WIB, UTC+7), as a UTC-midnight Date. */
function officeToday() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86400000);
const longDay = (d) => `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

/** The `n`th working day after `day`, skipping weekends and `daysOff` (ISO dates): counted here by hand. */
function workingDaysAfter(day, n, daysOff) {
  let d = day;
  for (let counted = 0; counted < n;) {
    d = addDays(d, 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !daysOff.includes(iso(d))) counted += 1;
  }
  return d;
}

async function citizenSees(citizen, id, statuses, label) {
  await citizen.goto(`/permohonan/${id}`);
  const history = await citizen.textContent('.timeline');
  for (const s of statuses) assert.ok(history.includes(STATUS[s]), `${label}: the applicant's history shows ${STATUS[s]}`);
  await check(citizen, label);
}

test('operators review and supervisors run the card process to issued, through clarification, and to a mismatch', async () => {
  assert.ok(process.env.ADMIN_LINK, 'scripts/end2end.sh creates the first admin and passes its link');
  const stamp = Date.now();

  // Four applicants submit; each keeps their own browser to follow their application.
  const citizens = {};
  const people = [
    ['approve', '1403094508060002', 'Siti Aminah', '2006-08-05'],
    ['return', '1403095203950004', 'Dewi Lestari', '1995-03-12'],
    ['duplicate', '1403096704880005', 'Rahmawati', '1988-04-27'],
    ['mismatch', '1403094101000006', 'Nurul Huda', '2000-01-01'],
  ];
  for (const [key, nik, name, birthDate] of people) {
    const page = await phonePage(browser, { javaScript: key === 'approve' });
    await signIn(page, `${key}.${stamp}@contoh.id`);
    const email = `${key}.${stamp}@contoh.id`;
    citizens[key] = { page, email, ...(await submittedApplication(page, { nik, name, birthDate })) };
  }

  // The admin enrols from the command's link, then creates an operator at the Bengkalis point and a supervisor.
  const admin = await phonePage(browser, { javaScript: false });
  const adminSecret = await enrol(admin, process.env.ADMIN_LINK, 'admin');
  await staffSignIn(admin, 'admin', adminSecret);
  await check(admin, 'staff accounts');
  await admin.goto('/petugas/kalender');
  await check(admin, 'the calendar');
  await admin.getByRole('link', { name: /^Ubah: / }).first().click();
  await admin.getByRole('button', { name: 'Simpan' }).waitFor();
  await check(admin, 'a service point\'s hours');
  // A local day off inside the next fourteen working days: the promised day must step over it.
  const today = officeToday();
  const holiday = workingDaysAfter(today, 5, []);
  await admin.goto('/petugas/kalender');
  await admin.fill('#holiday-day', iso(holiday));
  await admin.fill('#holiday-name', 'Hari Jadi Kabupaten Bengkalis');
  await admin.getByRole('button', { name: 'Tambah' }).first().click();
  await admin.goto('/petugas/kalender');
  const daysOff = (await admin.locator('li', { hasText: 'semua tempat layanan' }).allTextContents())
    .map((t) => t.match(/\d{4}-\d{2}-\d{2}/)?.[0]).filter(Boolean);
  assert.ok(daysOff.includes(iso(holiday)), 'the day off is listed');
  const promised = workingDaysAfter(today, 14, daysOff);
  const operatorLink = await createAccount(admin, { username: `operator${stamp}`, name: 'Rina Operator', role: 'operator', point: '14.03.01' });
  await check(admin, 'an account created, its enrolment link shown');
  const supervisorLink = await createAccount(admin, { username: `kepala${stamp}`, name: 'Budi Supervisor', role: 'supervisor' });

  const operator = await phonePage(browser, { javaScript: false });
  await staffSignIn(operator, `operator${stamp}`, await enrol(operator, operatorLink, 'operator'));
  await check(operator, 'the queue');
  const queue = await operator.textContent('main');
  for (const key of Object.keys(citizens)) assert.ok(queue.includes(citizens[key].reference), `the queue lists ${key}`);
  assert.ok(queue.includes('1403********0002') && !queue.includes('1403094508060002'), 'the queue masks the NIK');

  // The operator approves one and returns another with a reason.
  await open(operator, citizens.approve.reference);
  assert.ok((await operator.textContent('main')).includes('1403094508060002'), 'the detail shows the whole NIK');
  await check(operator, 'an application to review');
  await step(operator, citizens.approve.reference, 'approve', 'Setujui');
  await check(operator, 'a step recorded');
  const reason = 'Foto KK tidak terbaca, mohon unggah ulang';
  await step(operator, citizens.return.reference, 'return', 'Kembalikan untuk diperbaiki', reason);
  for (const key of ['duplicate', 'mismatch']) await step(operator, citizens[key].reference, 'approve', 'Setujui');

  // The applicant reads the reason, corrects the scan and submits again.
  const returned = citizens.return.page;
  await returned.goto(`/permohonan/${citizens.return.id}`);
  assert.ok((await returned.textContent('main')).includes(reason), 'the applicant sees the reason');
  assert.ok((await mailTo(citizens.return.email, 'perlu diperbaiki')).body.includes(reason), 'and reads it by email');
  await check(returned, 'a returned application, with the reason');
  await returned.getByRole('link', { name: 'Periksa jawaban dan kirim' }).click();
  await returned.getByRole('button', { name: 'Kirim permohonan' }).click();
  await returned.waitForURL('**/terkirim');
  await citizenSees(returned, citizens.return.id, ['submitted', 'returned'], 'the corrected application');
  await step(operator, citizens.return.reference, 'approve', 'Setujui');

  // The supervisor records blank cards, then runs the process.
  const supervisor = await phonePage(browser, { javaScript: false });
  await staffSignIn(supervisor, `kepala${stamp}`, await enrol(supervisor, supervisorLink, 'supervisor'));
  await supervisor.goto('/petugas/blangko');
  await supervisor.getByRole('textbox', { name: /Perubahan/ }).fill('100');
  await supervisor.getByLabel('Keterangan').fill('Kiriman Kemendagri');
  await supervisor.getByRole('button', { name: 'Catat' }).click();
  assert.equal(await supervisor.getAttribute('[data-stock]', 'data-stock'), '100');
  await check(supervisor, 'blank cards');

  const toPersonalizing = async (reference, afis, citizen) => {
    await step(supervisor, reference, 'record', 'Perekaman selesai', true);
    if (citizen) {
      // The applicant's page promises the card fourteen working days after the recording.
      await citizen.page.goto(`/permohonan/${citizen.id}`);
      const main = await citizen.page.textContent('main');
      assert.ok(main.includes(`Dijanjikan siap paling lambat ${longDay(promised)}`), `the promised day, ${longDay(promised)}: ${main}`);
      assert.ok(main.includes('Anda tidak perlu melakukan apa pun'), 'nothing for the applicant to do');
      await check(citizen.page, 'a recorded application with its promised day');
    }
    await step(supervisor, reference, 'send_to_afis', 'Dikirim ke AFIS');
    if (afis === 'single') await step(supervisor, reference, 'afis_single', 'AFIS: identitas tunggal', 'AFIS-001');
    else {
      await step(supervisor, reference, 'afis_duplicate', 'AFIS: identitas ganda', 'AFIS-002');
      if (citizen) {
        await citizen.page.goto(`/permohonan/${citizen.id}`);
        assert.ok((await citizen.page.textContent('main')).includes('untuk klarifikasi'), 'the applicant is asked to come');
        const mail = await mailTo(citizen.email, 'perlu klarifikasi');
        assert.ok(mail.body.includes('Datanglah ke kantor Disdukcapil'), mail.body);
      }
      await step(supervisor, reference, 'clarification_resolved', 'Klarifikasi: selesai');
    }
    await step(supervisor, reference, 'card_ready', 'Kartu dicetak dan ada di tempat layanan');
  };
  await toPersonalizing(citizens.approve.reference, 'single', citizens.approve);
  // Ready: the page says so, within the promise, with the form to bring; the applicant got each message.
  const ready = citizens.approve.page;
  await ready.goto(`/permohonan/${citizens.approve.id}`);
  const readyText = await ready.textContent('main');
  assert.ok(readyText.includes(`Siap ${longDay(today)}, sesuai janji layanan (${longDay(promised)})`), readyText);
  await ready.getByRole('link', { name: 'Unduh formulir permohonan (PDF)' }).waitFor();
  await check(ready, 'a card ready to collect');
  const email = citizens.approve.email;
  for (const subject of ['diterima', 'disetujui: pilih jadwal perekaman', 'siap diambil']) {
    const mail = await mailTo(email, subject);
    assert.ok(mail.subject.includes(citizens.approve.reference), `${subject}: names the registration number`);
    assert.ok(!mail.body.includes('1403094508060002') && !/https?:\/\//.test(mail.body), `${subject}: no NIK, no link`);
  }
  await step(supervisor, citizens.approve.reference, 'handover_match', 'Penyerahan: sidik jari cocok, kartu diserahkan', true);
  await mailTo(email, 'sudah diserahkan');
  await check(supervisor, 'an issued application and its history');
  await citizenSees(citizens.approve.page, citizens.approve.id,
    ['submitted', 'approved', 'recorded', 'identifying', 'personalizing', 'ready', 'issued'], 'issued, with JavaScript');

  await toPersonalizing(citizens.duplicate.reference, 'duplicate', citizens.duplicate);
  await step(supervisor, citizens.duplicate.reference, 'handover_match', 'Penyerahan: sidik jari cocok, kartu diserahkan', true);
  await citizenSees(citizens.duplicate.page, citizens.duplicate.id,
    ['approved', 'recorded', 'identifying', 'clarification', 'personalizing', 'ready', 'issued'], 'issued after clarification');

  await toPersonalizing(citizens.mismatch.reference, 'single');
  await step(supervisor, citizens.mismatch.reference, 'handover_mismatch', 'Penyerahan: sidik jari tidak cocok', true);
  await citizenSees(citizens.mismatch.page, citizens.mismatch.id, ['ready', 'clarification'], 'a 1:1 mismatch at handover');

  // Two blanks went into cards handed over, one into the withheld card: 97 left.
  await supervisor.goto('/petugas/blangko');
  assert.equal(await supervisor.getAttribute('[data-stock]', 'data-stock'), '97');

  // Every view was logged; the supervisor reads the log, the counter shows the day.
  await supervisor.goto(`/petugas/log-akses?nomor=${citizens.mismatch.reference}`);
  assert.ok((await supervisor.locator('tbody tr').count()) >= 5, 'the access log lists the views');
  await check(supervisor, 'the access log');
  await supervisor.goto('/petugas/loket');
  await check(supervisor, 'the counter');

  // A complaint (without JavaScript): filed on the application's page, answered in the console, read back.
  const complainer = citizens.return.page;
  await complainer.goto(`/permohonan/${citizens.return.id}`);
  await complainer.getByRole('button', { name: 'Kirim pengaduan' }).click();
  await complainer.getByText('Tulis isi pengaduan Anda.').first().waitFor();
  await check(complainer, 'a complaint form with its problem');
  await complainer.getByLabel('Isi pengaduan').fill('Sudah dua minggu belum ada kabar tentang jadwal perekaman.');
  await complainer.getByRole('button', { name: 'Kirim pengaduan' }).click();
  await complainer.getByText('Menunggu jawaban').waitFor();
  await supervisor.goto('/petugas/pengaduan');
  await check(supervisor, 'the open complaints');
  await supervisor.getByLabel('Jawaban').fill('Mohon maaf, silakan pilih jadwal di portal; kami tunggu kedatangan Anda.');
  await supervisor.getByRole('button', { name: 'Kirim jawaban' }).click();
  await supervisor.getByText('Jawaban terkirim').waitFor();
  await complainer.goto(`/permohonan/${citizens.return.id}`);
  assert.ok((await complainer.textContent('main')).includes('kami tunggu kedatangan Anda'), 'the applicant reads the answer');
  await mailTo(citizens.return.email, 'Pengaduan Anda');
  await complainer.getByRole('button', { name: 'Tandai selesai' }).click();
  await complainer.locator('.complaint .tag', { hasText: 'Selesai' }).waitFor();
  await check(complainer, 'a resolved complaint');

  // The operator of the Bengkalis point cannot take the supervisor's steps.
  await open(operator, citizens.mismatch.reference);
  assert.ok((await operator.textContent('main')).includes('Tidak ada tindakan untuk peran Anda'), 'no AFIS or clarification for an operator');
  for (const page of [admin, operator, supervisor, ...Object.values(citizens).map((c) => c.page)]) {
    assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
    await page.context().close();
  }
});
