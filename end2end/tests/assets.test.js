// What a slow phone downloads: the page, then its WASM, JS and CSS, compressed and cached for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import { BASE_URL, EXPECT_ISLANDS } from './support.js';

function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(new URL(path, BASE_URL), { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('the landing page is server-rendered Indonesian, without script (islands build)', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  const html = page.body.toString();
  assert.match(html, /<html lang="id"/);
  assert.match(html, /Ajukan KTP-el dari ponsel Anda/);
  if (EXPECT_ISLANDS) {
    // No island on the landing page: nothing to hydrate, so no script to download, no module preload, no WASM.
    // (Leptos's few bytes of inline bookkeeping for streamed resources, if any, load nothing.)
    assert.doesNotMatch(html, /<script[^>]*\ssrc=/, 'no script file');
    assert.doesNotMatch(html, /modulepreload|import\(|\.wasm|\.js"/, 'no WASM or JS named');
  } else {
    assert.match(html, /<script type="module" nonce="[^"]+">/);
    assert.match(html, /hydrate/);
  }
});

/** The hashed name of the site's `ext` file: from the landing page when it names one, else from the site folder
 *  the server serves (scripts/end2end.sh passes it as SITE_ROOT): with islands, only island pages name the app. */
function assetName(html, ext) {
  const named = html.match(new RegExp(`/pkg/portal\\.[A-Za-z0-9_-]{8,}\\.${ext}`))?.[0];
  if (named || !process.env.SITE_ROOT) return named;
  const file = fs.readdirSync(`${process.env.SITE_ROOT}/pkg`).find((f) => new RegExp(`^portal\\.[A-Za-z0-9_-]{8,}\\.${ext}$`).test(f));
  return file && `/pkg/${file}`;
}

test('WASM, JS and CSS have hashed names and come brotli-compressed and immutable', async () => {
  const html = (await get('/')).body.toString();
  const [wasm, js, css] = ['wasm', 'js', 'css'].map((ext) => assetName(html, ext));
  assert.ok(wasm && js && css, `hashed asset names in the page (${wasm}, ${js}, ${css})`);
  for (const path of [wasm, js, css]) {
    const res = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers['content-encoding'], 'br', path);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', path);
    const gz = await get(path, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip', path);
    assert.ok(res.body.length < gz.body.length, `brotli is smaller than gzip for ${path}`);
  }
  const wasmRes = await get(wasm, { 'accept-encoding': 'br' });
  assert.equal(wasmRes.headers['content-type'], 'application/wasm');
});
