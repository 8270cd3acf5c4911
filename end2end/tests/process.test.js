// The card process as applicants and the office live it (issue 13), each applicant's pages with JavaScript on and
// off, on a phone-sized screen, every page axe-clean:
// - a citizen of Kecamatan Bengkalis follows their printed card on its way to Kantor Camat Bengkalis, then reads
//   that it is ready there;
// - a rejection frees the rejected applicant's place: another applicant's booking page counts it free again;
// - an applicant who comes after their slot ended is marked arrived at the counter until the point closes, and is
//   never marked missed; one who did not come is, once the point has closed, and is told to book again.
// The staff are a second admin (scripts/end2end.sh passes its one-time link as PROCESS_ADMIN_LINK), an operator of
// Kantor Camat Bengkalis and a supervisor. The pages cannot book the past: the late arrival's appointment is moved
// to an earlier slot of today in the server's SQLite database (DATABASE_FILE), with the `sqlite3` program.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, phonePage, hydrated, check, assertNoScript } from './support.js';
import { signIn, submittedApplication, womanNik } from './citizen.js';
import { mailTo, subjectsTo } from './mail.js';
import { choose } from './appointment.js';
import { staffTeam, step, addBlankCards } from './staff.js';

const POINT = 'Kantor Camat Bengkalis';
const POINT_ID = '14.03.01';
const STAMP = Date.now();
const BIRTH_DATE = '1997-07-15';
const MISSED = 'Anda tidak datang';

let browser;
let staff;
before(async () => {
  assert.ok(process.env.PROCESS_ADMIN_LINK, 'scripts/end2end.sh creates the second admin and passes its link');
  browser = await launch();
  staff = await staffTeam(browser, phonePage, {
    adminLink: process.env.PROCESS_ADMIN_LINK,
    adminUsername: 'admin2',
    names: { operator: `loket${STAMP}`, supervisor: `pengawas${STAMP}` },
    point: POINT_ID,
  });
  // Printing a card takes a blank one.
  await addBlankCards(staff.supervisor, 10);
});
after(async () => {
  for (const page of Object.values(staff ?? {})) {
    assertNoErrors(page);
    await page.context().close();
  }
  await browser?.close();
});

// Serials 101 on of women born on BIRTH_DATE are this file's (see womanNik): one application in progress per NIK.
let serial = 100;

/** A citizen of Kecamatan Bengkalis with a submitted application, on their own phone. */
async function applicant(key, javaScript, name) {
  const page = await phonePage(browser, { javaScript });
  const email = `${key}.${javaScript ? 'js' : 'nojs'}.${STAMP}@contoh.id`;
  await signIn(page, email);
  serial += 1;
  const submitted = await submittedApplication(page, { nik: womanNik(BIRTH_DATE, serial), name, birthDate: BIRTH_DATE });
  return { page, email, name, ...submitted };
}

/** Opens `path` as the applicant, waits for the WebAssembly app where it runs; the main content's text. */
async function show(citizen, path) {
  await citizen.page.goto(path);
  await citizen.page.locator('h1').waitFor();
  if (citizen.page.javaScript) await hydrated(citizen.page);
  return citizen.page.textContent('main');
}
/** The task list / tracking page: no island, so (islands build) no script with JavaScript on either. */
async function tracking(citizen) {
  const text = await show(citizen, `/permohonan/${citizen.id}`);
  if (citizen.page.javaScript) await assertNoScript(citizen.page, 'the tracking page');
  return text;
}
const bookingPage = (citizen, query = '') => show(citizen, `/permohonan/${citizen.id}/jadwal${query}`);

/** From the tracking page, as the applicant would: the link to the appointment, then place, day and time. */
async function book(citizen, { nth, time, label }) {
  await tracking(citizen);
  await citizen.page.getByRole('link', { name: 'Lihat jadwal perekaman' }).click();
  await citizen.page.locator('#lokasi').waitFor();
  if (citizen.page.javaScript) await hydrated(citizen.page);
  return choose(citizen.page, { place: new RegExp(POINT), nth, time, button: 'Pesan jadwal', label });
}

