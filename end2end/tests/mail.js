// Reads the messages the SMTP server on loopback (scripts/smtp_sink.py) wrote, as a person reads their inbox.
import fs from 'node:fs';
import path from 'node:path';

const MAIL_DIR = process.env.MAIL_DIR;
const CODE_SUBJECTS = ['Kode masuk Portal KTP-el', 'Your KTP-el Portal sign-in code'];

/** The six-digit code in the newest message to `to`, waiting up to ten seconds for it. */
export async function codeSentTo(to, { after = 0 } = {}) {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set: run the browser tests through scripts/end2end.sh');
  for (let i = 0; i < 100; i++) {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort() : [];
    for (const file of files.reverse()) {
      const stamp = Number(file.split('-')[0]) / 1e6;
      if (stamp < after) continue;
      const text = fs.readFileSync(path.join(MAIL_DIR, file), 'utf8');
      if (text.split('\r\n')[0].trim() !== `X-Envelope-To: ${to}`) continue;
      // Other messages (a registration number has six digits too) are not codes.
      if (!CODE_SUBJECTS.includes(subjectOf(text))) continue;
      const body = text.split('\r\n\r\n').slice(1).join('\n');
      const code = body.match(/\b(\d{6})\b/);
      if (code) return code[1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code was mailed to ${to}`);
}

/** The message's subject as written: a long header is folded over several lines (RFC 5322: a line break before
 *  a space), and non-ASCII text comes as encoded words (RFC 2047). */
function subjectOf(text) {
  const headers = text.split('\r\n\r\n')[0].replace(/\r\n(?=[ \t])/g, '');
  const raw = headers.match(/(?:^|\r\n)Subject: ([^\r\n]*)/)?.[1];
  if (raw === undefined) return undefined;
  return raw.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, encoding, word) => (encoding.toLowerCase() === 'b'
    ? Buffer.from(word, 'base64')
    : Buffer.from(word.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h) => String.fromCharCode(parseInt(h, 16))), 'latin1')
  ).toString('utf8'));
}

/** The decoded body of a stored message (quoted-printable, as lettre writes non-ASCII or long lines). */
function bodyOf(text) {
  const raw = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  if (!/Content-Transfer-Encoding: quoted-printable/i.test(text)) return raw;
  const bytes = raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The newest message to `to` whose subject contains `subject`, waiting up to fifteen seconds for it (the outbox
 *  worker sends within a few seconds of the change). Returns `{ subject, body }`. */
export async function mailTo(to, subject) {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set: run the browser tests through scripts/end2end.sh');
  for (let i = 0; i < 150; i++) {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort() : [];
    for (const file of files.reverse()) {
      const text = fs.readFileSync(path.join(MAIL_DIR, file), 'utf8');
      if (text.split('\r\n')[0].trim() !== `X-Envelope-To: ${to}`) continue;
      const found = subjectOf(text);
      if (found?.includes(subject)) return { subject: found, body: bodyOf(text) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message about "${subject}" was sent to ${to}`);
}

/** The subjects of every message to `to` so far, without waiting: to tell that one was not sent. */
export function subjectsTo(to) {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set: run the browser tests through scripts/end2end.sh');
  const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort() : [];
  return files
    .map((file) => fs.readFileSync(path.join(MAIL_DIR, file), 'utf8'))
    .filter((text) => text.split('\r\n')[0].trim() === `X-Envelope-To: ${to}`)
    .map((text) => subjectOf(text) ?? '');
}
