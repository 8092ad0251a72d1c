import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditEvents } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { setProcessEnv } from '@/server/env';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from '@/server/modules/notifications/webhook';
import { SYNC_TASK } from '@/server/sync/enqueue';
import { evaluateAlerts, type AlertThresholds } from './alerts.service';

/**
 * A stalled queue raises exactly one alert, however often the rules run, and the alert resolves
 * itself when the queue drains; both are in the audit trail and both are delivered: by email (the
 * outbox, no SMTP here) and to a webhook receiver that verifies the HMAC signature.
 */
type Received = {
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  verified: boolean;
};

const SECRET = 'test-webhook-secret-0123456789';
const thresholds: AlertThresholds = {
  queueLagSeconds: 300,
  failureRatePercent: 20,
  failureWindowMinutes: 30,
  failureMinAttempts: 5,
  reconciliationMaxAgeHours: 26,
};
let testDb: TestDatabase;
let receiver: http.Server;
let dataDir: string;
const received: Received[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
      const timestamp = req.headers[TIMESTAMP_HEADER.toLowerCase()] as string | undefined;
      received.push({
        body,
        signature,
        timestamp,
        verified: verifyWebhookSignature(SECRET, timestamp, body, signature),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address() as { port: number };
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-alerts-'));
  setProcessEnv({
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${address.port}/hook`,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_EMAIL_TO: 'ops@northbeam.example',
    DATA_DIR: dataDir,
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
  await testDb.drop();
});

async function stalledJobIds(): Promise<string[]> {
  const rows = await testDb.db.execute<{ id: string }>(
    sql`SELECT id::text AS id FROM graphile_worker.jobs WHERE task_identifier = ${SYNC_TASK}`,
  );
  return rows.rows.map((r) => r.id);
}

describe('alerts', () => {
  it('raises exactly one alert for a stalled queue, delivers it signed, and resolves it when the queue drains', async () => {
    const db = testDb.db;
    // two sync jobs due for 20 minutes and no worker: the queue is stalled
    for (const n of [1, 2]) {
      await db.execute(
        sql`SELECT graphile_worker.add_job(${SYNC_TASK}, json_build_object('recordType', 'claim', 'recordId', gen_random_uuid(), 'n', ${n}::int), run_at := now() - interval '20 minutes')`,
      );
    }
    const first = await evaluateAlerts(db, { thresholds });
    const second = await evaluateAlerts(db, { thresholds });
    const third = await evaluateAlerts(db, { thresholds });
    expect(first.map((e) => `${e.kind}:${e.alert.rule}:${e.alert.subject}`)).toEqual([
      `raised:queue_lag:${SYNC_TASK}`,
    ]);
    expect(second).toEqual([]);
    expect(third).toEqual([]);
    const open = await db.select().from(alerts);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ rule: 'queue_lag', subject: SYNC_TASK, status: 'open' });
    expect(Number(open[0]!.value)).toBeGreaterThan(1100);
    expect(open[0]!.deliveries).toMatchObject({
      'raised:webhook': { ok: true },
      'raised:email': { ok: true },
    });

    // the webhook receiver got exactly one call and could verify it
    expect(received).toHaveLength(1);
    expect(received[0]!.verified).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      event: 'alert.raised',
      rule: 'queue_lag',
      subject: SYNC_TASK,
      status: 'open',
    });
    // a receiver with the wrong secret, or a tampered body, refuses it
    expect(
      verifyWebhookSignature(
        'another-secret',
        received[0]!.timestamp,
        received[0]!.body,
        received[0]!.signature,
      ),
    ).toBe(false);
    expect(
      verifyWebhookSignature(
        SECRET,
        received[0]!.timestamp,
        received[0]!.body.replace('queue_lag', 'queue_lax'),
        received[0]!.signature,
      ),
    ).toBe(false);

    // the email went to the outbox (no SMTP_URL)
    const outbox = await readdir(path.join(dataDir, 'outbox'));
    expect(outbox).toHaveLength(1);
    const mail = await readFile(path.join(dataDir, 'outbox', outbox[0]!), 'utf8');
    expect(mail).toMatch(/To: ops@northbeam\.example/);
    expect(mail).toMatch(/Subject: \[Plumbline (WARNING|CRITICAL)\] Queue sync_record is stalled/);

    // the queue drains
    await db.execute(
      sql`SELECT graphile_worker.complete_jobs(${`{${(await stalledJobIds()).join(',')}}`}::bigint[])`,
    );
    expect(await stalledJobIds()).toEqual([]);
    const drained = await evaluateAlerts(db, { thresholds });
    expect(drained.map((e) => `${e.kind}:${e.alert.rule}`)).toEqual(['resolved:queue_lag']);
    expect(await evaluateAlerts(db, { thresholds })).toEqual([]);
    const [resolved] = await db.select().from(alerts).where(eq(alerts.id, open[0]!.id));
    expect(resolved).toMatchObject({ status: 'resolved' });
    expect(resolved!.resolvedAt).not.toBeNull();
    expect(received).toHaveLength(2);
    expect(received[1]!.verified).toBe(true);
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      event: 'alert.resolved',
      id: open[0]!.id,
      status: 'resolved',
    });

    // both in the audit trail, once each
    const audit = await db
      .select({ action: auditEvents.action, toState: auditEvents.toState })
      .from(auditEvents)
      .where(eq(auditEvents.entityId, open[0]!.id))
      .orderBy(auditEvents.id);
    expect(audit).toEqual([
      { action: 'alert.raised', toState: 'open' },
      { action: 'alert.resolved', toState: 'resolved' },
    ]);
    expect(await db.select().from(alerts)).toHaveLength(1);
  });

  it('raises a failure-rate alert per record type above the threshold and none below it', async () => {
    const db = testDb.db;
    const attempt = (outcome: string) =>
      sql`(${'claim'}, gen_random_uuid(), 'sync', ${outcome}, 10, 1, now(), now())`;
    await db.execute(
      sql`INSERT INTO sync_attempts (record_type, record_id, operation, outcome, duration_ms, attempt_number, started_at, finished_at) VALUES ${sql.join([attempt('success'), attempt('success'), attempt('success'), attempt('success'), attempt('business_error')], sql`, `)}`,
    );
    expect((await evaluateAlerts(db, { thresholds })).filter((e) => e.alert.rule === 'failure_rate')).toEqual(
      [],
    );
    await db.execute(
      sql`INSERT INTO sync_attempts (record_type, record_id, operation, outcome, duration_ms, attempt_number, started_at, finished_at) VALUES ${sql.join([attempt('business_error'), attempt('business_error')], sql`, `)}`,
    );
    const events = await evaluateAlerts(db, { thresholds });
    expect(events.map((e) => `${e.kind}:${e.alert.rule}:${e.alert.subject}`)).toEqual([
      'raised:failure_rate:claim',
    ]);
  });
});
