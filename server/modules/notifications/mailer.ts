import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { env } from '@/server/env';

/**
 * The one way Plumbline sends mail (alerts now, notifications later). With SMTP_URL: nodemailer over
 * SMTP. Without: the message is written as an .eml file to DATA_DIR/outbox, so nothing is lost and a
 * bundled catcher can replace this module's transport later without touching its callers.
 */
export type MailMessage = { to: string[]; subject: string; text: string; headers?: Record<string, string> };
export type MailResult = { messageId: string; transport: 'smtp' | 'outbox'; file?: string };

export function outboxDir(): string {
  return path.resolve(env().DATA_DIR, 'outbox');
}

export async function sendMail(message: MailMessage): Promise<MailResult> {
  const config = env();
  const mail = {
    from: config.MAIL_FROM,
    to: message.to.join(', '),
    subject: message.subject,
    text: message.text,
    headers: message.headers,
  };
  if (config.SMTP_URL) {
    const transport = nodemailer.createTransport(config.SMTP_URL);
    const info = await transport.sendMail(mail);
    return { messageId: String(info.messageId), transport: 'smtp' };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail(mail);
  const dir = outboxDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
  await writeFile(file, info.message as Buffer, { mode: 0o600 });
  return { messageId: String(info.messageId), transport: 'outbox', file };
}
