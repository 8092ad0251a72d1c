import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, exceptions, organisations } from '@/db/schema';
import { flagOverdueMilestones } from '@/server/modules/milestones/milestone-refresh.service';
import { createMilestone } from '@/server/modules/milestones/milestone.service';
import {
  getOrganisation,
  updateApprovalThresholds,
  updateThresholdsInput,
} from '@/server/modules/organisation/organisation.service';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { dateIn, organisationToday } from './org-time';

// 25 hours apart: on any instant Kiritimati's date is one or two days after Pago Pago's
const AHEAD = 'Pacific/Kiritimati'; // UTC+14
const BEHIND = 'Pacific/Pago_Pago'; // UTC−11

let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
});
afterAll(async () => testDb.drop());

async function setZone(timeZone: string) {
  const current = await getOrganisation(testDb.db, org.actors.admin);
  await updateApprovalThresholds(
    testDb.db,
    updateThresholdsInput.parse({
      version: current.version,
      pmLimitAmount: current.pmLimitAmount,
      executiveLimitAmount: current.executiveLimitAmount,
      currency: current.currency,
      timeZone,
    }),
    org.actors.admin,
  );
}

async function sqlToday(): Promise<string> {
  const result = await testDb.db.execute<{ today: string }>(
    sql`SELECT org_today(${org.actors.admin.organisationId}::uuid)::text AS today`,
  );
  return result.rows[0]!.today;
}

describe('the organisation time zone ("today" is one thing, issue 16 item 6)', () => {
  it('dates an instant by the zone: 09:00 in Sydney is that Sydney day, not the UTC one', () => {
    const nineInSydney = new Date('2026-03-01T22:00:00Z'); // AEDT, UTC+11
    expect(dateIn('Australia/Sydney', nineInSydney)).toBe('2026-03-02');
    expect(dateIn('UTC', nineInSydney)).toBe('2026-03-01');
    expect(dateIn('America/New_York', new Date('2026-07-01T03:30:00Z'))).toBe('2026-06-30');
  });

  it('SQL org_today and TypeScript organisationToday agree, and follow the setting', async () => {
    await setZone(AHEAD);
    const ahead = await sqlToday();
    expect(ahead).toBe(dateIn(AHEAD));
    expect(await organisationToday(testDb.db, org.actors.admin.organisationId)).toBe(ahead);
    await setZone(BEHIND);
    const behind = await sqlToday();
    expect(behind).toBe(dateIn(BEHIND));
    expect(behind < ahead).toBe(true);
    const [event] = await testDb.db
      .select({ changed: auditEvents.changedFields })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'settings.update_thresholds'))
      .orderBy(sql`${auditEvents.occurredAt} DESC`)
      .limit(1);
    expect(event?.changed).toMatchObject({ timeZone: { old: AHEAD, new: BEHIND } });
  });

  it('refuses a zone nobody knows, on the field and in the database', async () => {
    const validSettings = {
      version: 1,
      pmLimitAmount: '1.00',
      executiveLimitAmount: '2.00',
      currency: 'GBP',
    };
    const parsed = updateThresholdsInput.safeParse({
      version: 1,
      pmLimitAmount: '1.00',
      executiveLimitAmount: '2.00',
      currency: 'GBP',
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['timeZone'],
      message: expect.stringContaining('Choose a time zone'),
    });
    // an abbreviation or a POSIX offset is not a zone (PostgreSQL reads "UTC+10" as ten hours west)
    for (const notAZone of ['AEST', 'UTC+10', '+10:00'])
      expect(updateThresholdsInput.safeParse({ ...validSettings, timeZone: notAZone }).success).toBe(false);
    await expect(
      testDb.db
        .update(organisations)
        .set({ timeZone: 'UTC+10' })
        .where(eq(organisations.id, org.actors.admin.organisationId)),
    ).rejects.toMatchObject({ cause: { constraint: 'organisations_time_zone_known' } });
    // a database owner editing the row by hand is refused too: every "today" would break
    await expect(
      asDatabaseOwner(testDb.db, (tx) =>
        tx
          .update(organisations)
          .set({ timeZone: 'Mars/Olympus_Mons' })
          .where(eq(organisations.id, org.actors.admin.organisationId)),
      ),
    ).rejects.toMatchObject({ cause: { constraint: 'organisations_time_zone_known' } });
  });

  it("a milestone is overdue by the organisation's calendar, not the server's", async () => {
    const projectId = org.projectIds['P-1002']!;
    await setZone(BEHIND);
    const milestone = await createMilestone(
      testDb.db,
      {
        projectId,
        name: 'Due today in Pago Pago',
        plannedDate: dateIn(BEHIND),
        amountBasis: 'fixed',
        fixedAmount: '1000.00',
        percentOfContract: null,
        evidence: [],
      },
      org.actors.pm,
    );
    const openOverdue = async () =>
      (
        await testDb.db
          .select({ id: exceptions.id })
          .from(exceptions)
          .where(
            and(
              eq(exceptions.recordId, milestone.id),
              eq(exceptions.cause, 'milestone_overdue'),
              eq(exceptions.status, 'open'),
            ),
          )
      ).length;
    await flagOverdueMilestones(testDb.db, { organisationId: org.actors.admin.organisationId });
    expect(await openOverdue()).toBe(0);
    // the same instant is already a later day in Kiritimati: planned yesterday there, so overdue
    await setZone(AHEAD);
    await flagOverdueMilestones(testDb.db);
    expect(await openOverdue()).toBe(1);
    await setZone(BEHIND);
    await flagOverdueMilestones(testDb.db, { organisationId: org.actors.admin.organisationId });
    expect(await openOverdue()).toBe(0);
  });
});
