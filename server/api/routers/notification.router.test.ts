import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, notifications, notificationSettings } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { queueNotification } from '@/server/modules/notifications/notification.service';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';

let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
});
afterAll(async () => testDb.drop());

const as = (actor: SeededOrg['actors'][keyof SeededOrg['actors']]) =>
  createCaller(contextFor(testDb.db, actor));

describe('notifications router', () => {
  it('everyone, a subcontractor contact included, reads and saves only their own preferences', async () => {
    const sub = as(org.actors.sub);
    expect(await sub.notifications.mySettings()).toMatchObject({
      version: 0,
      allOff: false,
      isApprover: false,
    });
    await sub.notifications.updateMySettings({
      allOff: false,
      offKinds: ['claim_paid'],
      approvalDigest: false,
      version: 0,
    });
    const [stored] = await testDb.db
      .select()
      .from(notificationSettings)
      .where(eq(notificationSettings.userId, org.actors.sub.id));
    expect(stored).toMatchObject({ offKinds: ['claim_paid'], version: 1 });
    // another person's settings are untouched and a stale version is a conflict
    expect(await as(org.actors.pm).notifications.mySettings()).toMatchObject({
      version: 0,
      isApprover: true,
    });
    await expect(
      sub.notifications.updateMySettings({ allOff: true, offKinds: [], approvalDigest: false, version: 0 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    // essential kinds cannot be turned off: the input refuses them
    await expect(
      sub.notifications.updateMySettings({
        allOff: false,
        offKinds: ['account' as 'claim_paid'],
        approvalDigest: false,
        version: 1,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('the administrator lists the queue and resends a failed message (audited); others may not', async () => {
    const queued = await testDb.db.transaction((tx) =>
      queueNotification(tx, {
        event: 'account',
        organisationId: org.actors.admin.organisationId,
        recordType: 'test',
        occurrence: 'router',
        recipients: [{ ...org.actors.qs }],
        render: () => ({ subject: 'Router test message', text: 'Hello' }),
      }),
    );
    const id = queued.queued[0]!;
    await testDb.db
      .update(notifications)
      .set({ status: 'failed', lastError: '550 mailbox unavailable' })
      .where(eq(notifications.id, id));
    const admin = as(org.actors.admin);
    const list = await admin.notifications.list({ status: 'failed' });
    expect(list.rows.map((r) => r.id)).toEqual([id]);
    expect(list.rows[0]).toMatchObject({
      recipient: org.actors.qs.email,
      lastError: '550 mailbox unavailable',
    });
    expect(list.counts.failed).toBe(1);

    await expect(as(org.actors.finance).notifications.resend({ notificationId: id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await admin.notifications.resend({ notificationId: id });
    const [row] = await testDb.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row!.status).toBe('queued');
    const audit = await testDb.db.select().from(auditEvents).where(eq(auditEvents.entityId, id));
    expect(audit.map((a) => [a.action, a.fromState, a.toState, a.actorId])).toEqual([
      ['notification.resend', 'failed', 'queued', org.actors.admin.id],
    ]);
    await expect(admin.notifications.resend({ notificationId: id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      admin.notifications.resend({ notificationId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
