// What a phone downloads, page by page: every citizen page loaded in Debian's Chromium (360×740) on a cold cache (a
// fresh browser context per page), the bytes TRANSFERRED (compressed, headers included: CDP's encodedDataLength)
// summed by kind of resource, against the budgets of issue 15. Exits 1 when a row is over its budget.
//
// Usage: node end2end/bench/page_weights.mjs BASE_URL CITIZEN_JSON SITE_DIR
//   CITIZEN_JSON: what scripts/bench/citizen.py printed (the session cookie, a submitted application, a citizen
//   draft and a foreigner draft); SITE_DIR: the site whose largest WASM file gets its own row (brotli, quality 11).
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const [base, citizenFile, site] = process.argv.slice(2);
if (!site) {
  console.error('usage: page_weights.mjs BASE_URL CITIZEN_JSON SITE_DIR');
  process.exit(2);
}
const citizen = JSON.parse(readFileSync(citizenFile, 'utf8'));
const [cookieName, ...cookieRest] = citizen.cookie.split('=');
const session = { name: cookieName, value: cookieRest.join('='), url: base };

const KB = 1000;
const LANDING_BUDGET = 30 * KB;
const PAGE_BUDGET = 120 * KB;
const WASM_BUDGET = 150 * KB;
// The sections of each kind, in the order of `Kind::sections` (app/src/domain/application.rs), by `Section::slug`.
const SECTIONS = {
  wni: ['identitas', 'kelahiran', 'data-diri', 'alamat', 'kontak', 'dokumen'],
  wna: ['identitas', 'kelahiran', 'data-diri', 'alamat', 'kontak', 'izin-tinggal', 'dokumen'],
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

let acceptEncoding = '';

/** Loads `path` in a fresh context and returns the bytes transferred by kind, and the page's links (for the
 *  booking steps). `signedIn`: with the citizen's session; `signingIn`: with a sign-in under way (the code page). */
async function weigh(path, { signedIn = false, signingIn = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: base });
  try {
    if (signedIn) await context.addCookies([session]);
    if (signingIn) {
      const started = await context.request.post('/api/masuk', {
        form: { identifier: `bench.weights.${Date.now()}@contoh.id` },
        headers: { origin: new URL(base).origin, accept: 'text/html' },
        maxRedirects: 0,
      });
      if (started.status() >= 400) throw new Error(`sign-in: ${started.status()}`);
    }
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map();
    let inflight = 0;
    let lastActivity = Date.now();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!requests.has(e.requestId)) inflight += 1;
      requests.set(e.requestId, { url: e.request.url, type: e.type, bytes: 0, done: false });
      lastActivity = Date.now();
    });
    cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
      const value = Object.entries(e.headers).find(([k]) => k.toLowerCase() === 'accept-encoding')?.[1];
      if (value && !acceptEncoding) acceptEncoding = value;
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (r) { r.mime = e.response.mimeType; r.status = e.response.status; }
    });
    const finish = (e, bytes) => {
      const r = requests.get(e.requestId);
      if (r && !r.done) { r.done = true; r.bytes = bytes; inflight -= 1; }
      lastActivity = Date.now();
    };
    cdp.on('Network.loadingFinished', (e) => finish(e, e.encodedDataLength));
    cdp.on('Network.loadingFailed', (e) => finish(e, 0));

    const response = await page.goto(path, { waitUntil: 'load' });
    if (!response || response.status() !== 200) throw new Error(`${response?.status()} (${page.url()})`);
    // A signed-in page that sends the person to sign in has not been measured.
    const landed = new URL(page.url());
    if (landed.pathname !== new URL(path, base).pathname) throw new Error(`redirected to ${landed.pathname}`);
    // A page with islands (or, before islands, the whole app) is done when it is live; the islands' WASM loads at
    // idle time, after `load`.
    const live = await page.evaluate(() =>
      !!document.querySelector('leptos-island') || !!document.querySelector('script[type=module], link[rel=modulepreload]'));
    let note = '';
    if (live) {
      await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30000 }).catch(() => { note = 'never hydrated'; });
    }
    // Network idle: nothing in flight for 500 ms (at most 20 s).
    const until = Date.now() + 20000;
    while (Date.now() < until && (inflight > 0 || Date.now() - lastActivity < 500)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (inflight > 0) note = `${inflight} still loading`;
    const bytes = { html: 0, css: 0, js: 0, wasm: 0, other: 0 };
    for (const r of requests.values()) {
      const kind = r.type === 'Document' ? 'html'
        : r.type === 'Stylesheet' ? 'css'
          : /\.wasm(\?|$)/.test(r.url) || r.mime === 'application/wasm' ? 'wasm'
            : r.type === 'Script' ? 'js' : 'other';
      bytes[kind] += r.bytes;
    }
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    return { bytes, links, note };
  } finally {
    await context.close();
  }
}

