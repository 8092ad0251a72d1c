import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, partners, subcontracts } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import { Money } from '@/server/lib/money';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { getBusinessKpis, type Kpi, type KpiKey } from './business-kpis.queries';
import { getSloStatus } from './slo';

/**
 * The business KPIs against rows: each state counts in exactly its KPI with its money, the states
 * around it do not; SLO changes are admin-only and audited; the approval → Odoo SLO judges rows.
 */
let testDb: TestDatabase;
let org: SeededOrg;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
});
afterAll(async () => testDb.drop());

const byKey = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.key, k])) as Record<KpiKey, Kpi>;

describe('business KPIs', () => {
  it('counts claims approved not released, bills not posted, milestones not invoiced and unowned exceptions past SLO, with their money', async () => {
    const db = testDb.db;
    const before = byKey(await getBusinessKpis(db, { exceptionBusinessDays: 2 }));
    const projectId = org.projectIds['P-1001']!;
    const { qs, pm, finance } = org.actors;
    const [vendor] = await db
      .insert(partners)
      .values({ organisationId: qs.organisationId, name: 'KPI Vendor Ltd', isVendor: true })
      .returning();
    const [sc] = await db
      .insert(subcontracts)
      .values({ projectId, vendorId: vendor!.id, reference: 'SC-KPI', title: 'KPI subcontract' })
      .returning();
    // states inserted directly (the services' own guards are tested elsewhere); triggers off for this transaction only
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      const claim = (n: number, status: string, due: string, released: boolean) => sql`
        INSERT INTO claims (subcontract_id, project_id, number, reference, period_end, status, due_amount, created_by_id, submitted_by_id, certified_by_id, approved_by_id, approved_at, released_by_id, released_at)
        VALUES (${sc!.id}, ${projectId}, ${n}, ${`SC-KPI-C${n}`}, '2026-06-30', ${status}, ${due}, ${qs.id}, ${qs.id}, ${qs.id}, ${pm.id}, now() - interval '3 days', ${released ? finance.id : null}, ${released ? sql`now() - interval '1 day'` : null})`;
      await tx.execute(claim(901, 'approved', '1000.10', false));
      await tx.execute(claim(902, 'approved', '2000.20', false));
      await tx.execute(claim(903, 'released', '500.05', true));
      await tx.execute(claim(904, 'posted', '777.00', true)); // posted: in neither
      await tx.execute(claim(905, 'certified', '888.00', false)); // not yet approved: in neither
      const milestone = (n: number, status: string, amount: string) => sql`
        INSERT INTO milestones (project_id, number, reference, name, planned_date, amount_basis, fixed_amount, status, created_by_id, completion_claimed_by_id, completion_claimed_at, verified_by_id, released_by_id)
        VALUES (${projectId}, ${n}, ${`M-KPI-${n}`}, 'KPI milestone', '2026-05-01', 'fixed', ${amount}, ${status}, ${pm.id}, ${pm.id}, now() - interval '2 days', ${qs.id}, ${finance.id})`;
      await tx.execute(milestone(901, 'verified', '4000.00'));
      await tx.execute(milestone(902, 'released', '6000.00'));
      await tx.execute(milestone(903, 'invoiced', '9999.00')); // invoiced: not counted
      await tx.execute(milestone(904, 'planned', '9999.00')); // not reached: not counted
      const exception = (age: string, assigned: boolean, amount: string) => sql`
        INSERT INTO exceptions (category, cause, severity, record_type, record_id, title, detail, guidance, amount_at_stake, first_seen_at, assignee_id)
        VALUES ('sync_failure', ${`kpi-${age}-${assigned}`}, 'high', 'claim', gen_random_uuid()::text, 't', 'd', 'g', ${amount}, now() - ${age}::interval, ${assigned ? finance.id : null})`;
      await tx.execute(exception('14 days', false, '321.00')); // unowned for two weeks: past SLO
      await tx.execute(exception('14 days', true, '999.00')); // owned: not counted
      await tx.execute(exception('1 hour', false, '999.00')); // fresh: not counted
    });
    const after = byKey(await getBusinessKpis(db, { exceptionBusinessDays: 2 }));
    const delta = (key: KpiKey) => ({
      count: after[key].count - before[key].count,
      amount: new Money(after[key].amount).minus(before[key].amount).toFixed(2),
    });
    expect(delta('claims_approved_not_released')).toEqual({ count: 2, amount: '3000.30' });
    expect(delta('bills_drafted_not_posted')).toEqual({ count: 1, amount: '500.05' });
    expect(delta('milestones_reached_not_invoiced')).toEqual({ count: 2, amount: '10000.00' });
    expect(delta('exceptions_past_slo')).toEqual({ count: 1, amount: '321.00' });
    expect(after.exceptions_past_slo.oldestDays).toBeGreaterThan(13.9);

    // the same figures through the router, for those who read the exception queue only
    const viaRouter = byKey(await createCaller(contextFor(db, finance)).operations.kpis());
    expect(viaRouter.claims_approved_not_released.amount).toBe(after.claims_approved_not_released.amount);
    await expect(createCaller(contextFor(db, qs)).operations.kpis()).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('SLOs', () => {
  it('defaults to 99 % within 5 minutes and 2 business days; only an admin changes them, audited, compare-and-set', async () => {
    const db = testDb.db;
    const defaults = await getSloStatus(db);
    expect(defaults.find((s) => s.workflow === 'claim')).toMatchObject({
      objectivePercent: 99,
      threshold: 5,
      custom: false,
      version: 0,
    });
    expect(defaults.find((s) => s.workflow === 'exceptions')).toMatchObject({
      objectivePercent: 100,
      threshold: 2,
    });
    await expect(
      createCaller(contextFor(db, org.actors.finance)).operations.updateSlo({
        workflow: 'claim',
        objectivePercent: 95,
        threshold: 10,
        windowDays: 7,
        version: 0,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const admin = createCaller(contextFor(db, org.actors.admin));
    await admin.operations.updateSlo({
      workflow: 'claim',
      objectivePercent: 95,
      threshold: 10,
      windowDays: 14,
      version: 0,
    });
    await expect(
      admin.operations.updateSlo({
        workflow: 'claim',
        objectivePercent: 90,
        threshold: 10,
        windowDays: 14,
        version: 0,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await getSloStatus(db)).find((s) => s.workflow === 'claim')).toMatchObject({
      objectivePercent: 95,
      threshold: 10,
      windowDays: 14,
      version: 1,
      custom: true,
    });
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.action, 'slo.updated'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityType: 'slo', entityId: 'claim', actorId: org.actors.admin.id });
    expect(audit[0]!.changedFields).toMatchObject({
      objectivePercent: { old: 99, new: 95 },
      threshold: { old: 5, new: 10 },
    });
  });

  it('judges approvals: synced in time is good, late or still missing after the threshold is bad, young ones wait', async () => {
    const db = testDb.db;
    const before = (await getSloStatus(db)).find((s) => s.workflow === 'milestone')!;
    const approve = async (ago: string, syncedAfter: string | null) => {
      const [row] = await db
        .execute<{ id: string }>(sql`SELECT gen_random_uuid()::text AS id`)
        .then((r) => r.rows);
      await db.execute(
        sql`INSERT INTO audit_events (actor_role, action, entity_type, entity_id, correlation_id, occurred_at) VALUES ('system', 'milestone.released', 'milestone', ${row!.id}, ${row!.id}::uuid, now() - ${ago}::interval)`,
      );
      if (syncedAfter) {
        await db.execute(sql`INSERT INTO sync_attempts (record_type, record_id, operation, outcome, duration_ms, attempt_number, correlation_id, started_at, finished_at)
                             VALUES ('milestone', gen_random_uuid(), 'sync', 'success', 5, 1, ${row!.id}::uuid, now(), now() - ${ago}::interval + ${syncedAfter}::interval)`);
      }
    };
    await approve('1 hour', '30 seconds'); // good
    await approve('1 hour', '20 minutes'); // late: bad
    await approve('2 hours', null); // never synced: bad
    await approve('1 minute', null); // young: not judged
    const after = (await getSloStatus(db)).find((s) => s.workflow === 'milestone')!;
    expect(after.total - before.total).toBe(3);
    expect(after.bad - before.bad).toBe(2);
    expect(after.budgetBurn).toBeGreaterThan(1);
  });
});
