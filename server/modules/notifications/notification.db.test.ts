import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, notifications, partners, users } from '@/db/schema';
import { childProcessEnv } from '@/server/env';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { dateIn } from '@/server/lib/org-time';
import { applyBillState } from '@/server/modules/claims/claim-bill-state.service';
import { approveClaim, certifyClaim, rejectClaim } from '@/server/modules/claims/claim-approval.service';
import { releaseClaim } from '@/server/modules/claims/claim-release.service';
import { submitClaim } from '@/server/modules/claims/claim.service';
import {
  addSecondQs,
  claimRow,
  draftClaim as draftSharedClaim,
  seedWorkedExampleSubcontract,
  type ClaimSubcontract,
} from '@/server/modules/claims/claim.testing';
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { runDailyNotifications } from './notification-daily';
import { notifyComplianceDocumentUploaded } from './notification-events';
import {
  giveUpQueued,
  NotificationRetryError,
  sendNotification,
  sweepUncertainSends,
} from './notification-send';
import { queueNotification, resendNotification, updateNotificationSettings } from './notification.service';

let testDb: TestDatabase;
let org: SeededOrg;
let catcher: MailCatcher;
let dir: string;
let sc: ClaimSubcontract;
let contactId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-mail-'));
  catcher = await startMailCatcher({ dir });
  sc = await seedWorkedExampleSubcontract(testDb.db, org, {
    reference: 'SC-NOTE',
    vendorOdooId: 9401,
    purchaseOrderId: 9401,
  });
  const [contact] = await testDb.db
    .insert(users)
    .values({
      organisationId: org.actors.admin.organisationId,
      email: 'accounts@sc-note.example',
      name: 'SC-NOTE accounts',
      role: 'subcontractor',
      vendorId: sc.vendorId,
      passwordHash: 'x',
    })
    .returning({ id: users.id });
  contactId = contact!.id;
});
afterAll(async () => {
  await catcher?.stop();
  await testDb.drop();
  rmSync(dir, { recursive: true, force: true });
});

const send = (id: string, options: Parameters<typeof sendNotification>[2] = {}) =>
  sendNotification(testDb.db, id, { smtpUrl: catcher.url, ...options });

/** What the SMTP server really accepted for this notification (its X-Plumbline-Notification header). */
const delivered = (id: string) =>
  catcher.received.filter((m) => m.raw.includes(`X-Plumbline-Notification: ${id}`));

async function rowsOf(where: { kind?: string; recordId?: string; recipientId?: string }) {
  return testDb.db
    .select()
    .from(notifications)
    .where(
      and(
        where.kind ? eq(notifications.kind, where.kind) : undefined,
        where.recordId ? eq(notifications.recordId, where.recordId) : undefined,
        where.recipientId ? eq(notifications.recipientId, where.recipientId) : undefined,
      ),
    );
}

