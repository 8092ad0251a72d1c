import { TRPCError } from '@trpc/server';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalDecisions,
  approvalRoutes,
  approvalStepDefinitions,
  approvalRecordTypes,
  changeOrders,
  claims,
  costCodes,
  milestones,
  users,
} from '@/db/schema';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import { createCaller } from '@/server/api/root';
import type { Actor } from '@/server/auth/actor';
import {
  addSecondQs,
  runToApproved,
  seedWorkedExampleSubcontract,
} from '@/server/modules/claims/claim.testing';
import { contextFor, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { routeDefinitions } from './approvals';

/**
 * Issue 13's bypasses, each tried as an attacker with ordinary demo logins would, through the tRPC
 * router, and again with the application bypassed (plain SQL). Every one of these went through on
 * main before the approvals module; each assertion reads rows back from PostgreSQL.
 */
let testDb: TestDatabase;
let org: SeededOrg;
let projectId: string;
let codes: string[];
let exec2: Actor;

const as = (who: keyof SeededOrg['actors'] | Actor) =>
  createCaller(contextFor(testDb.db, typeof who === 'string' ? org.actors[who] : who));

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

async function databaseError(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'accepted';
}

const versionOf = async (table: typeof changeOrders | typeof claims | typeof milestones, id: string) =>
  (await testDb.db.select({ v: table.version }).from(table).where(eq(table.id, id)))[0]!.v;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  projectId = org.projectIds['P-1001']!;
  codes = (
    await testDb.db
      .select({ id: costCodes.id })
      .from(costCodes)
      .where(eq(costCodes.projectId, projectId))
      .orderBy(asc(costCodes.code))
  ).map((c) => c.id);
  await addSecondQs(testDb.db, org);
  // a second executive, so a route above the executive limit can be completed at all
  const [row] = await testDb.db
    .insert(users)
    .values({
      organisationId: org.actors.exec.organisationId,
      email: 'exec2@northbeam.example',
      name: 'Second Executive',
      role: 'executive',
      passwordHash: 'x',
    })
    .returning();
  exec2 = {
    id: row!.id,
    organisationId: row!.organisationId,
    email: row!.email,
    name: row!.name,
    role: 'executive',
  };
});
afterAll(async () => testDb.drop());

describe('the route definitions in the database are the module’s (one rule in one place)', () => {
  it('approval_step_definitions and approval_record_types match routeDefinitions exactly', async () => {
    const stored = await testDb.db
      .select()
      .from(approvalStepDefinitions)
      .orderBy(asc(approvalStepDefinitions.recordType), asc(approvalStepDefinitions.step));
    const expected = Object.entries(routeDefinitions)
      .flatMap(([recordType, def]) =>
        def.steps.map((s) => ({
          recordType,
          step: s.step,
          stepName: s.name,
          roles: [...s.roles],
          applies: s.applies,
          authorsMayAct: s.authorsMayAct,
          awaits: s.awaits,
          reaches: s.reaches,
        })),
      )
      .sort((a, b) => a.recordType.localeCompare(b.recordType) || a.step - b.step);
    expect(stored).toEqual(expected);
    const types = await testDb.db
      .select()
      .from(approvalRecordTypes)
      .orderBy(asc(approvalRecordTypes.recordType));
    expect(types.map((t) => [t.recordType, t.tableName, t.authorColumns, t.decidedStates])).toEqual(
      Object.entries(routeDefinitions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, def]) => [type, def.table, [...def.authorColumns], [...def.decidedStates]]),
    );
  });
});