const rows = [];
const kb = (n) => (n / KB).toFixed(1);
function row(label, path, result, budget) {
  const b = result.bytes;
  const total = b.html + b.css + b.js + b.wasm + b.other;
  const ok = total <= budget && !result.note;
  rows.push({ label: `${label} ${path}`, ok });
  console.log(`| ${`${label} ${path}`.padEnd(72)} | ${kb(b.html).padStart(7)} | ${kb(b.css).padStart(6)} | ${kb(b.js).padStart(6)} | ${kb(b.wasm).padStart(7)} | ${kb(b.other).padStart(6)} | ${kb(total).padStart(7)} | ${kb(budget).padStart(6)} | ${ok ? 'ok' : `OVER${result.note ? ` (${result.note})` : ''}`}`);
}
async function page(label, path, options = {}, budget = PAGE_BUDGET) {
  let result;
  try {
    result = await weigh(path, options);
  } catch (error) {
    result = { bytes: { html: 0, css: 0, js: 0, wasm: 0, other: 0 }, links: [], note: String(error.message ?? error).split('\n')[0] };
  }
  row(label, path.replace(/[0-9a-f]{32}/, '{id}').replace(/tanggal=[0-9-]+/, 'tanggal={day}'), result, budget);
  return result;
}

console.log(`| ${'page'.padEnd(72)} | ${'HTML'.padStart(7)} | ${'CSS'.padStart(6)} | ${'JS'.padStart(6)} | ${'WASM'.padStart(7)} | ${'other'.padStart(6)} | ${'total'.padStart(7)} | ${'budget'.padStart(6)} | ok`);
console.log(`|${'-'.repeat(74)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(9)}|${'-'.repeat(8)}|----`);
const signedIn = { signedIn: true };
await page('landing', '/', {}, LANDING_BUDGET);
await page('sign-in', '/masuk');
await page('sign-in code', '/masuk/kode', { signingIn: true });
await page('account', '/akun', signedIn);
await page('new application', '/permohonan/baru', signedIn);
await page('task list (draft)', `/permohonan/${citizen.wni}`, signedIn);
for (const [kind, slugs] of Object.entries(SECTIONS)) {
  for (const slug of slugs) await page(`section (${kind})`, `/permohonan/${citizen[kind]}/${slug}`, signedIn);
}
await page('check', `/permohonan/${citizen.wni}/periksa`, signedIn);
await page('confirmation', `/permohonan/${citizen.submitted}/terkirim`, signedIn);
const booking = await page('booking: places', `/permohonan/${citizen.submitted}/jadwal`, signedIn);
const place = booking.links.find((h) => h.includes('lokasi=') && h.includes('14.03.01'))
  ?? booking.links.find((h) => h.includes('lokasi='));
if (place) {
  const days = await page('booking: days', place.split('#')[0], signedIn);
  const day = days.links.find((h) => h.includes('tanggal='));
  if (day) await page('booking: times', day.split('#')[0], signedIn);
  else row('booking: times', '(no open day)', { bytes: { html: 0, css: 0, js: 0, wasm: 0, other: 0 }, note: 'no day to choose' }, PAGE_BUDGET);
}
await page('tracking (submitted)', `/permohonan/${citizen.submitted}`, signedIn);
await browser.close();

// The largest WASM file of the site, as the server sends it (its .br beside it, else compressed here).
const pkg = join(site, 'pkg');
const wasm = readdirSync(pkg).filter((f) => f.endsWith('.wasm')).sort((a, b) => statSync(join(pkg, b)).size - statSync(join(pkg, a)).size)[0];
if (wasm) {
  let br;
  try {
    br = statSync(join(pkg, `${wasm}.br`)).size;
  } catch {
    br = brotliCompressSync(readFileSync(join(pkg, wasm)), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  row('largest WASM (brotli)', wasm, { bytes: { html: 0, css: 0, js: 0, wasm: br, other: 0 }, note: '' }, WASM_BUDGET);
}
console.log(`Bytes transferred (KB = 1000 bytes, headers included), cold cache, Accept-Encoding: ${acceptEncoding || '?'}`);
const over = rows.filter((r) => !r.ok);
if (over.length) {
  console.log(`Over budget: ${over.length} of ${rows.length} rows: ${over.map((r) => r.label).join('; ')}`);
  process.exit(1);
}
