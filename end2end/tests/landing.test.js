import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, phonePage, hydrated, assertAccessible, assertNoHorizontalScroll, assertNoScript } from './support.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ID_HEADING = 'Ajukan KTP-el dari ponsel Anda';
const EN_HEADING = 'Apply for your KTP-el from your phone';

for (const javaScript of [false, true]) {
  const mode = javaScript ? 'JavaScript on' : 'JavaScript off';

  test(`landing page renders in Indonesian, fits a phone and is accessible (${mode})`, async () => {
    const page = await phonePage(browser, { javaScript });
    const response = await page.goto('/');
    assert.equal(response.status(), 200);
    if (javaScript) await hydrated(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.equal((await page.textContent('h1')).trim(), ID_HEADING);
    await page.getByRole('heading', { name: 'KTP-el baru untuk Warga Negara Indonesia' }).waitFor();
    await page.getByRole('heading', { name: 'KTP-el untuk Penduduk Orang Asing pemegang Izin Tinggal Tetap' }).waitFor();
    assert.equal(await page.getByText('14 hari kerja').count(), 2);
    await assertNoHorizontalScroll(page, `the landing page (${mode})`);
    await assertAccessible(page, `the landing page (${mode})`);
    if (javaScript) await assertNoScript(page, `the landing page (${mode})`);
    assert.deepEqual(page.errors, [], 'no errors in the console');
    await page.context().close();
  });

  test(`the language switch keeps the user on the same page (${mode})`, async () => {
    const page = await phonePage(browser, { javaScript });
    const response = await page.goto('/halaman-yang-tidak-ada');
    assert.equal(response.status(), 404);
    if (javaScript) await hydrated(page);
    assert.equal((await page.textContent('h1')).trim(), 'Halaman tidak ditemukan');

    // A plain form on every page: the same page comes back in the other language (before islands, the switch
    // happened in place with JavaScript; either way the person ends on the same page, in English).
    await page.getByRole('button', { name: /English/ }).click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/halaman-yang-tidak-ada');
    await assertAccessible(page, `the 404 page in English (${mode})`);
    await assertNoHorizontalScroll(page, `the 404 page in English (${mode})`);

    // The choice is remembered on the next page.
    await page.goto('/');
    if (javaScript) await hydrated(page);
    assert.equal((await page.textContent('h1')).trim(), EN_HEADING);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await assertAccessible(page, `the landing page in English (${mode})`);
    await assertNoHorizontalScroll(page, `the landing page in English (${mode})`);

    await page.getByRole('button', { name: /Bahasa Indonesia/ }).click();
    await page.locator('html[lang="id"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: ID_HEADING }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    if (javaScript) await assertNoScript(page, `the landing page after switching back (${mode})`);
    assert.deepEqual(page.errors.filter((e) => !e.includes('404')), [], 'no errors in the console');
    await page.context().close();
  });
}

test('the skip link is the first stop of the keyboard and leads to the content', async () => {
  const page = await phonePage(browser, { javaScript: false });
  await page.goto('/');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({ text: document.activeElement.textContent, href: document.activeElement.getAttribute('href') }));
  assert.deepEqual(focused, { text: 'Langsung ke isi utama', href: '#main' });
  const box = await page.locator('.skip-link').boundingBox();
  assert.ok(box && box.y >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.context().close();
});

test('with JavaScript the landing page loads without errors, and without the app', async () => {
  const page = await phonePage(browser, { javaScript: true });
  await page.goto('/');
  await hydrated(page);
  await assertNoScript(page, 'the landing page');
  assert.deepEqual(page.errors, [], 'no CSP violation, no panic');
  await page.context().close();
});
