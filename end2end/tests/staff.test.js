// The staff console in the browser. The first admin comes from `server create-admin` (scripts/end2end.sh passes
// its one-time link as ADMIN_LINK); every account enrols by scanning its TOTP secret, which the test computes as an
// authenticator app would. An operator approves one application and returns another, whose applicant reads the
// reason, corrects and submits again; a supervisor takes one application to issued, one through a duplicate
// identity and clarification to issued, and one to a 1:1 mismatch at handover, whose withheld card goes back to
// Kemendagri under a recorded reference. Every applicant lives at Kecamatan Bengkalis: their printed card is sent
// to Kantor Camat Bengkalis, whose operator marks its arrival. The applicants' pages show each step. Every
// console page is axe-clean on a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, hydrated, check } from './support.js';
import { signIn, submittedApplication, womanNik } from './citizen.js';
import { mailTo } from './mail.js';
import { enrol, staffSignIn, createAccount, open, step, blankCards, addBlankCards } from './staff.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const STATUS = {
  submitted: 'Terkirim, menunggu pemeriksaan', returned: 'Dikembalikan untuk diperbaiki', approved: 'Disetujui',
  recorded: 'Sudah direkam', identifying: 'Dalam identifikasi', clarification: 'Perlu klarifikasi',
  personalizing: 'Sedang dicetak', distributing: 'Sedang dikirim ke tempat pelayanan', ready: 'Siap diambil',
  issued: 'Sudah diterima',
};
const POINT = 'Kantor Camat Bengkalis';

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
  if (citizen.javaScript) await hydrated(citizen);
  const history = await citizen.textContent('.timeline');
  for (const s of statuses) assert.ok(history.includes(STATUS[s]), `${label}: the applicant's history shows ${STATUS[s]}`);
  await check(citizen, label);
}

