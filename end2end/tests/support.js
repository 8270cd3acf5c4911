// Shared set-up of the browser tests: Debian's Chromium through playwright-core, a phone-sized screen, and
// axe-core for WCAG 2.2 AA.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3400';
export const PHONE = { width: 360, height: 740 };
/** Whether the build under test is the islands build (issue 15): pages without an island send no script at all.
 *  E2E_EXPECT_ISLANDS=0 runs the suite against a build from before, where every page loads the whole app. */
export const EXPECT_ISLANDS = (process.env.E2E_EXPECT_ISLANDS ?? '1') !== '0';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

let phones = 0;

/** Each phone is its own client, as phones on the street are: scripts/end2end.sh trusts the loopback as a proxy,
 *  and every context says which address it stands for. Otherwise every test's sign-in would count against one
 *  address's limit of code requests (20 in 15 minutes), and the suite would outgrow it. */
function clientAddress() {
  phones += 1;
  return `198.18.${process.pid % 256}.${(phones % 254) + 1}`;
}

/** A fresh browser profile on a 360×740 phone screen, with JavaScript on or off. Console errors (a refused
 *  script, a CSP violation, a panic in the WASM) are collected on `page.errors`. */
export async function phonePage(browser, { javaScript = true } = {}) {
  const headers = { 'X-Forwarded-For': clientAddress() };
  const context = await browser.newContext({
    viewport: PHONE, javaScriptEnabled: javaScript, baseURL: BASE_URL, extraHTTPHeaders: headers,
  });
  const page = await context.newPage();
  page.javaScript = javaScript;
  page.headers = headers;
  page.errors = [];
  // The scripts and WebAssembly the current document asked for (see assertNoScript): forgotten at each new page.
  page.scripts = [];
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) page.scripts = []; });
  page.on('request', (request) => {
    if (request.frame() === page.mainFrame() && /\.(js|mjs|wasm)(\?|$)/.test(new URL(request.url()).pathname)) {
      page.scripts.push(request.url());
    }
  });
  page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  return page;
}

/** Waits until the page's islands are live: once it has loaded, a page without a `leptos-island` has no script
 *  to wait for (islands build); one with islands gets `html[data-hydrated]` when every island has hydrated. The
 *  build from before islands (E2E_EXPECT_ISLANDS=0) hydrates every page that carries its script. */
export async function hydrated(page) {
  await page.waitForLoadState('load');
  const waits = EXPECT_ISLANDS
    ? await page.locator('leptos-island').count() > 0
    : await page.locator('script[type="module"]').count() > 0;
  if (!waits) return;
  try {
    await page.waitForSelector('html[data-hydrated="true"]', { timeout: 15000 });
  } catch (error) {
    // Say why: an island without the script that brings it to life, or a script that failed.
    const seen = await page.evaluate(() => ({
      islands: [...document.querySelectorAll('leptos-island')].map((i) => i.dataset.component),
      script: [...document.scripts].some((s) => /\/pkg\/|pkg_path/.test(s.src + s.textContent)),
    }));
    assert.fail(`${page.url()} was not hydrated in 15 s: islands ${JSON.stringify(seen.islands)}, `
      + `${seen.script ? 'with' : 'WITHOUT'} the island script, loaded ${JSON.stringify(page.scripts.map((u) => u.split('/').pop()))}, `
      + `console errors ${JSON.stringify(page.errors)} (${error.message.split('\n')[0]})`);
  }
}

/** The page as loaded sent no script and no WebAssembly: nothing for a slow phone to download or run (issue 15).
 *  Only the islands build keeps this promise: with E2E_EXPECT_ISLANDS=0 it checks nothing. */
export async function assertNoScript(page, label) {
  if (!EXPECT_ISLANDS) return;
  await page.waitForLoadState('load');
  assert.deepEqual(page.scripts, [], `${label} loads no script and no WebAssembly`);
}

/** axe-core runs inside the page, which a context without JavaScript cannot do. For those pages axe checks the
 *  same server-rendered document in a twin context where JavaScript runs but the portal's own scripts are
 *  blocked: the DOM the user without JavaScript gets, with the same cookies. */
export async function assertAccessible(page, label) {
  if (page.javaScript) return runAxe(page, label);
  const twin = await page.context().browser().newContext({
    viewport: PHONE,
    baseURL: BASE_URL,
    storageState: await page.context().storageState(),
    extraHTTPHeaders: page.headers,
  });
  try {
    const copy = await twin.newPage();
    await copy.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await copy.goto(page.url());
    await runAxe(copy, label);
  } finally {
    await twin.close();
  }
}

async function runAxe(page, label) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(summary, [], `axe found WCAG 2.2 AA violations on ${label}`);
}

export async function assertNoHorizontalScroll(page, label) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `${label} scrolls sideways: ${scrollWidth}px wide on a ${clientWidth}px screen`);
}

/** The checks every page of a journey gets: axe-clean and no sideways scrolling on the phone. */
export async function check(page, label) {
  await assertAccessible(page, label);
  await assertNoHorizontalScroll(page, label);
  // SCREENSHOT_DIR=/some/folder keeps a full-page picture of every checked page, to look at by eye.
  if (process.env.SCREENSHOT_DIR) {
    const name = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true });
  }
}
