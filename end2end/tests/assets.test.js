// What a slow phone downloads: the page, then its WASM, JS and CSS, compressed and cached for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BASE_URL } from './support.js';

function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(new URL(path, BASE_URL), { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('the landing page is server-rendered Indonesian with the hydration script', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  const html = page.body.toString();
  assert.match(html, /<html lang="id"/);
  assert.match(html, /Ajukan KTP-el dari ponsel Anda/);
  assert.match(html, /<script type="module" nonce="[^"]+">/);
  assert.match(html, /hydrate/);
});

test('WASM, JS and CSS have hashed names and come brotli-compressed and immutable', async () => {
  const html = (await get('/')).body.toString();
  const wasm = html.match(/\/pkg\/portal\.[A-Za-z0-9_-]{8,}\.wasm/)?.[0];
  const js = html.match(/\/pkg\/portal\.[A-Za-z0-9_-]{8,}\.js/)?.[0];
  const css = html.match(/\/pkg\/portal\.[A-Za-z0-9_-]{8,}\.css/)?.[0];
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
