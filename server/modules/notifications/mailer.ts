import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { env } from '@/server/env';

/**
 * The one way Plumbline sends mail (alerts and notifications). With SMTP_URL — a real server, or the
 * bundled catcher `npm start` runs (mail-catcher.ts) — nodemailer over SMTP. Without (a worker or a
 * script started on its own): the message is written as an .eml file to DATA_DIR/outbox, so nothing
 * is lost. `smtpUrl` overrides SMTP_URL (tests point it at their own catcher).
 */
export type MailMessage = { to: string[]; subject: string; text: string; headers?: Record<string, string> };
export type MailResult = { messageId: string; transport: 'smtp' | 'outbox'; file?: string };
export type MailOptions = { smtpUrl?: string | null };

export function outboxDir(): string {
  return path.resolve(env().DATA_DIR, 'outbox');
}

/** The SMTP URL in force: the caller's, else SMTP_URL; null = the file outbox. */
export function smtpUrlOf(options: MailOptions = {}): string | null {
  return options.smtpUrl === undefined ? (env().SMTP_URL ?? null) : options.smtpUrl;
}

/** A transport with bounded waits, so a hung server fails a job instead of holding it for minutes. */
export function createSmtpTransport(smtpUrl: string) {
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
}

/** Connects and says EHLO (and authenticates) without sending: a server that is down fails here. */
export async function verifySmtp(options: MailOptions = {}): Promise<void> {
  const url = smtpUrlOf(options);
  if (!url) return;
  const transport = createSmtpTransport(url);
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

export async function sendMail(message: MailMessage, options: MailOptions = {}): Promise<MailResult> {
  const config = env();
  const mail = {
    from: config.MAIL_FROM,
    to: message.to.join(', '),
    subject: message.subject,
    text: message.text,
    headers: message.headers,
  };
  const smtpUrl = smtpUrlOf(options);
  if (smtpUrl) {
    const transport = createSmtpTransport(smtpUrl);
    try {
      const info = await transport.sendMail(mail);
      return { messageId: String(info.messageId), transport: 'smtp' };
    } finally {
      transport.close();
    }
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail(mail);
  const dir = outboxDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
  await writeFile(file, info.message as Buffer, { mode: 0o600 });
  return { messageId: String(info.messageId), transport: 'outbox', file };
}
