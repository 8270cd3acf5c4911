// Scans to upload, made in code: a small PDF, a small PNG, and (in the browser) a large phone-style photo.

/** A one-page PDF with a correct cross-reference table. */
export function pdf() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(out, 'latin1') };
}

/** A 1×1 PNG. */
export function png() {
  const b64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  return { name: 'kk.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') };
}

/** A noisy 4000×3000 JPEG of several megabytes, as a phone camera makes, drawn by the browser itself. */
export async function bigPhoto(page) {
  const b64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(4000, 3000);
    // Smooth light and colour with a little sensor noise: it compresses like a photo of a document.
    for (let y = 0, i = 0; y < 3000; y++) {
      for (let x = 0; x < 4000; x++, i += 4) {
        const n = (Math.random() * 24) | 0;
        image.data[i] = 120 + ((x * 100) / 4000) + n;
        image.data[i + 1] = 100 + ((y * 120) / 3000) + n;
        image.data[i + 2] = 90 + (((x + y) * 80) / 7000) + n;
        image.data[i + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  return { name: 'IMG_20261121.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}
