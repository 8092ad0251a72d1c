import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { auditEvents, exceptions, partners, sovLines } from '@/db/schema';
import { listInputSchema } from '@/server/lib/list';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import {
  addSecondQs,
  runToApproved,
  seedWorkedExampleSubcontract,
  type ClaimSubcontract,
} from '@/server/modules/claims/claim.testing';
import { releaseClaim } from '@/server/modules/claims/claim-release.service';
import { assignException, bulkAssignExceptions, bulkRetryExceptions } from './exception-action.service';
import {
  ABOVE_SOV_CAUSE,
  COST_OVERRUN_CAUSE,
  INSURANCE_CAUSE,
  runExceptionRules,
} from './exception-rules.service';
import { listExceptions } from './exception.queries';
import { getQueueSummary } from './exception-summary.queries';
import { raiseException } from './exception.service';

let testDb: TestDatabase;
let org: SeededOrg;
let sc: ClaimSubcontract;
let claimId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  await addSecondQs(testDb.db, org);
  sc = await seedWorkedExampleSubcontract(testDb.db, org, {
    reference: 'RULES-1',
    vendorOdooId: 9701,
    purchaseOrderId: 9701,
  });
  claimId = await runToApproved(
    testDb.db,
    org,
    sc,
    '2026-01-31',
    ['20000.00', '0', '0'],
    ['20000.00', '0', '0'],
  );
});
afterAll(async () => testDb?.drop());

const rules = (overrunPercent = 5) =>
  runExceptionRules(testDb.db, {
    organisationId: org.actors.admin.organisationId,
    today: '2026-02-15',
    overrunPercent,
  });
const ofCause = (recordId: string, cause: string) =>
  testDb.db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.recordId, recordId), eq(exceptions.cause, cause)));
const auditOf = (id: string, action: string) =>
  testDb.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, action)));

describe('rule breaches', () => {
  it('opens an expired-insurance exception on an open claim and closes it by itself when the expiry is renewed', async () => {
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(partners).set({ insuranceExpiresOn: '2026-01-20' }).where(eq(partners.id, sc.vendorId)),
    );
    const first = await rules();
    expect(first.insuranceExpired).toMatchObject({ breaches: 1, opened: 1 });
    const [open] = await ofCause(claimId, INSURANCE_CAUSE);
    expect(open).toMatchObject({
      status: 'open',
      category: 'rule_breach',
      recordType: 'claim',
      occurrences: 1,
      ownerRole: 'finance',
    });
    expect(open!.detail).toMatch(/2026-01-20/);
    // the release gate finds the same problem: one exception, counted again, not a second one
    await expect(releaseClaim(testDb.db, { claimId, version: 5 }, org.actors.finance)).rejects.toMatchObject({
      code: 'RELEASE_REFUSED',
    });
    expect((await ofCause(claimId, INSURANCE_CAUSE)).filter((e) => e.status === 'open')).toHaveLength(1);
    // a later run does not count a new occurrence
    expect((await rules()).insuranceExpired).toMatchObject({ breaches: 1, opened: 0, resolved: 0 });

    // renewed to cover the period end but not today: still expired
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(partners).set({ insuranceExpiresOn: '2026-02-01' }).where(eq(partners.id, sc.vendorId)),
    );
    expect((await rules()).insuranceExpired).toMatchObject({ breaches: 1, resolved: 0 });
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(partners).set({ insuranceExpiresOn: '2027-01-31' }).where(eq(partners.id, sc.vendorId)),
    );
    expect((await rules()).insuranceExpired).toMatchObject({ breaches: 0, resolved: 1 });
    const [closed] = await ofCause(claimId, INSURANCE_CAUSE);
    expect(closed).toMatchObject({ status: 'resolved', resolution: expect.stringMatching(/automatically/) });
  });

  it('flags a claim certified above its SOV and clears it when the SOV covers it again', async () => {
    const [line] = await testDb.db.select().from(sovLines).where(eq(sovLines.id, sc.sov[0]!.id));
    await testDb.db.update(sovLines).set({ scheduledAmount: '15000.00' }).where(eq(sovLines.id, line!.id));
    expect((await rules()).claimAboveSov).toMatchObject({ breaches: 1, opened: 1 });
    expect((await ofCause(claimId, ABOVE_SOV_CAUSE))[0]).toMatchObject({
      status: 'open',
      detail: expect.stringMatching(/20000.00 > 15000.00/),
    });
    await testDb.db
      .update(sovLines)
      .set({ scheduledAmount: line!.scheduledAmount })
      .where(eq(sovLines.id, line!.id));
    expect((await rules()).claimAboveSov).toMatchObject({ breaches: 0, resolved: 1 });
  });

  it('flags cost codes whose EAC exceeds the revised budget by more than the configured percent', async () => {
    const strict = await rules(0);
    const open = await testDb.db
      .select()
      .from(exceptions)
      .where(and(eq(exceptions.cause, COST_OVERRUN_CAUSE), eq(exceptions.status, 'open')));
    expect(open).toHaveLength(strict.costOverrun.breaches);
    expect(
      open.every(
        (e) => e.recordType === 'cost_code' && e.amountAtStake !== null && Number(e.amountAtStake) > 0,
      ),
    ).toBe(true);
    const lenient = await rules(100000);
    expect(lenient.costOverrun).toMatchObject({ breaches: 0, resolved: strict.costOverrun.breaches });
  });
});

