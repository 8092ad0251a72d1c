import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * The bundled mail catcher (issue 19): a real SMTP server (`smtp-server`, by nodemailer's author) on
 * a local port that keeps every message it accepts as an .eml file in `dir` (DATA_DIR/outbox) and
 * delivers it nowhere. `npm start` and the end-to-end stack run one when no SMTP_URL is configured
 * and hand its URL to the web server and the worker, so every message really goes through SMTP and
 * Admin → Sent mail lists exactly what the server accepted. Loopback only, no authentication, no TLS.
 */
export type CaughtMessage = { file: string; raw: string };

export type MailCatcher = {
  url: string;
  port: number;
  /** What this catcher accepted since it started, in order (tests read it). */
  received: CaughtMessage[];
  /** Tests: answer the next messages with an SMTP error instead of accepting them. */
  refuseNext(count: number, responseCode?: number): void;
  stop(): Promise<void>;
};

export type MailCatcherOptions = { dir: string; port?: number; host?: string };

export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const received: CaughtMessage[] = [];
  let refusals: { left: number; code: number } = { left: 0, code: 451 };
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const server = new SMTPServer({
    banner: 'Plumbline mail catcher',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: 30 * 1024 * 1024,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (refusals.left > 0) {
          refusals = { ...refusals, left: refusals.left - 1 };
          const refusal = Object.assign(new Error('Mail catcher: try again later (test refusal)'), {
            responseCode: refusals.code,
          });
          callback(refusal);
          return;
        }
        const raw = Buffer.concat(chunks);
        // named like the file transport's files, so the outbox lists both in time order
        const file = path.join(
          options.dir,
          `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`,
        );
        writeFile(file, raw, { mode: 0o600 }).then(
          () => {
            received.push({ file, raw: raw.toString('utf8') });
            callback(null, `Kept as ${path.basename(file)}`);
          },
          (error: unknown) =>
            callback(
              Object.assign(new Error(`Mail catcher could not store the message: ${String(error)}`), {
                responseCode: 451,
              }),
            ),
        );
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  return {
    url: `smtp://${host}:${port}`,
    port,
    received,
    refuseNext(count, responseCode = 451) {
      refusals = { left: count, code: responseCode };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