describe('threshold bypass: offsetting lines and a large sell', () => {
  const bigClientCo = () => ({
    projectId,
    kind: 'client' as const,
    title: 'Scope swap',
    reason: 'client_instruction' as const,
    description: '',
    scheduleImpactDays: 0,
    lines: [
      {
        costCodeId: codes[0]!,
        description: 'New scope',
        quantity: '1',
        unit: 'item',
        unitCost: '900000.00',
        sellAmount: '5000000.00',
      },
      {
        costCodeId: codes[1]!,
        description: 'Contingency draw',
        quantity: '-1',
        unit: 'item',
        unitCost: '900000.00',
        sellAmount: '0.00',
      },
    ],
    documents: [],
  });

  it('routes a client CO of net 0 cost and +5,000,000 sell to two executives, shows why, and approves only after both', async () => {
    const { id } = await as('pm').changeOrders.create(bigClientCo());
    const draft = await as('pm').changeOrders.get({ changeOrderId: id });
    expect(draft.approval).toMatchObject({ routingAmount: '5000000.00', routeFixed: false });
    expect(draft.approval.routingReason).toMatch(
      /^routed on the sell change 5000000.00 .*above the executive limit/,
    );
    await as('pm').changeOrders.submit({ changeOrderId: id, version: 1 });
    const route = await testDb.db
      .select()
      .from(approvalRoutes)
      .where(eq(approvalRoutes.recordId, id))
      .orderBy(asc(approvalRoutes.step));
    expect(route.map((s) => [s.stepName, s.role, s.routingAmount])).toEqual([
      ['qs_review', 'quantity_surveyor', '5000000.00'],
      ['pm_approval', 'project_manager', '5000000.00'],
      ['executive_approval', 'executive', '5000000.00'],
      ['second_executive_approval', 'executive', '5000000.00'],
    ]);
    await as('qs').changeOrders.approve({ changeOrderId: id, version: 2 });
    expect(await as('pm2').changeOrders.approve({ changeOrderId: id, version: 3 })).toEqual({
      status: 'submitted',
    });
    expect(await as('exec').changeOrders.approve({ changeOrderId: id, version: 4 })).toEqual({
      status: 'submitted',
    });
    // the same executive cannot take the second executive step
    expect(await code(as('exec').changeOrders.approve({ changeOrderId: id, version: 5 }))).not.toBe('OK');
    expect((await testDb.db.select().from(changeOrders).where(eq(changeOrders.id, id)))[0]!.status).toBe(
      'submitted',
    );
    expect(await as(exec2).changeOrders.approve({ changeOrderId: id, version: 5 })).toEqual({
      status: 'approved',
    });
  });

  it('the database refuses a decision on a route that lacks the steps its amount needs, and an approval without them', async () => {
    const { id } = await as('pm').changeOrders.create(bigClientCo());
    // a forged route (QS → PM only) written directly
    await testDb.db.execute(
      sql`UPDATE change_orders SET status = 'submitted', submitted_by_id = created_by_id WHERE id = ${id}`,
    );
    await testDb.db.insert(approvalRoutes).values([
      {
        recordType: 'change_order',
        recordId: id,
        step: 1,
        stepName: 'qs_review',
        role: 'quantity_surveyor',
        routingAmount: '5000000.00',
        reason: 'forged',
      },
      {
        recordType: 'change_order',
        recordId: id,
        step: 2,
        stepName: 'pm_approval',
        role: 'project_manager',
        routingAmount: '5000000.00',
        reason: 'forged',
      },
    ]);
    expect(
      await databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'change_order',
          recordId: id,
          step: 1,
          stepName: 'qs_review',
          role: 'quantity_surveyor',
          decision: 'approved',
          decidedById: org.actors.qs.id,
        }),
      ),
    ).toMatch(/lacks executive_approval, second_executive_approval required by its amount/);
    // nor can a route understate the amount, nor can the status jump to approved
    expect(
      await databaseError(
        testDb.db.insert(approvalRoutes).values({
          recordType: 'change_order',
          recordId: id,
          cycle: 2,
          step: 1,
          stepName: 'qs_review',
          role: 'quantity_surveyor',
          routingAmount: '10.00',
          reason: 'forged',
        }),
      ),
    ).toMatch(/routing amount 10.00 is below/);
    expect(
      await databaseError(
        testDb.db.execute(sql`UPDATE change_orders SET status = 'approved' WHERE id = ${id}`),
      ),
    ).toMatch(/cannot be approved to approved: no approving decision/);
  });
});

