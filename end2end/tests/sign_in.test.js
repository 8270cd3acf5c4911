// A citizen signs in from the landing page with a code read from the mail, and out again; with JavaScript on and
// off, on a phone-sized screen, every page axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, hydrated, check, assertNoScript } from './support.js';
import { signIn } from './citizen.js';
import { codeSentTo } from './mail.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const javaScript of [false, true]) {
  const mode = javaScript ? 'JavaScript on' : 'JavaScript off';
  const email = `warga.${javaScript ? 'js' : 'nojs'}.${Date.now()}@contoh.id`;

  test(`a citizen signs in with a mailed code and signs out (${mode})`, async () => {
    const page = await phonePage(browser, { javaScript });
    await page.goto('/');
    if (javaScript) await hydrated(page);
    await page.getByRole('link', { name: 'Mulai permohonan' }).click();
    await page.waitForURL('**/masuk');
    assert.equal((await page.textContent('h1')).trim(), 'Masuk ke Portal KTP-el');
    await check(page, `the sign-in page (${mode})`);
    if (javaScript) await assertNoScript(page, 'the sign-in page');

    // A mistake first: it is explained at the top and beside the field, and what was typed stays.
    await page.getByLabel('Alamat email atau nomor HP').fill('warga@contoh');
    await page.getByRole('button', { name: 'Kirim kode' }).click();
    await page.getByText('Ada yang perlu diperbaiki').waitFor();
    assert.equal(await page.getByLabel('Alamat email atau nomor HP').inputValue(), 'warga@contoh');
    assert.match(await page.title(), /^Galat: /);
    await check(page, `the sign-in page with an error (${mode})`);

    const sentAfter = Date.now();
    await page.getByLabel('Alamat email atau nomor HP').fill(email);
    await page.getByRole('button', { name: 'Kirim kode' }).click();
    await page.waitForURL('**/masuk/kode');
    await page.getByRole('heading', { name: 'Masukkan kode dari pesan kami' }).waitFor();
    await check(page, `the code page (${mode})`);
    if (javaScript) await assertNoScript(page, 'the code page');

    // A wrong code says how many tries are left.
    const code = await codeSentTo(email, { after: sentAfter - 1000 });
    await page.getByLabel('Kode 6 angka').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Lanjutkan' }).click();
    await page.getByText('Kode salah. Sisa percobaan: 4').first().waitFor();

    await page.getByLabel('Kode 6 angka').fill(code);
    await page.getByRole('button', { name: 'Lanjutkan' }).click();
    await page.waitForURL('**/akun');
    await page.getByRole('heading', { name: 'Permohonan saya' }).waitFor();
    assert.ok((await page.textContent('main')).includes('wa***@contoh.id'), 'the account shows who is signed in');
    await check(page, `the account page (${mode})`);
    if (javaScript) await assertNoScript(page, 'the account page');

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.ok(!session.value.includes('warga'), 'the session cookie carries no personal data');

    await page.getByRole('button', { name: 'Keluar', exact: true }).click();
    await page.waitForURL((url) => new URL(url).pathname === '/');
    await page.goto('/akun');
    await page.waitForURL('**/masuk');
    assert.deepEqual(page.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
    await page.context().close();
  });

  test(`a citizen signs out on every device from the account page (${mode})`, async () => {
    const email = `perangkat.${javaScript ? 'js' : 'nojs'}.${Date.now()}@contoh.id`;
    // The same account on two phones: the other one is left signed in, forgotten.
    const forgotten = await phonePage(browser, { javaScript: false });
    await signIn(forgotten, email);
    const page = await phonePage(browser, { javaScript });
    await signIn(page, email);
    if (javaScript) await hydrated(page);

    // A plain form with JavaScript too (before islands it was answered in place): the page says it is done.
    await page.getByRole('button', { name: 'Keluar dari semua perangkat' }).click();
    await page.getByRole('heading', { name: 'Anda sudah keluar dari semua perangkat' }).waitFor();
    await page.getByText('Semua sesi akun Anda telah diakhiri').waitFor();
    await page.getByRole('link', { name: 'Masuk lagi' }).waitFor();
    await check(page, `signed out on every device (${mode})`);
    if (javaScript) await assertNoScript(page, 'the account page, signed out on every device');

    // Both phones are signed out: the account page sends each to the sign-in page.
    for (const phone of [forgotten, page]) {
      await phone.goto('/akun');
      await phone.waitForURL('**/masuk');
      await phone.getByRole('heading', { name: 'Masuk ke Portal KTP-el' }).waitFor();
      assert.deepEqual(phone.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the console');
    }
    await forgotten.context().close();
    await page.context().close();
  });
}