/** The places left that the booking page shows for `time` ("sisa N tempat", or "penuh"), and for its day. */
async function placesShown(page, day, time) {
  const radio = (await page.locator(`label[for="time-${time.replace(':', '')}"]`).textContent()).trim();
  const slot = radio.includes('penuh') ? 0 : Number(radio.match(/sisa (\d+) tempat/)?.[1]);
  const dayLink = page.locator(`#hari ~ ul.choices a[href*="tanggal=${day}"] .choice__hint`);
  const whole = Number((await dayLink.textContent()).match(/(\d+) tempat/)?.[1]);
  assert.ok(Number.isInteger(slot) && Number.isInteger(whole), `places shown: "${radio}", day: ${whole}`);
  return { slot, day: whole };
}

function assertNoErrors(page) {
  assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
}

for (const javaScript of [false, true]) {
  const mode = javaScript ? 'JavaScript on' : 'JavaScript off';

  test(`a citizen follows the card on its way to their district point, then ready there (${mode})`, async () => {
    const { operator, supervisor } = staff;
    const citizen = await applicant('kirim', javaScript, 'Wulan Sari');
    await step(supervisor, citizen.reference, 'approve', 'Setujui');
    await step(supervisor, citizen.reference, 'record', 'Perekaman selesai', true);
    await step(supervisor, citizen.reference, 'send_to_afis', 'Dikirim ke AFIS');
    await step(supervisor, citizen.reference, 'afis_single', 'AFIS: identitas tunggal', `AFIS-${STAMP}-${javaScript ? 'js' : 'nojs'}`);
    await step(supervisor, citizen.reference, 'distribute', 'Kartu dicetak dan dikirim ke tempat layanan');
    const review = await supervisor.textContent('main');
    assert.ok(review.includes(`Kartu sedang dikirim ke ${POINT}.`), `the console says where the card goes: ${review}`);
    assert.ok(review.includes('Sedang dikirim ke tempat pelayanan'), 'and in which state');
    await check(supervisor, `a card on its way, in the console (${mode})`);

    // On its way: the applicant reads where to, and that there is nothing to collect yet.
    let text = await tracking(citizen);
    assert.ok(text.includes('Status: Sedang dikirim ke tempat pelayanan'), text);
    assert.ok(text.includes(`KTP-el Anda sudah dicetak dan sedang dikirim ke ${POINT}.`), text);
    assert.ok(!text.includes('siap diambil'), 'not ready yet');
    assert.equal(await citizen.page.getByRole('link', { name: 'Unduh formulir permohonan (PDF)' }).count(), 0,
      'no form to bring before the card is there');
    await check(citizen.page, `a card on its way to ${POINT} (${mode})`);
    const sent = await mailTo(citizen.email, `sedang dikirim ke ${POINT}`);
    assert.ok(sent.subject.includes(citizen.reference), sent.subject);
    assert.ok(sent.body.includes(`sedang dikirim ke ${POINT}`), sent.body);

    // The point's operator marks its arrival: ready to collect there, with the form to bring.
    await step(operator, citizen.reference, 'card_arrived', 'Kartu tiba di tempat layanan');
    text = await tracking(citizen);
    assert.ok(text.includes('Status: Siap diambil'), text);
    assert.ok(text.includes(`KTP-el Anda siap diambil di ${POINT}.`), text);
    assert.ok(!text.includes(`sedang dikirim ke ${POINT}`), 'no longer on its way');
    const history = await citizen.page.textContent('.timeline');
    for (const state of ['Sedang dicetak', 'Sedang dikirim ke tempat pelayanan', 'Siap diambil']) {
      assert.ok(history.includes(state), `the history shows ${state}: ${history}`);
    }
    await citizen.page.getByRole('link', { name: 'Unduh formulir permohonan (PDF)' }).waitFor();
    await check(citizen.page, `a card ready at ${POINT} (${mode})`);
    assert.ok((await mailTo(citizen.email, 'siap diambil')).subject.includes(citizen.reference));
    assertNoErrors(citizen.page);
    await citizen.page.context().close();
  });

  test(`a rejection frees the place: another applicant's booking page counts it free again (${mode})`, async () => {
    const time = javaScript ? '09:30' : '09:15';
    const label = (what) => `${what} (rejection, ${mode})`;
    const rejected = await applicant('tolak', javaScript, 'Ratna Dewi');
    const other = await applicant('lain', javaScript, 'Fitri Handayani');

    // The other applicant looks at the fourth open day of the point: the places left at that time, and that day.
    await bookingPage(other, `?lokasi=${POINT_ID}`);
    const href = await other.page.locator('#hari ~ ul.choices a').nth(4).getAttribute('href');
    const day = new URL(href, 'http://x').searchParams.get('tanggal');
    await bookingPage(other, `?lokasi=${POINT_ID}&tanggal=${day}`);
    const initially = await placesShown(other.page, day, time);
    assert.ok(initially.slot >= 1, `a place is left at ${time} on ${day}`);

    // The first applicant books that time: one place fewer on the other's page, for the time and for the day.
    const booked = await book(rejected, { nth: 4, time, label });
    assert.equal(booked.day, day, 'the same day');
    await bookingPage(other, `?lokasi=${POINT_ID}&tanggal=${day}`);
    const taken = await placesShown(other.page, day, time);
    assert.deepEqual(taken, { slot: initially.slot - 1, day: initially.day - 1 }, 'the booking took one place');
    await check(other.page, label('another applicant\'s times'));

    const reason = 'Dokumen bukan milik pemohon';
    await step(staff.operator, rejected.reference, 'reject', 'Tolak', reason);

    await bookingPage(other, `?lokasi=${POINT_ID}&tanggal=${day}`);
    const freed = await placesShown(other.page, day, time);
    assert.deepEqual(freed, initially, 'the rejection gave the place back: the count went up by one again');
    await check(other.page, label('another applicant\'s times, the place freed'));

    // The rejected applicant reads the reason and has no appointment left.
    const text = await tracking(rejected);
    assert.ok(text.includes('Status: Ditolak'), text);
    assert.ok(text.includes('Permohonan Anda ditolak. Alasannya:') && text.includes(reason), text);
    for (const link of ['Pesan jadwal perekaman', 'Lihat jadwal perekaman']) {
      assert.equal(await rejected.page.getByRole('link', { name: link }).count(), 0, `no "${link}"`);
    }
    await check(rejected.page, label('a rejected application with its reason'));
    const booking = await bookingPage(rejected);
    assert.equal(await rejected.page.locator('#jadwal-anda').count(), 0, 'no appointment panel');
    assert.ok(!booking.includes(`${time} – `), `the freed time is not shown as the applicant's: ${booking}`);
    assert.equal(await rejected.page.getByRole('button', { name: 'Pesan jadwal' }).count(), 0, 'nothing to book');
    await check(rejected.page, label('a rejected application\'s booking page'));
    const cancelled = await mailTo(rejected.email, 'dibatalkan');
    assert.ok(cancelled.body.includes('ditolak') && cancelled.body.includes('tempatnya kami lepaskan'), cancelled.body);
    assert.ok((await mailTo(rejected.email, 'ditolak')).body.includes(reason));
    for (const citizen of [rejected, other]) {
      assertNoErrors(citizen.page);
      await citizen.page.context().close();
    }
  });
}

