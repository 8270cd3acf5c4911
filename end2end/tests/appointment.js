// The recording appointment, after submission: choose a place, a day and a time; download the application form
// (PDF) and the calendar file; move to another time; cancel. Shared by the journeys of application.test.js.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hydrated, check } from './support.js';

/** Waits for the page the last click led to (a load without JavaScript, a route change with it). */
export async function settled(page, urlPart) {
  await page.waitForURL((url) => url.href.includes(urlPart));
  await page.locator('h1').waitFor();
  if (page.javaScript) await hydrated(page);
}

/** Follows a download link and returns the file's bytes. */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  return readFile(await file.path());
}

/** Chooses a place, the `nth` open day, and the time that starts at `time`; returns the day's label and the day
 *  as YYYY-MM-DD (from the page's address). */
export async function choose(page, { place, nth, time, button, label }) {
  await page.getByRole('link', { name: place }).click();
  await settled(page, 'lokasi=');
  await check(page, label(`the appointment: days (${button})`));
  const day = page.locator('#hari ~ ul.choices a').nth(nth);
  const dayLabel = (await day.locator('.choice__name').textContent()).trim();
  await day.click();
  await settled(page, 'tanggal=');
  const iso = new URL(page.url()).searchParams.get('tanggal');
  await check(page, label(`the appointment: times (${button})`));
  const radio = page.getByLabel(new RegExp(`^${time} – `));
  await radio.check();
  if (page.javaScript) {
    // Coming back to the page from another tab reads the places left again; the time chosen stays chosen.
    // (Whatever the island asks the server: the first request the page makes in the background.)
    const refreshed = page.waitForResponse((r) => ['fetch', 'xhr'].includes(r.request().resourceType()));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    assert.equal((await refreshed).status(), 200);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    assert.ok(await radio.isChecked(), `${time} is still chosen after the places were read again`);
  }
  await page.locator('main button[type=submit]', { hasText: button }).click();
  // When moving, the panel is there already: wait until it shows the new time.
  await page.locator('#jadwal-anda', { hasText: `${time} – ` }).waitFor();
  if (page.javaScript) await hydrated(page);
  return { dayLabel, day: iso };
}

export async function bookMoveAndCancel(page, { foreigner, label }) {
  await page.getByRole('link', { name: 'Pesan jadwal perekaman' }).click();
  await settled(page, '/jadwal');
  await check(page, label('the appointment: places'));
  const places = await page.locator('#lokasi ~ ul.choices a').allTextContents();
  if (foreigner) {
    assert.equal(places.length, 1, 'a foreign resident is offered the Dinas only');
    assert.match(places[0], /Kantor Dinas/);
  } else {
    assert.equal(places.length, 12, 'the Dinas and the 11 districts');
  }
  const place = foreigner ? /Kantor Dinas/ : /Kantor Camat Bengkalis/;

  const { dayLabel: firstDay } = await choose(page, { place, nth: 2, time: '08:00', button: 'Pesan jadwal', label });
  const booked = await page.textContent('#jadwal-anda');
  assert.ok(booked.includes(firstDay) && booked.includes('08:00 – 08:15 WIB'), `booked: ${booked}`);
  assert.ok(booked.includes(foreigner ? 'KITAP asli' : 'Kartu Keluarga (KK) asli'), 'what to bring');
  await check(page, label('the appointment: booked'));

  const form = await download(page, 'Unduh formulir permohonan (PDF)');
  assert.equal(form.subarray(0, 5).toString(), '%PDF-', 'the application form is a PDF');
  const ics = (await download(page, 'Tambahkan ke kalender (.ics)')).toString();
  assert.match(ics, /BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T010000Z/, '08:00 WIB in the calendar file');

  const { dayLabel: movedDay } = await choose(page, { place, nth: 3, time: '09:00', button: 'Pindahkan ke jam ini', label });
  const moved = await page.textContent('#jadwal-anda');
  assert.ok(moved.includes(movedDay) && moved.includes('09:00 – 09:15 WIB'), `moved: ${moved}`);
  assert.ok(!moved.includes('08:00 – 08:15 WIB'), 'the old time is gone');
  await check(page, label('the appointment: moved'));

  await page.getByRole('button', { name: 'Batalkan jadwal' }).click();
  await page.locator('#jadwal-anda').waitFor({ state: 'detached' });
  await page.getByRole('heading', { name: 'Pilih tempat' }).waitFor();
  await check(page, label('the appointment: cancelled'));
}