describe('editors approve: everyone who shaped the figures is an author', () => {
  it('change order: pm2 edits, pm submits, qs reviews → pm2 may not approve (router and database)', async () => {
    const line = {
      costCodeId: codes[0]!,
      description: 'Work',
      quantity: '1',
      unit: 'item',
      unitCost: '1000.00',
      sellAmount: '1200.00',
    };
    const { id } = await as('pm').changeOrders.create({
      projectId,
      kind: 'client',
      title: 'Edited',
      reason: 'other',
      description: '',
      scheduleImpactDays: 0,
      lines: [line],
      documents: [],
    });
    await as('pm2').changeOrders.update({
      changeOrderId: id,
      version: 1,
      kind: 'client',
      title: 'Edited by pm2',
      reason: 'other',
      description: '',
      scheduleImpactDays: 0,
      lines: [{ ...line, unitCost: '20000.00', sellAmount: '24000.00' }],
      documents: [],
    });
    await as('pm').changeOrders.submit({ changeOrderId: id, version: 2 });
    await as('qs').changeOrders.approve({ changeOrderId: id, version: 3 });
    const view = await as('pm2').changeOrders.get({ changeOrderId: id });
    expect(view.actions).not.toContain('approve');
    expect(view.approval).toMatchObject({
      canAct: false,
      whyNot: 'You cannot approve an item you created, submitted or edited.',
    });
    expect((await as('pm2').session.myApprovals()).map((i) => i.id)).not.toContain(id);
    expect(await code(as('pm2').changeOrders.approve({ changeOrderId: id, version: 4 }))).toBe('FORBIDDEN');
    expect(
      await databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'change_order',
          recordId: id,
          step: 2,
          stepName: 'pm_approval',
          role: 'project_manager',
          decision: 'approved',
          decidedById: org.actors.pm2.id,
        }),
      ),
    ).toMatch(/self-approval refused/);
    expect(
      await testDb.db
        .select()
        .from(approvalDecisions)
        .where(and(eq(approvalDecisions.recordId, id), eq(approvalDecisions.decidedById, org.actors.pm2.id))),
    ).toHaveLength(0);
  });

  it('claim: pm2 sets 100 %, qs certifies → pm2 may not approve', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'ED-1',
      vendorOdooId: 9601,
      purchaseOrderId: 9601,
    });
    const { id } = await as('qs').claims.create({ subcontractId: sc.subcontractId, periodEnd: '2026-03-31' });
    await as('pm2').claims.update({
      claimId: id,
      version: 1,
      lines: [{ sovLineId: sc.sov[0]!.id, claimedPercent: '10' }],
    });
    await as('qs').claims.submit({ claimId: id, version: 2 });
    const claimed = (await testDb.db.select().from(claims).where(eq(claims.id, id)))[0]!;
    await as('qs').claims.certify({
      claimId: id,
      version: 3,
      lines: [
        {
          sovLineId: sc.sov[0]!.id,
          certifiedToDate: (
            await testDb.db.execute<{ c: string }>(
              sql`SELECT claimed_to_date_amount::text AS c FROM claim_lines WHERE claim_id = ${id} AND sov_line_id = ${sc.sov[0]!.id}`,
            )
          ).rows[0]!.c,
        },
      ],
    });
    expect(claimed.createdById).toBe(org.actors.qs.id);
    expect((await as('pm2').claims.get({ claimId: id })).actions).not.toContain('approve');
    expect(await code(as('pm2').claims.approve({ claimId: id, version: 4 }))).toBe('FORBIDDEN');
    expect(
      await databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'claim',
          recordId: id,
          step: 2,
          stepName: 'approve',
          role: 'project_manager',
          decision: 'approved',
          decidedById: org.actors.pm2.id,
        }),
      ),
    ).toMatch(/self-approval refused/);
    expect((await testDb.db.select().from(claims).where(eq(claims.id, id)))[0]!.status).toBe('certified');
    // another PM who never touched it may
    expect(await as('pm').claims.approve({ claimId: id, version: 4 })).toEqual({ status: 'approved' });
  });

  it('milestone: qs2 edits the amount, then may not verify', async () => {
    const { id } = await as('pm').milestones.create({
      projectId,
      name: 'Roof',
      plannedDate: '2026-06-30',
      amountBasis: 'fixed',
      fixedAmount: '1000.00',
      evidence: [],
    });
    await as('qs2').milestones.update({
      milestoneId: id,
      version: 1,
      name: 'Roof',
      plannedDate: '2026-06-30',
      amountBasis: 'fixed',
      fixedAmount: '90000.00',
      evidence: [],
    });
    await as('pm').milestones.claimCompletion({ milestoneId: id, version: 2 });
    expect((await as('qs2').milestones.get({ milestoneId: id })).actions).not.toContain('verify');
    expect(await code(as('qs2').milestones.verify({ milestoneId: id, version: 3 }))).toBe('FORBIDDEN');
    expect(
      await databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'milestone',
          recordId: id,
          step: 2,
          stepName: 'verify',
          role: 'quantity_surveyor',
          decision: 'approved',
          decidedById: org.actors.qs2.id,
        }),
      ),
    ).toMatch(/self-approval refused/);
    expect(await versionOf(milestones, id)).toBe(3);
    expect(await as('qs').milestones.verify({ milestoneId: id, version: 3 })).toEqual({ status: 'verified' });
  });
});