// -------------------------------------------------------------------------------------------------------------
// The late arrival. The office's clock is real: the point opens all day today, and the appointments are moved
// into slots of today that have already ended.

/** Now in the office's time (WIB, UTC+7): the day (YYYY-MM-DD), the weekday (0 Monday … 6 Sunday), minutes. */
function officeNow() {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  return {
    day: now.toISOString().slice(0, 10),
    weekday: (now.getUTCDay() + 6) % 7,
    minutes: now.getUTCHours() * 60 + now.getUTCMinutes(),
  };
}
const clock = (minutes) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Runs SQL on the server's database (SQLite, beside the running server: it waits for the server's writes). */
function sql(statement) {
  assert.ok(process.env.DATABASE_FILE, 'scripts/end2end.sh passes the database as DATABASE_FILE');
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', process.env.DATABASE_FILE, statement], { encoding: 'utf8' }).trim();
}
const quoted = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** Moves the application's booked appointment to `starts`–`ends` today, its place with it. */
function moveToToday(id, day, starts, ends) {
  const booked = `SELECT point_id, day, starts FROM bookings WHERE application_id = ${quoted(id)} AND status = 'booked'`;
  sql(`BEGIN IMMEDIATE;
    UPDATE slot_usage SET taken = taken - 1 WHERE (point_id, day, starts) IN (${booked});
    INSERT INTO slot_usage (point_id, day, starts, taken)
      SELECT point_id, ${quoted(day)}, ${quoted(starts)}, 1 FROM bookings
      WHERE application_id = ${quoted(id)} AND status = 'booked'
      ON CONFLICT (point_id, day, starts) DO UPDATE SET taken = taken + 1;
    UPDATE bookings SET day = ${quoted(day)}, starts = ${quoted(starts)}, ends = ${quoted(ends)}
      WHERE application_id = ${quoted(id)} AND status = 'booked';
    COMMIT;`);
  assert.equal(sql(`SELECT day || ' ' || starts || ' ' || ends FROM bookings WHERE application_id = ${quoted(id)} AND status = 'booked'`),
    `${day} ${starts} ${ends}`);
}

