// Reads the messages the SMTP server on loopback (scripts/smtp_sink.py) wrote, as a person reads their inbox.
import fs from 'node:fs';
import path from 'node:path';

const MAIL_DIR = process.env.MAIL_DIR;

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
      const body = text.split('\r\n\r\n').slice(1).join('\n');
      const code = body.match(/\b(\d{6})\b/);
      if (code) return code[1];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code was mailed to ${to}`);
}