describe('admin approves nothing', () => {
  it('an admin holds no step: the router refuses and the database refuses a decision filed as admin', async () => {
    const line = {
      costCodeId: codes[0]!,
      description: 'Work',
      quantity: '1',
      unit: 'item',
      unitCost: '100.00',
      sellAmount: '120.00',
    };
    const { id } = await as('pm').changeOrders.create({
      projectId,
      kind: 'client',
      title: 'Small',
      reason: 'other',
      description: '',
      scheduleImpactDays: 0,
      lines: [line],
      documents: [],
    });
    await as('pm').changeOrders.submit({ changeOrderId: id, version: 1 });
    expect(await code(as('admin').changeOrders.approve({ changeOrderId: id, version: 2 }))).toBe('FORBIDDEN');
    expect(
      await databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'change_order',
          recordId: id,
          step: 1,
          stepName: 'qs_review',
          role: 'quantity_surveyor',
          decision: 'approved',
          decidedById: org.actors.admin.id,
        }),
      ),
    ).toMatch(/is for a quantity_surveyor, not a admin/);
  });
});

describe('materials on site are bounded (DOMAIN §4)', () => {
  it('refuses certified materials above the claimed figure or the remaining value, needs a reason when they differ, and the database refuses a direct overstatement', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'MT-1',
      vendorOdooId: 9701,
      purchaseOrderId: 9701,
    });
    const { id } = await as('qs').claims.create({ subcontractId: sc.subcontractId, periodEnd: '2026-03-31' });
    await as('qs').claims.update({
      claimId: id,
      version: 1,
      lines: [{ sovLineId: sc.sov[0]!.id, claimedToDate: '10000.00' }],
      materialsStoredToDate: '5000.00',
    });
    await as('qs').claims.submit({ claimId: id, version: 2 });
    const certify = (materialsStoredToDate: string, materialsReason?: string) =>
      as('qs2').claims.certify({
        claimId: id,
        version: 3,
        lines: [{ sovLineId: sc.sov[0]!.id, certifiedToDate: '10000.00' }],
        materialsStoredToDate,
        ...(materialsReason ? { materialsReason } : {}),
      });
    expect(await code(certify('999999999.00', 'Delivered'))).toBe('BAD_REQUEST');
    expect(await code(certify('5000.01', 'Delivered'))).toBe('BAD_REQUEST');
    expect(await code(certify('4000.00'))).toBe('BAD_REQUEST'); // differs from the claim: a reason is required
    const [untouched] = await testDb.db.select().from(claims).where(eq(claims.id, id));
    expect(untouched).toMatchObject({ status: 'submitted', materialsClaimedToDateAmount: '5000.00' });
    await certify('4000.00', 'One pallet of blocks damaged');
    const [certified] = await testDb.db.select().from(claims).where(eq(claims.id, id));
    expect(certified).toMatchObject({
      status: 'certified',
      materialsStoredToDateAmount: '4000.00',
      materialsReason: 'One pallet of blocks damaged',
    });
    expect(
      await databaseError(
        testDb.db.execute(
          sql`UPDATE claims SET materials_stored_to_date_amount = 999999999 WHERE id = ${id}`,
        ),
      ),
    ).toMatch(/claims_materials_within_claimed/);
  });

  it('refuses certified materials above the subcontract’s remaining value even when claimed', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'MT-2',
      vendorOdooId: 9702,
      purchaseOrderId: 9702,
    });
    const { id } = await as('qs').claims.create({ subcontractId: sc.subcontractId, periodEnd: '2026-03-31' });
    await as('qs').claims.update({
      claimId: id,
      version: 1,
      lines: [{ sovLineId: sc.sov[0]!.id, claimedToDate: '10000.00' }],
      materialsStoredToDate: '999999999.00',
    });
    await as('qs').claims.submit({ claimId: id, version: 2 });
    expect(
      await code(
        as('qs2').claims.certify({
          claimId: id,
          version: 3,
          lines: [{ sovLineId: sc.sov[0]!.id, certifiedToDate: '10000.00' }],
          materialsStoredToDate: '999999999.00',
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect((await testDb.db.select().from(claims).where(eq(claims.id, id)))[0]!.status).toBe('submitted');
  });
});

