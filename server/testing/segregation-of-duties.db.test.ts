import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { claims, milestones, partners, sovLines, subcontracts } from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { approveClaim, certifyClaim } from '@/server/modules/claims/claim-approval.service';
import { createClaim, submitClaim, updateClaim } from '@/server/modules/claims/claim.service';
import {
  claimMilestoneCompletion,
  rejectMilestone,
  verifyMilestone,
} from '@/server/modules/milestones/milestone-approval.service';
import { createMilestone } from '@/server/modules/milestones/milestone.service';
import { seedSecurityWorld, type SecurityWorld } from './security-world';

/**
 * DOMAIN §1 segregation of duties, enforced by PostgreSQL with the application bypassed: rows are
 * written here with plain SQL, as a script or a compromised service account would. The last block
 * keeps the holes found in review (merged step columns, a disguised step name, a second step filed
 * under another cycle) closed, and checks the application's own flows still run under the guards.
 */

async function databaseError(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { message?: string; constraint?: string } }).cause;
    return `${cause?.message ?? (error as Error).message} ${cause?.constraint ?? ''}`;
  }
  return 'accepted';
}

const decide = (
  db: Db,
  recordType: string,
  recordId: string,
  step: number,
  stepName: string,
  role: string,
  by: string,
  cycle = 1,
) =>
  db.execute(sql`INSERT INTO approval_decisions (record_type, record_id, cycle, step, step_name, role, decision, decided_by_id)
                 VALUES (${recordType}, ${recordId}, ${cycle}, ${step}, ${stepName}, ${role}, 'approved', ${by})`);

/** A fresh P-1003 milestone, created and claimed complete by pm2, verified by qs2 (through the services). */
async function milestoneVerifiedByQs2(db: Db, world: SecurityWorld): Promise<string> {
  const { id } = await createMilestone(
    db,
    {
      projectId: world.target.projectId,
      name: `SoD ${Math.random()}`,
      plannedDate: '2026-07-31',
      amountBasis: 'fixed',
      fixedAmount: '100.00',
      evidence: [],
    },
    world.org.actors.pm2,
  );
  await claimMilestoneCompletion(db, { milestoneId: id, version: 1 }, world.org.actors.pm2);
  await verifyMilestone(db, { milestoneId: id, version: 2 }, world.org.actors.qs2);
  return id;
}

/** A claim on a fresh P-1003 subcontract, raised and submitted by pm2 and certified by qs2. */
async function claimRaisedByPm(db: Db, world: SecurityWorld): Promise<string> {
  const { qs2, pm2 } = world.org.actors;
  const [vendor] = await db
    .insert(partners)
    .values({ organisationId: pm2.organisationId, name: 'Second Vendor', isVendor: true })
    .returning();
  const [sc] = await db
    .insert(subcontracts)
    .values({ projectId: world.target.projectId, vendorId: vendor!.id, reference: 'SC-SOD', title: 'SoD' })
    .returning();
  const [line] = await db
    .insert(sovLines)
    .values({
      subcontractId: sc!.id,
      lineNo: 1,
      description: 'Work',
      costCodeId: world.target.costCodeId,
      scheduledAmount: '1000.00',
    })
    .returning();
  const { id } = await createClaim(db, { subcontractId: sc!.id, periodEnd: '2026-03-31' }, pm2);
  await updateClaim(
    db,
    {
      claimId: id,
      version: 1,
      lines: [{ sovLineId: line!.id, claimedToDate: '100.00' }],
      materialsStoredToDate: '0',
      deductions: [],
    },
    pm2,
  );
  await submitClaim(db, { claimId: id, version: 2 }, pm2);
  await certifyClaim(
    db,
    {
      claimId: id,
      version: 3,
      lines: [{ sovLineId: line!.id, certifiedToDate: '100.00' }],
      materialsStoredToDate: '0',
      deductions: [],
    },
    qs2,
  );
  return id;
}