/** The admin's form of the point's hours: every weekday's two fields, as they stand. */
async function readHours(admin) {
  await admin.goto(`/petugas/kalender/${POINT_ID}`);
  const hours = {};
  for (let d = 0; d < 7; d++) {
    hours[d] = [await admin.inputValue(`#opens-${d}`), await admin.inputValue(`#closes-${d}`)];
  }
  return hours;
}

/** Sets the point's hours for one weekday (or, with `all`, every weekday) through the admin's form. */
async function setHours(admin, { weekday, opens, closes, all }) {
  await admin.goto('/petugas/kalender');
  await admin.getByRole('link', { name: `Ubah: ${POINT}` }).click();
  await admin.getByRole('button', { name: 'Simpan' }).waitFor();
  if (all) {
    for (const [d, [o, c]] of Object.entries(all)) {
      await admin.fill(`#opens-${d}`, o);
      await admin.fill(`#closes-${d}`, c);
    }
  } else {
    await admin.fill(`#opens-${weekday}`, opens);
    await admin.fill(`#closes-${weekday}`, closes);
  }
  await admin.getByRole('button', { name: 'Simpan' }).click();
  await admin.waitForURL((url) => new URL(url).pathname === '/petugas/kalender' && !new URL(url).search.includes('galat'));
}