async function sendJobs(notificationId: string): Promise<number> {
  const result = await testDb.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'notification_send' AND key LIKE ${`notification:${notificationId}:%`}`,
  );
  return result.rows[0]!.n;
}

/** A queued notification to `recipientId` (the essential kind, so no preference interferes). */
async function queueOne(recipientId: string, key: string): Promise<string> {
  const [person] = await testDb.db.select().from(users).where(eq(users.id, recipientId));
  const result = await testDb.db.transaction((tx) =>
    queueNotification(tx, {
      event: 'account',
      organisationId: org.actors.admin.organisationId,
      recordType: 'test',
      occurrence: key,
      recipients: [{ id: person!.id, email: person!.email, name: person!.name, role: person!.role }],
      render: () => ({ subject: `Test ${key}`, text: `Hello ${key}` }),
    }),
  );
  return result.queued[0]!;
}

const draftClaim = (periodEnd: string, claimed: string[]) =>
  draftSharedClaim(testDb.db, org, sc, periodEnd, claimed);

async function certifyAsClaimed(id: string, claimed: string[]) {
  await certifyClaim(
    testDb.db,
    {
      claimId: id,
      version: 3,
      lines: sc.sov.map((l, i) => ({ sovLineId: l.id, certifiedToDate: claimed[i] ?? '0' })),
      materialsStoredToDate: '0',
      deductions: [],
    },
    org.actors.qs,
  );
}

describe('queued in the event transaction, once per recipient and event', () => {
  it('a claim submitted queues one mail per QS of the project, with its send job; a replay adds nothing', async () => {
    const id = await draftClaim('2026-01-31', ['10000.00', '0', '0']);
    await submitClaim(testDb.db, { claimId: id, version: 2 }, org.actors.qs);
    const rows = await rowsOf({ kind: 'claim_submitted', recordId: id });
    expect(rows.map((r) => r.recipientId).sort()).toEqual([org.actors.qs.id, org.actors.qs2.id].sort());
    expect(rows.every((r) => r.status === 'queued')).toBe(true);
    expect(rows[0]!.bodyText).toContain('10000.00');
    for (const row of rows) expect(await sendJobs(row.id)).toBe(1);

    // the same event again (a replayed effect) makes no second row
    const { notifyClaimSubmitted } = await import('./notification-events');
    const again = await testDb.db.transaction((tx) => notifyClaimSubmitted(tx, id));
    expect(again).toMatchObject({ queued: [], duplicates: 2 });
    expect(await rowsOf({ kind: 'claim_submitted', recordId: id })).toHaveLength(2);
    // tidy: certify and reject it so later claims on this subcontract may open
    await certifyAsClaimed(id, ['10000.00', '0', '0']);
    await rejectClaim(testDb.db, { claimId: id, version: 4, comment: 'Wrong period' }, org.actors.pm);
  });

  it('rolls back with the event: nothing queued when the transaction fails', async () => {
    const before = (await testDb.db.select().from(notifications)).length;
    await expect(
      testDb.db.transaction(async (tx) => {
        await queueNotification(tx, {
          event: 'account',
          organisationId: org.actors.admin.organisationId,
          recordType: 'test',
          occurrence: 'rollback',
          recipients: [{ ...org.actors.pm }],
          render: () => ({ subject: 'never', text: 'never' }),
        });
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    expect(await testDb.db.select().from(notifications)).toHaveLength(before);
  });

  it('refuses internal mail addressed to a subcontractor contact', async () => {
    await expect(
      testDb.db.transaction((tx) =>
        queueNotification(tx, {
          event: 'approval_waiting',
          organisationId: org.actors.admin.organisationId,
          recordType: 'test',
          recipients: [{ id: contactId, email: 'x', name: 'x', role: 'subcontractor' }],
          render: () => ({ subject: 'internal', text: 'budget 1.00' }),
        }),
      ),
    ).rejects.toThrow(/may not go to a subcontractor/);
  });
});

describe('sent at most once', () => {
  it('the job run twice delivers one message', async () => {
    const id = await queueOne(org.actors.pm.id, 'twice');
    expect(await send(id)).toBe('sent');
    expect(await send(id)).toBe('not_queued');
    expect(delivered(id)).toHaveLength(1);
    const [row] = await rowsOf({ recipientId: org.actors.pm.id, kind: 'account' }).then((r) =>
      r.filter((n) => n.id === id),
    );
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row!.messageId).toMatch(/@/);
    expect(row!.sentAt).not.toBeNull();
  });

  it('SMTP down, then back: nothing claimed while down (retried), one message when it recovers', async () => {
    const id = await queueOne(org.actors.pm.id, 'down');
    await expect(send(id, { smtpUrl: 'smtp://127.0.0.1:1' })).rejects.toBeInstanceOf(NotificationRetryError);
    const [waiting] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0 });
    expect(waiting!.lastError).toMatch(/not reachable/);
    expect(await send(id)).toBe('sent');
    expect(await send(id)).toBe('not_queued');
    expect(delivered(id)).toHaveLength(1);
  });

  it("SMTP down through graphile's last attempt: failed (never claimed), so an administrator can resend", async () => {
    const id = await queueOne(org.actors.pm.id, 'gave-up');
    await expect(send(id, { smtpUrl: 'smtp://127.0.0.1:1' })).rejects.toBeInstanceOf(NotificationRetryError);
    await giveUpQueued(testDb.db, id, 'SMTP server not reachable');
    const [row] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row).toMatchObject({ status: 'failed', attempts: 0 });
    await resendNotification(testDb.db, { notificationId: id }, org.actors.admin);
    expect(await send(id)).toBe('sent');
    expect(delivered(id)).toHaveLength(1);
  });

  it('a temporary refusal (451) returns it to the queue; the retry delivers exactly one', async () => {
    const id = await queueOne(org.actors.pm.id, 'refused');
    catcher.refuseNext(1, 451);
    await expect(send(id)).rejects.toBeInstanceOf(NotificationRetryError);
    const [waiting] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await send(id)).toBe('sent');
    expect(delivered(id)).toHaveLength(1);
  });

  it('a permanent refusal (550) fails; an administrator resends it (audited) and it is delivered once', async () => {
    const id = await queueOne(org.actors.pm.id, 'permanent');
    catcher.refuseNext(1, 550);
    expect(await send(id)).toBe('failed');
    expect(delivered(id)).toHaveLength(0);
    await expect(resendNotification(testDb.db, { notificationId: id }, org.actors.pm)).resolves.toBeDefined(); // the permission is the router's; the service itself only checks state
    expect(await send(id)).toBe('sent');
    expect(delivered(id)).toHaveLength(1);
    await expect(resendNotification(testDb.db, { notificationId: id }, org.actors.admin)).rejects.toThrow(
      /only failed or uncertain/,
    );
    const audits = await testDb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'notification.resend')));
    expect(audits).toHaveLength(1);
  });

  it('a worker killed after SMTP accepted, before marking sent: never resent by itself; uncertain; resent only by an admin', async () => {
    const id = await queueOne(org.actors.finance.id, 'killed');
    class Killed extends Error {}
    await expect(
      send(id, {
        afterAccepted: () => {
          throw new Killed('SIGKILL');
        },
      }),
    ).rejects.toBeInstanceOf(Killed);
    expect(delivered(id)).toHaveLength(1);
    // graphile runs the job again (its attempt "failed"): the claim stands, nothing is sent
    expect(await send(id)).toBe('not_queued');
    expect(await sweepUncertainSends(testDb.db, 60_000)).not.toContain(id); // lease not over yet
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await sweepUncertainSends(testDb.db, 10)).toContain(id);
    expect(await send(id)).toBe('not_queued');
    expect(delivered(id)).toHaveLength(1);
    const [row] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row).toMatchObject({ status: 'uncertain', attempts: 1, sentAt: null });
    // the administrator decides: resent on purpose (the page warns it may arrive twice)
    await resendNotification(testDb.db, { notificationId: id }, org.actors.admin);
    expect(await sendJobs(id)).toBeGreaterThanOrEqual(1);
    expect(await send(id)).toBe('sent');
    expect(delivered(id)).toHaveLength(2);
  });

  it('a worker process SIGKILLed after the server accepted the message: the next run sends nothing', async () => {
    const id = await queueOne(org.actors.exec.id, 'sigkill');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'testing', 'send-and-die.ts'), testDb.url, id, catcher.url],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childProcessEnv({ NODE_ENV: 'test', DATABASE_URL: testDb.url }),
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const death = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    expect(death, output).toBe('SIGKILL');
    expect(delivered(id)).toHaveLength(1);
    const [claimed] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1, sentAt: null });
    // graphile hands the job to another worker: it finds the claim and sends nothing
    expect(await send(id)).toBe('not_queued');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await sweepUncertainSends(testDb.db, 10)).toContain(id);
    expect(await send(id)).toBe('not_queued');
    expect(delivered(id)).toHaveLength(1);
  }, 60_000);

  it('a recipient deactivated before the send is skipped, not mailed', async () => {
    const [person] = await testDb.db
      .insert(users)
      .values({
        organisationId: org.actors.admin.organisationId,
        email: 'leaver@northbeam.example',
        name: 'Leaver',
        role: 'quantity_surveyor',
        passwordHash: 'x',
      })
      .returning();
    const id = await queueOne(person!.id, 'leaver');
    await testDb.db.update(users).set({ isActive: false }).where(eq(users.id, person!.id));
    expect(await send(id)).toBe('skipped');
    expect(delivered(id)).toHaveLength(0);
  });
});

/** Every figure (digits with two decimals) in a text. */
const figuresIn = (text: string) => text.match(/\d[\d,]*\.\d{2}\b/g) ?? [];

describe('claim events to the vendor contacts and approvers', () => {
  it('certified → the contact (own amount due only) and the PM waiting; approved → finance waiting; paid once', async () => {
    const id = await draftClaim('2026-02-28', ['40000.00', '18000.00', '0']);
    await submitClaim(testDb.db, { claimId: id, version: 2 }, org.actors.qs);
    await certifyAsClaimed(id, ['40000.00', '18000.00', '0']);
    const claim = await claimRow(testDb.db, id);
    const certified = await rowsOf({ kind: 'claim_certified', recordId: id });
    expect(certified.map((r) => r.recipientId)).toEqual([contactId]);
    expect(certified[0]!.bodyText).toContain(claim.dueAmount!);
    expect(figuresIn(certified[0]!.bodyText).every((f) => f === claim.dueAmount)).toBe(true);

    const waiting = await rowsOf({ kind: 'approval_waiting', recordId: id });
    expect(waiting.length).toBeGreaterThan(0);
    const waitingRoles = await Promise.all(
      waiting.map(
        async (w) => (await testDb.db.select().from(users).where(eq(users.id, w.recipientId)))[0]!.role,
      ),
    );
    expect(new Set(waitingRoles)).toEqual(new Set(['project_manager']));
    expect(waiting.map((w) => w.recipientId)).toContain(org.actors.pm.id);

    const { status } = await approveClaim(testDb.db, { claimId: id, version: 4 }, org.actors.pm);
    if (status === 'certified') {
      // above the PM limit: the executive's step waits next, and the executive is told
      const exec = (await rowsOf({ kind: 'approval_waiting', recordId: id })).filter((w) =>
        w.dedupeKey.endsWith(':s3'),
      );
      expect(exec.map((w) => w.recipientId)).toEqual([org.actors.exec.id]);
      await approveClaim(testDb.db, { claimId: id, version: 4 }, org.actors.exec);
    }
    expect((await claimRow(testDb.db, id)).status).toBe('approved');
    const release = (await rowsOf({ kind: 'approval_waiting', recordId: id })).filter((w) =>
      w.dedupeKey.endsWith(':s4'),
    );
    expect(release.map((w) => w.recipientId)).toContain(org.actors.finance.id);

    await releaseClaim(testDb.db, { claimId: id, version: 5 }, org.actors.finance);
    const bill = (paymentState: string, state = 'posted') => ({
      id: 77,
      name: 'BILL/NOTE',
      state,
      paymentState,
      amountTotal: claim.dueAmount!,
    });
    await testDb.db.transaction((tx) => applyBillState(tx, id, bill('not_paid')));
    expect(await rowsOf({ kind: 'claim_paid', recordId: id })).toHaveLength(0);
    await testDb.db.transaction((tx) => applyBillState(tx, id, bill('paid')));
    await testDb.db.transaction((tx) => applyBillState(tx, id, bill('paid')));
    const paid = await rowsOf({ kind: 'claim_paid', recordId: id });
    expect(paid.map((r) => r.recipientId)).toEqual([contactId]);
    expect((await claimRow(testDb.db, id)).status).toBe('paid');

    // every message the contact received carries no figure but the amount due of its own claim
    const mine = await rowsOf({ recipientId: contactId });
    expect(mine.length).toBeGreaterThan(2);
    for (const message of mine) {
      const own =
        message.recordType === 'claim' ? (await claimRow(testDb.db, message.recordId!)).dueAmount : null;
      for (const figure of figuresIn(message.bodyText + message.subject)) expect(figure).toBe(own);
    }
  });

  it('rejected → the contact, with the reason and no figure', async () => {
    const id = await draftClaim('2026-03-31', ['50000.00', '20000.00', '0']);
    await submitClaim(testDb.db, { claimId: id, version: 2 }, org.actors.qs);
    await certifyAsClaimed(id, ['50000.00', '20000.00', '0']);
    await rejectClaim(
      testDb.db,
      { claimId: id, version: 4, comment: 'Groundworks not measured yet' },
      org.actors.pm,
    );
    const rows = await rowsOf({ kind: 'claim_rejected', recordId: id });
    expect(rows.map((r) => r.recipientId)).toEqual([contactId]);
    expect(rows[0]!.bodyText).toContain('Groundworks not measured yet');
    expect(figuresIn(rows[0]!.bodyText)).toEqual([]);
  });

  it('a vendor made inactive: its contacts get nothing', async () => {
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(partners).set({ isActive: false }).where(eq(partners.id, sc.vendorId)),
    );
    try {
      const id = await draftClaim('2026-04-30', ['50000.00', '20000.00', '0']);
      await submitClaim(testDb.db, { claimId: id, version: 2 }, org.actors.qs);
      await certifyAsClaimed(id, ['50000.00', '20000.00', '0']);
      await rejectClaim(testDb.db, { claimId: id, version: 4, comment: 'Inactive vendor' }, org.actors.pm);
      expect(await rowsOf({ kind: 'claim_certified', recordId: id })).toHaveLength(0);
      expect(await rowsOf({ kind: 'claim_rejected', recordId: id })).toHaveLength(0);
    } finally {
      await asDatabaseOwner(testDb.db, (tx) =>
        tx.update(partners).set({ isActive: true }).where(eq(partners.id, sc.vendorId)),
      );
    }
  });
});

describe('preferences and the daily mail', () => {
  it('a kind turned off is kept as skipped; all off skips every optional kind; account mail still goes', async () => {
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: ['compliance_uploaded'], approvalDigest: false, version: 0 },
      org.actors.finance,
    );
    const documentId = '00000000-0000-4000-8000-00000000d0c1';
    await testDb.db.transaction((tx) =>
      notifyComplianceDocumentUploaded(tx, {
        organisationId: org.actors.admin.organisationId,
        vendorId: sc.vendorId,
        documentId,
        documentKind: 'insurance',
        fileName: 'insurance-2027.pdf',
        expiresOn: '2027-06-30',
      }),
    );
    const [row] = await rowsOf({ kind: 'compliance_uploaded', recordId: documentId });
    expect(row).toMatchObject({ recipientId: org.actors.finance.id, status: 'skipped' });
    expect(row!.bodyText).toContain('insurance-2027.pdf');
    expect(await sendJobs(row!.id)).toBe(0);

    await updateNotificationSettings(
      testDb.db,
      { allOff: true, offKinds: [], approvalDigest: false, version: 1 },
      org.actors.finance,
    );
    const essential = await queueOne(org.actors.finance.id, 'essential-while-all-off');
    expect(essential).toBeDefined();
    await expect(
      updateNotificationSettings(
        testDb.db,
        { allOff: false, offKinds: [], approvalDigest: false, version: 1 },
        org.actors.finance,
      ),
    ).rejects.toThrow(/changed elsewhere/);
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: [], approvalDigest: false, version: 2 },
      org.actors.finance,
    );
  });

  it('an approver on the daily digest: approvals held, one digest a day listing them, never twice', async () => {
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: [], approvalDigest: true, version: 0 },
      org.actors.pm,
    );
    const id = await draftClaim('2026-05-31', ['60000.00', '25000.00', '0']);
    await submitClaim(testDb.db, { claimId: id, version: 2 }, org.actors.qs);
    await certifyAsClaimed(id, ['60000.00', '25000.00', '0']);
    const [held] = await rowsOf({ kind: 'approval_waiting', recordId: id, recipientId: org.actors.pm.id });
    expect(held).toMatchObject({ status: 'held' });
    expect(await sendJobs(held!.id)).toBe(0);

    // before the daily hour nothing goes; from it, one digest
    const timeZone = 'Europe/London';
    await testDb.db.execute(sql`UPDATE organisations SET time_zone = ${timeZone}`);
    const early = new Date('2026-06-01T04:00:00Z');
    const later = new Date('2026-06-01T09:00:00Z');
    expect((await runDailyNotifications(testDb.db, early, 7)).length).toBe(0);
    const [first] = await runDailyNotifications(testDb.db, later, 7);
    expect(first!.digests).toBe(1);
    const digests = await rowsOf({ kind: 'approval_digest', recipientId: org.actors.pm.id });
    expect(digests).toHaveLength(1);
    expect(digests[0]!.status).toBe('queued');
    expect(digests[0]!.bodyText).toContain(held!.subject);
    const [after] = await testDb.db.select().from(notifications).where(eq(notifications.id, held!.id));
    expect(after).toMatchObject({ status: 'digested', digestId: digests[0]!.id });

    // the task runs again the same day: no second digest
    const [second] = await runDailyNotifications(testDb.db, new Date('2026-06-01T10:00:00Z'), 7);
    expect(second!.digests).toBe(0);
    expect(await rowsOf({ kind: 'approval_digest', recipientId: org.actors.pm.id })).toHaveLength(1);
    expect(await send(digests[0]!.id)).toBe('sent');
    expect(delivered(digests[0]!.id)).toHaveLength(1);
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: [], approvalDigest: false, version: 1 },
      org.actors.pm,
    );

    // finance on the digest: the release step is held for them, then they reject the claim before
    // the next digest — nothing waits any more, so no digest goes and the held row is dropped
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: [], approvalDigest: true, version: 3 },
      org.actors.finance,
    );
    const { status } = await approveClaim(testDb.db, { claimId: id, version: 4 }, org.actors.pm);
    expect(status).toBe('approved');
    const [release] = await rowsOf({
      kind: 'approval_waiting',
      recordId: id,
      recipientId: org.actors.finance.id,
    });
    expect(release).toMatchObject({ status: 'held' });
    await rejectClaim(
      testDb.db,
      { claimId: id, version: 5, comment: 'Duplicate of an earlier claim' },
      org.actors.finance,
    );
    const [day2] = await runDailyNotifications(testDb.db, new Date('2026-06-02T09:00:00Z'), 7);
    expect(day2!.digests).toBe(0);
    expect(await rowsOf({ kind: 'approval_digest', recipientId: org.actors.finance.id })).toHaveLength(0);
    const [dropped] = await testDb.db.select().from(notifications).where(eq(notifications.id, release!.id));
    expect(dropped).toMatchObject({
      status: 'skipped',
      lastError: expect.stringMatching(/No longer waiting/),
    });
    await updateNotificationSettings(
      testDb.db,
      { allOff: false, offKinds: [], approvalDigest: false, version: 4 },
      org.actors.finance,
    );
  });

  it('insurance expiring within 30 days → the contact and finance, once per vendor, certificate and date', async () => {
    const at = new Date('2026-06-02T09:00:00Z');
    const today = dateIn('Europe/London', at);
    await asDatabaseOwner(testDb.db, (tx) =>
      tx
        .update(partners)
        .set({ insuranceExpiresOn: '2026-06-20', licenceExpiresOn: '2026-09-30' })
        .where(eq(partners.id, sc.vendorId)),
    );
    expect(today).toBe('2026-06-02');
    await runDailyNotifications(testDb.db, at, 7);
    await runDailyNotifications(testDb.db, at, 7);
    const rows = await rowsOf({ kind: 'compliance_expiring', recordId: sc.vendorId });
    expect(rows.map((r) => r.recipientId).sort()).toEqual([contactId, org.actors.finance.id].sort());
    expect(rows.every((r) => r.dedupeKey.endsWith('insurance:2026-06-20'))).toBe(true);
    const vendorMail = rows.find((r) => r.recipientId === contactId)!;
    expect(vendorMail.subject).toContain('2026-06-20');
    expect(figuresIn(vendorMail.bodyText)).toEqual([]);
    // a renewed certificate with a new date near expiry again is a new event
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(partners).set({ insuranceExpiresOn: '2026-06-25' }).where(eq(partners.id, sc.vendorId)),
    );
    await runDailyNotifications(testDb.db, at, 7);
    expect(await rowsOf({ kind: 'compliance_expiring', recordId: sc.vendorId })).toHaveLength(4);
  });
});