/** The three ways around the current guards; each must be refused once the proposed migration is in. */
const holes = {
  'a claim approved by the QS who certified it (direct UPDATE of the step columns)': (
    db: Db,
    w: SecurityWorld,
  ) =>
    db
      .update(claims)
      .set({ status: 'approved', approvedById: sql`certified_by_id` })
      .where(eq(claims.id, w.target.claimId)),
  'a milestone released by the QS who verified it (direct UPDATE)': async (db: Db, w: SecurityWorld) => {
    const id = await milestoneVerifiedByQs2(db, w);
    return db
      .update(milestones)
      .set({ status: 'released', releasedById: sql`verified_by_id` })
      .where(eq(milestones.id, id));
  },
  "a milestone's verifier also releasing it, the decision filed under another approval cycle": async (
    db: Db,
    w: SecurityWorld,
  ) => {
    const id = await milestoneVerifiedByQs2(db, w);
    return decide(db, 'milestone', id, 3, 'release', 'finance', w.org.actors.finance.id, 2);
  },
  "a claim's author approving it under the step name 'certify'": async (db: Db, w: SecurityWorld) => {
    const claimId = await claimRaisedByPm(db, w);
    return decide(db, 'claim', claimId, 2, 'certify', 'project_manager', w.org.actors.pm2.id);
  },
};