describe('assign and bulk actions', () => {
  it('assigns to a finance user only, audits each change, and bulk actions report what they could not do', async () => {
    const raised = [];
    for (const cause of ['test.one', 'test.two', 'test.three']) {
      raised.push(
        await raiseException(testDb.db, {
          category: 'sync_failure',
          cause,
          recordType: 'claim',
          recordId: claimId,
          recordReference: 'CLM',
          projectId: org.projectIds['P-1001']!,
          amountAtStake: '50000.00',
          title: cause,
          detail: 'd',
          guidance: 'g',
        }),
      );
    }
    const rows = await testDb.db
      .select()
      .from(exceptions)
      .where(
        inArray(
          exceptions.id,
          raised.map((r) => r.id),
        ),
      );
    const [one] = rows;
    await expect(
      assignException(
        testDb.db,
        { exceptionId: one!.id, version: one!.version, assigneeId: org.actors.qs.id },
        org.actors.finance,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/finance user/) });
    expect(await auditOf(one!.id, 'exception.assign')).toHaveLength(0);

    const items = rows.map((r) => ({ exceptionId: r.id, version: r.version }));
    const assigned = await bulkAssignExceptions(
      testDb.db,
      { items, assigneeId: org.actors.finance.id },
      org.actors.finance,
    );
    expect(assigned).toEqual({ done: items.map((i) => i.exceptionId), failed: [] });
    for (const r of rows) {
      expect(await auditOf(r.id, 'exception.assign')).toMatchObject([
        {
          actorId: org.actors.finance.id,
          changedFields: { assigneeId: { old: null, new: org.actors.finance.id } },
        },
      ]);
    }
    const mine = await listExceptions(
      testDb.db,
      org.actors.finance,
      listInputSchema.parse({ filters: { assigneeId: org.actors.finance.id } }),
    );
    expect(mine.rows.map((r) => r.id).sort()).toEqual(items.map((i) => i.exceptionId).sort());
    expect(mine.rows[0]!.assigneeName).toBeTruthy();
    expect((await getQueueSummary(testDb.db, org.actors.finance)).assignedToMe).toBe(3);

    // versions moved on: a stale item is reported, the fresh ones are retried, each audited
    const fresh = await testDb.db
      .select()
      .from(exceptions)
      .where(
        inArray(
          exceptions.id,
          items.map((i) => i.exceptionId),
        ),
      );
    const retryItems = fresh.map((r, i) => ({
      exceptionId: r.id,
      version: i === 0 ? r.version - 1 : r.version,
    }));
    const retried = await bulkRetryExceptions(testDb.db, { items: retryItems }, org.actors.finance);
    expect(retried.done).toHaveLength(2);
    expect(retried.failed).toMatchObject([
      { exceptionId: retryItems[0]!.exceptionId, message: expect.stringMatching(/Reload/) },
    ]);
    for (const item of retryItems.slice(1))
      expect(await auditOf(item.exceptionId, 'exception.retry')).toHaveLength(1);
    expect(await auditOf(retryItems[0]!.exceptionId, 'exception.retry')).toHaveLength(0);
  });

  it('sums the open queue by category and ageing bucket with the money at stake', async () => {
    const summary = await getQueueSummary(testDb.db, org.actors.finance);
    const all = await testDb.db.select().from(exceptions).where(eq(exceptions.status, 'open'));
    expect(summary.totalCount).toBe(all.length);
    const sync = summary.cells.find((c) => c.category === 'sync_failure' && c.ageBucket === 'under_1d');
    const expected = all
      .filter((e) => e.category === 'sync_failure')
      .reduce((n, e) => n + Math.round(Math.abs(Number(e.amountAtStake ?? 0)) * 100), 0);
    expect(Math.round(Number(sync!.amountAtStake) * 100)).toBe(expected);
  });
});
