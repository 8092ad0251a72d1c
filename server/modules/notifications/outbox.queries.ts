import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@/server/env';
import { outboxDir } from './mailer';

export type OutboxMessage = {
  id: string;
  to: string;
  subject: string;
  sentAt: Date;
  text: string;
};

/** The header value of an .eml (first occurrence, folded lines joined, RFC 2047 words decoded). */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  const value = (match?.[1] ?? '').replace(/\r?\n[ \t]+/g, ' ').trim();
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_all, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, '%$1')),
  );
}

/** The body of a plain-text .eml, quoted-printable decoded when it says so. */
function body(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const text = rest.join('\n\n');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(head)) return text;
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The bundled mail catcher's inbox (mail-catcher.ts, or with no SMTP_URL at all sendMail's own files in
 * DATA_DIR/outbox), newest first, for the admin page that lets a demo or a test read what Plumbline sent. With SMTP configured
 * the mail left for the real server and nothing is listed here.
 */
export async function listOutbox(limit = 100): Promise<{ smtp: boolean; messages: OutboxMessage[] }> {
  // a real SMTP server keeps its own mail; the bundled catcher (or no SMTP at all) writes it here
  if (env().SMTP_URL && !env().MAIL_CATCHER) return { smtp: true, messages: [] };
  const dir = outboxDir();
  const names = await readdir(dir).catch(() => [] as string[]);
  const emls = names
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .reverse()
    .slice(0, limit);
  const messages = await Promise.all(
    emls.map(async (name) => {
      const file = path.join(dir, name);
      const [raw, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      return {
        id: name.replace(/\.eml$/, ''),
        to: header(raw, 'To'),
        subject: header(raw, 'Subject'),
        sentAt: info.mtime,
        text: body(raw),
      };
    }),
  );
  return { smtp: false, messages };
}