/** Waits (up to `seconds`) until `condition` holds, trying again every two seconds. */
async function eventually(condition, seconds, what) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) assert.fail(`after ${seconds} s: ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

test('a late arrival is marked at the counter until the point closes, and who came is never marked missed', async (t) => {
  const now = officeNow();
  // Two slots of today must have ended (from 00:00), and the point must still be open until 23:59.
  if (now.minutes < 60 || now.minutes > 23 * 60 + 40) {
    t.skip(`the office's clock reads ${clock(now.minutes)}: no two ended slots of today, or too close to midnight`);
    return;
  }
  const { admin, operator } = staff;
  const label = (what, mode = '') => `${what} (late arrival${mode ? `, ${mode}` : ''})`;
  // Two applicants come late (their pages with JavaScript off and on); one does not come.
  const lateOff = await applicant('telat', false, 'Maya Putri');
  const lateOn = await applicant('telat', true, 'Indah Permata');
  const absent = await applicant('absen', false, 'Yuni Kartika');
  await book(lateOff, { nth: 5, time: '10:00', label: (w) => label(w, 'JavaScript off') });
  await book(lateOn, { nth: 5, time: '10:15', label: (w) => label(w, 'JavaScript on') });
  await book(absent, { nth: 5, time: '10:30', label: (w) => label(w, 'absent') });
  // The recording follows the arrival for one of them: their application is approved already.
  await step(operator, lateOn.reference, 'approve', 'Setujui');

  const original = await readHours(admin);
  try {
    // The point opens all day today; the admin's calendar shows it.
    await admin.goto(`/petugas/kalender/${POINT_ID}`);
    await check(admin, label('a point\'s opening hours'));
    await setHours(admin, { weekday: now.weekday, opens: '00:00', closes: '23:59' });
    assert.ok((await admin.textContent('main')).includes('00:00–23:59'), 'the calendar lists the new hours');

    // The slots that ended last: [ends − 15, ends) for two of them, the one before for the third.
    const ends = Math.floor(now.minutes / 15) * 15;
    moveToToday(lateOff.id, now.day, clock(ends - 15), clock(ends));
    moveToToday(absent.id, now.day, clock(ends - 15), clock(ends));
    moveToToday(lateOn.id, now.day, clock(ends - 30), clock(ends - 15));

    // The counter lists the three, each still open to mark, with the late-arrival hint.
    await operator.goto('/petugas/loket');
    let counter = await operator.textContent('main');
    assert.ok(counter.includes(`${POINT}`), counter);
    assert.ok(counter.includes('Pemohon yang datang terlambat tetap bisa ditandai datang sampai tempat layanan tutup hari ini.'), counter);
    for (const c of [lateOff, lateOn, absent]) {
      await operator.getByRole('button', { name: `Tandai datang: ${c.reference}` }).waitFor();
    }
    await check(operator, label('the counter, appointments of today that have ended'));

    // Both late applicants arrive and are marked: the page says so.
    for (const c of [lateOff, lateOn]) {
      await operator.getByRole('button', { name: `Tandai datang: ${c.reference}` }).click();
      await operator.waitForURL('**/petugas/loket**');
      const row = operator.locator('tr', { hasText: c.reference });
      assert.ok((await row.textContent()).includes('Sudah datang'), await row.textContent());
      assert.equal(await row.getByRole('button').count(), 0, 'nothing left to mark');
    }
    await check(operator, label('the counter, two late arrivals marked'));
    // One is recorded at once, after their slot ended.
    await step(operator, lateOn.reference, 'record', 'Perekaman selesai', true);

    // The applicant marked arrived, not yet recorded: the appointment stands, today, and cannot be moved any more.
    let text = await bookingPage(lateOff);
    const panel = await lateOff.page.textContent('#jadwal-anda');
    assert.ok(panel.includes(`${clock(ends - 15)} – ${clock(ends)} WIB`), `today's appointment: ${panel}`);
    assert.equal(await lateOff.page.getByRole('button', { name: 'Batalkan jadwal' }).count(), 0, 'no cancelling');
    assert.ok(!text.includes(MISSED), text);
    await check(lateOff.page, label('an arrived applicant\'s appointment', 'JavaScript off'));
    // The one recorded: the application moved on.
    text = await tracking(lateOn);
    assert.ok(text.includes('Status: Sudah direkam') && !text.includes(MISSED), text);
    await check(lateOn.page, label('recorded after the slot ended', 'JavaScript on'));

    // The point closes: its hours for today end at the end of those slots. The sweep (once a minute) closes the day.
    await setHours(admin, { weekday: now.weekday, opens: '00:00', closes: clock(ends) });
    await eventually(async () => (await bookingPage(absent)).includes(MISSED), 150,
      'the applicant who did not come reads that they missed the appointment');
    const missed = await bookingPage(absent);
    assert.ok(missed.includes(`${MISSED} pada jadwal`) && missed.includes(`${clock(ends - 15)}`), missed);
    await absent.page.getByRole('heading', { name: 'Pilih tempat' }).waitFor();
    await check(absent.page, label('a missed appointment, to book again'));
    const told = await mailTo(absent.email, 'Anda tidak datang');
    assert.ok(told.body.includes(`/permohonan/${absent.id}/jadwal`), `a link to book again: ${told.body}`);

    // At the counter: the two who came stay arrived, the third is missed, and nobody can be marked any more.
    await operator.goto('/petugas/loket');
    counter = await operator.textContent('main');
    for (const c of [lateOff, lateOn]) {
      assert.ok((await operator.locator('tr', { hasText: c.reference }).textContent()).includes('Sudah datang'), counter);
    }
    assert.ok((await operator.locator('tr', { hasText: absent.reference }).textContent()).includes('Tidak datang'), counter);
    assert.equal(await operator.getByRole('button', { name: /^Tandai datang/ }).count(), 0, 'the point has closed');
    await check(operator, label('the counter after closing'));

    // Neither late applicant reads that they did not come, on any page, nor is told so.
    for (const [c, mode] of [[lateOff, 'JavaScript off'], [lateOn, 'JavaScript on']]) {
      for (const page of [tracking, bookingPage]) {
        text = await page(c);
        assert.ok(!text.includes(MISSED), `${c.name}: ${text}`);
        await check(c.page, label(page === tracking ? 'came late: the application' : 'came late: the booking page', mode));
      }
    }
    // Every message about the three was sent by now (the missed one was): none said "did not come" to those who came.
    const ids = [lateOff, lateOn, absent].map((c) => quoted(c.id)).join(', ');
    await eventually(async () => sql(`SELECT COUNT(*) FROM outbox WHERE application_id IN (${ids})
      AND recipient IS NULL AND sent_at IS NULL AND failed_at IS NULL`) === '0', 60, 'the outbox sent its messages');
    for (const c of [lateOff, lateOn]) {
      const subjects = subjectsTo(c.email);
      assert.ok(!subjects.some((s) => s.includes('tidak datang')), `${c.name}: ${subjects.join(' | ')}`);
    }
    for (const c of [lateOff, lateOn, absent]) {
      assertNoErrors(c.page);
      await c.page.context().close();
    }
  } finally {
    await setHours(admin, { all: original });
  }
});