test('operators review and supervisors run the card process to issued, through clarification, and to a mismatch', async () => {
  assert.ok(process.env.ADMIN_LINK, 'scripts/end2end.sh creates the first admin and passes its link');
  const stamp = Date.now();

  // Four applicants submit; each keeps their own browser to follow their application. Each is another person,
  // with their own NIK: one application in progress per NIK holds across accounts and test files.
  const citizens = {};
  const people = [
    ['approve', womanNik('2006-08-05', 22), 'Siti Aminah', '2006-08-05'],
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
  const approveNik = womanNik('2006-08-05', 22);
  assert.ok(queue.includes('1403********0022') && !queue.includes(approveNik), 'the queue masks the NIK');

  // The operator approves one and returns another with a reason.
  await open(operator, citizens.approve.reference);
  assert.ok((await operator.textContent('main')).includes(approveNik), 'the detail shows the whole NIK');
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

  // The supervisor records blank cards, then runs the process. (Other test files may have used blanks before.)
  const supervisor = await phonePage(browser, { javaScript: false });
  await staffSignIn(supervisor, `kepala${stamp}`, await enrol(supervisor, supervisorLink, 'supervisor'));
  const stockBefore = await blankCards(supervisor);
  await addBlankCards(supervisor, 100);
  assert.equal(await supervisor.getAttribute('[data-stock]', 'data-stock'), String(stockBefore + 100));
  await check(supervisor, 'blank cards');

  // Printed, sent to the applicant's district point, and marked arrived there by that point's operator.
  const toReady = async (reference, afis, citizen) => {
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
    // A citizen of a district is not handed the card at the Dinas: the one way on is to send it to their point.
    await open(supervisor, reference);
    await supervisor.getByRole('button', { name: 'Klaim permohonan ini' }).click();
    await supervisor.getByRole('button', { name: 'Kartu dicetak dan dikirim ke tempat layanan' }).waitFor();
    assert.equal(await supervisor.getByRole('button', { name: 'Kartu dicetak dan ada di tempat layanan' }).count(), 0,
      'no "card at the service point" for a card that must travel');
    assert.ok((await supervisor.textContent('main')).includes(`Kartu dikirim ke: ${POINT}`), 'the step names the point');
    await step(supervisor, reference, 'distribute', 'Kartu dicetak dan dikirim ke tempat layanan');
    assert.ok((await supervisor.textContent('main')).includes(`Kartu sedang dikirim ke ${POINT}.`), 'the console says where it goes');
    if (citizen) {
      await citizen.page.goto(`/permohonan/${citizen.id}`);
      const main = await citizen.page.textContent('main');
      assert.ok(main.includes(STATUS.distributing), main);
      assert.ok(main.includes(`sedang dikirim ke ${POINT}`), `the applicant reads where the card goes: ${main}`);
      await check(citizen.page, 'a card on its way to the district point');
    }
    await step(operator, reference, 'card_arrived', 'Kartu tiba di tempat layanan');
  };
  await toReady(citizens.approve.reference, 'single', citizens.approve);
  // Ready: the page says so, within the promise, with the form to bring; the applicant got each message.
  const ready = citizens.approve.page;
  await ready.goto(`/permohonan/${citizens.approve.id}`);
  const readyText = await ready.textContent('main');
  assert.ok(readyText.includes(`Siap ${longDay(today)}, sesuai janji layanan (${longDay(promised)})`), readyText);
  await ready.getByRole('link', { name: 'Unduh formulir permohonan (PDF)' }).waitFor();
  await check(ready, 'a card ready to collect');
  const email = citizens.approve.email;
  for (const subject of ['diterima', 'disetujui: pilih jadwal perekaman', `sedang dikirim ke ${POINT}`, 'siap diambil']) {
    const mail = await mailTo(email, subject);
    assert.ok(mail.subject.includes(citizens.approve.reference), `${subject}: names the registration number`);
    assert.ok(!mail.body.includes(approveNik) && !/https?:\/\//.test(mail.body), `${subject}: no NIK, no link`);
  }
  await step(supervisor, citizens.approve.reference, 'handover_match', 'Penyerahan: sidik jari cocok, kartu diserahkan', true);
  await mailTo(email, 'sudah diserahkan');
  await check(supervisor, 'an issued application and its history');
  await citizenSees(citizens.approve.page, citizens.approve.id,
    ['submitted', 'approved', 'recorded', 'identifying', 'personalizing', 'distributing', 'ready', 'issued'],
    'issued, with JavaScript');

  await toReady(citizens.duplicate.reference, 'duplicate', citizens.duplicate);
  await step(supervisor, citizens.duplicate.reference, 'handover_match', 'Penyerahan: sidik jari cocok, kartu diserahkan', true);
  await citizenSees(citizens.duplicate.page, citizens.duplicate.id,
    ['approved', 'recorded', 'identifying', 'clarification', 'personalizing', 'distributing', 'ready', 'issued'],
    'issued after clarification');

  // A 1:1 mismatch at handover: the card is withheld and goes back to Kemendagri under the reference typed in.
  await toReady(citizens.mismatch.reference, 'single');
  await open(supervisor, citizens.mismatch.reference);
  await supervisor.getByRole('button', { name: 'Klaim permohonan ini' }).click();
  await check(supervisor, 'a card ready at its point, with the handover steps');
  const returnReference = `BA-${stamp}/KTP/017`;
  await step(supervisor, citizens.mismatch.reference, 'handover_mismatch', 'Penyerahan: sidik jari tidak cocok',
    { nomor: returnReference, tick: true });
  const recorded = await supervisor.textContent('main');
  assert.ok(recorded.includes(`Kartu dikembalikan ke Kemendagri untuk dimusnahkan: ${returnReference}`),
    `the history records the withheld card's return: ${recorded}`);
  await check(supervisor, 'a withheld card returned to Kemendagri');
  await citizenSees(citizens.mismatch.page, citizens.mismatch.id, ['distributing', 'ready', 'clarification'], 'a 1:1 mismatch at handover');
  const withheld = await citizens.mismatch.page.textContent('main');
  assert.ok(withheld.includes('kartu itu ditahan dan dikembalikan ke Kemendagri untuk dimusnahkan'), withheld);
  assert.ok(!withheld.includes('Pemeriksaan identitas pusat menemukan data'), 'not explained as an AFIS duplicate');
  assert.ok((await mailTo(citizens.mismatch.email, 'tidak dapat diserahkan')).body.includes('dikembalikan ke Kemendagri'));

  // Two blanks went into cards handed over, one into the withheld card (not given back): 97 of the 100 left.
  assert.equal(await blankCards(supervisor), stockBefore + 97);

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