describe('segregation of duties in the database (application bypassed)', () => {
  let testDb: TestDatabase;
  let world: SecurityWorld;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    world = await seedSecurityWorld(testDb.db);
  });
  afterAll(async () => testDb.drop());

  it('change orders: the author decides no step, and one person takes one step', async () => {
    const { pm2, qs2, exec } = world.org.actors;
    const coId = world.target.submittedChangeOrderId; // created and submitted by pm2
    expect(
      await databaseError(decide(testDb.db, 'change_order', coId, 1, 'qs_review', 'project_manager', pm2.id)),
    ).toMatch(/self-approval/);
    expect(
      await databaseError(
        decide(testDb.db, 'change_order', coId, 1, 'qs_review', 'quantity_surveyor', qs2.id),
      ),
    ).toBe('accepted');
    expect(
      await databaseError(
        decide(testDb.db, 'change_order', coId, 2, 'pm_approval', 'quantity_surveyor', qs2.id),
      ),
    ).toMatch(/is for a project_manager|approval_decisions_person_unique/);
    expect(
      await databaseError(decide(testDb.db, 'change_order', coId, 1, 'qs_review', 'executive', exec.id)),
    ).toMatch(/is for a quantity_surveyor|approval_decisions_step_unique/);
  });

  it('claims: the author may certify but neither approve nor release; the certifier takes no second step', async () => {
    const { pm2, qs2, finance } = world.org.actors;
    const claimId = world.target.claimId; // raised, submitted and certified by qs2
    expect(
      await databaseError(decide(testDb.db, 'claim', claimId, 2, 'approve', 'quantity_surveyor', qs2.id)),
    ).toMatch(/self-approval|person_unique/);
    expect(
      await databaseError(decide(testDb.db, 'claim', claimId, 4, 'release', 'quantity_surveyor', qs2.id)),
    ).toMatch(/self-approval|person_unique|not approved/);
    expect(
      await databaseError(decide(testDb.db, 'claim', claimId, 2, 'approve', 'project_manager', pm2.id)),
    ).toBe('accepted');
    expect(
      await databaseError(decide(testDb.db, 'claim', claimId, 4, 'release', 'project_manager', pm2.id)),
    ).toMatch(/approval_decisions_person_unique|is for a finance/);
    expect(
      await databaseError(decide(testDb.db, 'claim', claimId, 4, 'release', 'finance', finance.id)),
    ).toBe('accepted');
  });

  it('milestones: neither the author nor the completion claimer verifies or releases; the verifier does not release', async () => {
    const { pm2, qs2 } = world.org.actors;
    const id = world.target.milestoneId; // created by pm2, who now claims completion (the route of its cycle is fixed then)
    const [m] = await testDb.db
      .select({ version: milestones.version })
      .from(milestones)
      .where(eq(milestones.id, id));
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: m!.version }, pm2);
    expect(
      await databaseError(decide(testDb.db, 'milestone', id, 2, 'verify', 'project_manager', pm2.id)),
    ).toMatch(/self-approval/);
    expect(
      await databaseError(decide(testDb.db, 'milestone', id, 3, 'release', 'project_manager', pm2.id)),
    ).toMatch(/self-approval|earlier steps .* are not approved/);
    expect(
      await databaseError(decide(testDb.db, 'milestone', id, 2, 'verify', 'quantity_surveyor', qs2.id)),
    ).toBe('accepted');
    expect(
      await databaseError(decide(testDb.db, 'milestone', id, 3, 'release', 'quantity_surveyor', qs2.id)),
    ).toMatch(/approval_decisions_person_unique|is for a finance/);
  });

  it('decisions are append-only: no UPDATE or DELETE rewrites who decided', async () => {
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE approval_decisions SET decided_by_id = decided_by_id`),
      ),
    ).toMatch(/append-only/);
    expect(await databaseError(testDb.db.execute(sql`DELETE FROM approval_decisions`))).toMatch(
      /append-only/,
    );
  });
});

describe('holes closed by migrations 0010 and 0011 (step columns, step names, cycles)', () => {
  let testDb: TestDatabase;
  let world: SecurityWorld;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    world = await seedSecurityWorld(testDb.db); // the normal flows (submit, certify) run under the guards
  });
  afterAll(async () => testDb.drop());

  for (const [name, attempt] of Object.entries(holes)) {
    it(`refuses ${name}`, async () => {
      expect(await databaseError(attempt(testDb.db, world))).toMatch(
        /violates check constraint|current cycle|not on the fixed route|cannot be approved/,
      );
    });
  }

  it('keeps the application flows working: a PM approves a certified claim; a milestone is rejected and goes round again', async () => {
    const { pm2, qs2, finance } = world.org.actors;
    expect(
      await approveClaim(
        testDb.db,
        { claimId: world.target.claimId, version: world.target.claimVersion },
        pm2,
      ),
    ).toMatchObject({ status: 'approved' });
    const [row] = await testDb.db.select().from(claims).where(eq(claims.id, world.target.claimId));
    expect(row).toMatchObject({ status: 'approved', approvedById: pm2.id });

    const id = await milestoneVerifiedByQs2(testDb.db, world);
    await rejectMilestone(testDb.db, { milestoneId: id, version: 3, comment: 'Evidence missing' }, finance);
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 4 }, pm2);
    expect(await verifyMilestone(testDb.db, { milestoneId: id, version: 5 }, qs2)).toMatchObject({
      status: 'verified',
    });
    const decisions = await testDb.db.execute<{ cycle: number; step_name: string; decision: string }>(
      sql`SELECT cycle, step_name, decision FROM approval_decisions WHERE record_id = ${id} ORDER BY decided_at, cycle, step`,
    );
    expect(decisions.rows.map((d) => `${d.cycle}:${d.step_name}:${d.decision}`)).toEqual([
      '1:claim_completion:approved',
      '1:verify:approved',
      '1:release:rejected',
      '2:claim_completion:approved',
      '2:verify:approved',
    ]);
  });
});

describe('decided states need their deciders (application bypassed)', () => {
  let testDb: TestDatabase;
  let world: SecurityWorld;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    world = await seedSecurityWorld(testDb.db);
  });
  afterAll(async () => testDb.drop());

  it('refuses a change order set to approved without a decision for every step of its route', async () => {
    const [co] = (
      await testDb.db.execute<{ id: string }>(
        sql`SELECT id FROM change_orders WHERE status = 'submitted' LIMIT 1`,
      )
    ).rows;
    const target =
      co?.id ??
      (
        await testDb.db.execute<{ id: string }>(
          sql`SELECT id FROM change_orders WHERE status = 'draft' LIMIT 1`,
        )
      ).rows[0]!.id;
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE change_orders SET status = 'approved' WHERE id = ${target}`),
      ),
    ).toMatch(/cannot be approved/);
    expect(
      (
        await testDb.db.execute<{ status: string }>(
          sql`SELECT status FROM change_orders WHERE id = ${target}`,
        )
      ).rows[0]!.status,
    ).not.toBe('approved');
  });

  it('refuses a claim or milestone moved to a decided state with nobody on record for the step', async () => {
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE claims SET status = 'released' WHERE id = ${world.target.claimId}`),
      ),
    ).toMatch(/violates check constraint/);
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE milestones SET status = 'released' WHERE id = ${world.target.milestoneId}`,
        ),
      ),
    ).toMatch(/violates check constraint/);
  });
});