describe('the finance release checks work and materials against the revised subcontract value', () => {
  it('refuses, naming the cause, when completed to date exceeds the revised subcontract value', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'MT-3',
      vendorOdooId: 9703,
      purchaseOrderId: 9703,
    });
    const { id } = await as('qs').claims.create({ subcontractId: sc.subcontractId, periodEnd: '2026-03-31' });
    await as('qs').claims.update({
      claimId: id,
      version: 1,
      lines: [{ sovLineId: sc.sov[0]!.id, claimedToDate: '10000.00' }],
      materialsStoredToDate: '5000.00',
    });
    await as('qs').claims.submit({ claimId: id, version: 2 });
    await as('qs2').claims.certify({
      claimId: id,
      version: 3,
      lines: [{ sovLineId: sc.sov[0]!.id, certifiedToDate: '10000.00' }],
      materialsStoredToDate: '5000.00',
    });
    await as('pm').claims.approve({ claimId: id, version: 4 });
    // the subcontract is cut back in Odoo to the work certified: 10,000.00, below work + materials 15,000.00
    await testDb.db.execute(
      sql`UPDATE sov_lines SET scheduled_amount = CASE WHEN id = ${sc.sov[0]!.id}::uuid THEN 10000 ELSE 0 END WHERE subcontract_id = ${sc.subcontractId}`,
    );
    const refusal = await as('finance')
      .claims.release({ claimId: id, version: 5 })
      .catch((error: unknown) => error as TRPCError);
    expect(refusal).toBeInstanceOf(TRPCError);
    expect((refusal as TRPCError).message).toMatch(
      /Completed to date \(work and materials\) 15000.00 is above the revised subcontract value 10000.00/,
    );
    expect((await testDb.db.select().from(claims).where(eq(claims.id, id)))[0]!.status).toBe('approved');
  });
});

describe('retention releases follow DOMAIN §4 order', () => {
  it('refuses practical completion before the work is complete, end of defects before practical completion, and either twice', async () => {
    const sc = await seedWorkedExampleSubcontract(testDb.db, org, {
      reference: 'RR-1',
      vendorOdooId: 9801,
      purchaseOrderId: 9801,
    });
    await runToApproved(
      testDb.db,
      org,
      sc,
      '2026-01-31',
      ['40000.00', '20000.00', '0.00'],
      ['40000.00', '20000.00', '0.00'],
    );
    const early = await code(
      as('qs').claims.createRetentionRelease({
        subcontractId: sc.subcontractId,
        periodEnd: '2026-02-28',
        stage: 'practical_completion',
      }),
    );
    expect(early).toBe('BAD_REQUEST');
    expect(
      await code(
        as('qs').claims.createRetentionRelease({
          subcontractId: sc.subcontractId,
          periodEnd: '2026-02-28',
          stage: 'end_of_defects',
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await testDb.db
        .select()
        .from(claims)
        .where(and(eq(claims.subcontractId, sc.subcontractId), eq(claims.type, 'retention_release'))),
    ).toHaveLength(0);
    // the database keeps one release per stage even when the application is bypassed
    const [first] = await testDb.db.select().from(claims).where(eq(claims.subcontractId, sc.subcontractId));
    const insertRelease = (n: number) =>
      testDb.db
        .execute(sql`INSERT INTO claims (subcontract_id, project_id, number, reference, type, retention_release_stage, period_end, created_by_id)
        VALUES (${sc.subcontractId}, ${first!.projectId}, ${n}, ${'RR-FORGED-' + n}, 'retention_release', 'practical_completion', '2026-02-28', ${org.actors.qs.id})`);
    expect(await databaseError(insertRelease(90))).toBe('accepted');
    expect(await databaseError(insertRelease(91))).toMatch(/claims_one_release_per_stage/);
  });
});
