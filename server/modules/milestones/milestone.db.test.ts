import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import {
  approvalDecisions,
  auditEvents,
  costCodes,
  exceptions,
  milestoneEvidence,
  milestones,
  projects,
  users,
} from '@/db/schema';
import {
  approveChangeOrder,
  submitChangeOrder,
} from '@/server/modules/change-orders/change-order-approval.service';
import { createChangeOrder } from '@/server/modules/change-orders/change-order.service';
import { listMyApprovals } from '@/server/modules/inbox/inbox.queries';
import { asDatabaseOwner, seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import {
  claimMilestoneCompletion,
  rejectMilestone,
  releaseMilestone,
  verifyMilestone,
} from './milestone-approval.service';
import { getMilestoneDetail, listMilestones } from './milestone.queries';
import type { CreateMilestoneInput } from './milestone.schemas';
import { createMilestone, updateMilestone } from './milestone.service';

let testDb: TestDatabase;
let org: SeededOrg;
let p1: string; // P-1001: contract 1,450,000.00, retention 5 %, linked to an Odoo sale order below
let p2: string; // P-1002: no sale order link

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  p1 = org.projectIds['P-1001']!;
  p2 = org.projectIds['P-1002']!;
  await testDb.db.update(projects).set({ odooSaleOrderId: 4242 }).where(eq(projects.id, p1));
  // a second QS on P-1001, so a QS-authored milestone can still be verified
  await testDb.db.execute(
    sql`INSERT INTO project_members (project_id, user_id) VALUES (${p1}, ${org.actors.qs2.id})`,
  );
  // an approved client CO adds 50,000.00 to P-1001's contract: revised 1,500,000.00
  const [code] = await testDb.db
    .select({ id: costCodes.id })
    .from(costCodes)
    .where(eq(costCodes.projectId, p1))
    .limit(1);
  const co = await createChangeOrder(
    testDb.db,
    {
      projectId: p1,
      kind: 'client',
      title: 'Extra landscaping',
      reason: 'client_instruction',
      description: '',
      scheduleImpactDays: 0,
      lines: [
        {
          costCodeId: code!.id,
          description: 'Planting',
          quantity: '1',
          unit: 'item',
          unitCost: '20000.00',
          sellAmount: '50000.00',
        },
      ],
      documents: [],
    },
    org.actors.pm,
  );
  await submitChangeOrder(testDb.db, { changeOrderId: co.id, version: 1 }, org.actors.pm);
  await approveChangeOrder(testDb.db, { changeOrderId: co.id, version: 2 }, org.actors.qs);
  // the 50,000.00 sell change is above the PM limit: an executive approves too (routing amount, issue 13)
  expect(await approveChangeOrder(testDb.db, { changeOrderId: co.id, version: 3 }, org.actors.pm2)).toEqual({
    status: 'submitted',
  });
  expect(await approveChangeOrder(testDb.db, { changeOrderId: co.id, version: 4 }, org.actors.exec)).toEqual({
    status: 'approved',
  });
});
afterAll(async () => testDb.drop());

function input(overrides: Partial<CreateMilestoneInput> = {}): CreateMilestoneInput {
  return {
    projectId: p1,
    name: 'Frame complete',
    plannedDate: '2026-05-29',
    amountBasis: 'percent',
    percentOfContract: '25',
    fixedAmount: null,
    evidence: [{ title: 'Site photos', url: 'https://docs.example.com/frame-photos' }],
    ...overrides,
  };
}

async function current(id: string) {
  const [row] = await testDb.db.select().from(milestones).where(eq(milestones.id, id));
  return row!;
}

const decisionsOf = (id: string) =>
  testDb.db
    .select()
    .from(approvalDecisions)
    .where(and(eq(approvalDecisions.recordType, 'milestone'), eq(approvalDecisions.recordId, id)))
    .orderBy(asc(approvalDecisions.cycle), asc(approvalDecisions.step));
const auditOf = (id: string) =>
  testDb.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, 'milestone'), eq(auditEvents.entityId, id)))
    .orderBy(asc(auditEvents.id));
const openExceptionsOf = (id: string) =>
  testDb.db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.recordId, id), eq(exceptions.status, 'open')));
async function jobsFor(id: string): Promise<number> {
  const result = await testDb.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM sync_requests WHERE record_type = 'milestone' AND record_id = ${id}::uuid`,
  );
  return result.rows[0]?.n ?? 0;
}

/** The database's own message for a refused statement (drizzle wraps it as the error's cause). */
async function databaseError(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: { message?: string; constraint?: string } }).cause;
    return `${cause?.message ?? (error as Error).message} ${cause?.constraint ?? ''}`;
  }
  return 'no error';
}

/** planned → completion_claimed (pm) → verified (qs); returns the version reached. */
async function claimAndVerify(id: string, version = 1): Promise<number> {
  await claimMilestoneCompletion(testDb.db, { milestoneId: id, version }, org.actors.pm);
  await verifyMilestone(testDb.db, { milestoneId: id, version: version + 1 }, org.actors.qs);
  return version + 2;
}

describe('milestone records', () => {
  it('numbers milestones per project with a project-wide reference, stores percent as a fraction, audits the money', async () => {
    const first = await createMilestone(testDb.db, input(), org.actors.pm);
    const second = await createMilestone(
      testDb.db,
      input({ name: 'Roof on', amountBasis: 'fixed', fixedAmount: '1000.5', percentOfContract: null }),
      org.actors.qs,
    );
    expect(first.reference).toMatch(/^P-1001-MS-\d{3}$/);
    expect(Number(second.reference.slice(-3))).toBe(Number(first.reference.slice(-3)) + 1);
    expect(await current(first.id)).toMatchObject({
      status: 'planned',
      amountBasis: 'percent',
      percentOfContract: '0.2500',
      fixedAmount: null,
      createdById: org.actors.pm.id,
    });
    expect(await current(second.id)).toMatchObject({
      amountBasis: 'fixed',
      fixedAmount: '1000.50',
      percentOfContract: null,
    });
    const [audit] = await auditOf(second.id);
    expect(audit).toMatchObject({
      action: 'milestone.create',
      toState: 'planned',
      actorId: org.actors.qs.id,
    });
    expect(audit!.changedFields).toMatchObject({ fixedAmount: { old: null, new: '1000.50' } });
    expect(
      await testDb.db.select().from(milestoneEvidence).where(eq(milestoneEvidence.milestoneId, first.id)),
    ).toHaveLength(1);
  });

  it('refuses a missing or impossible amount, a role without the right, and another project (NOT_FOUND)', async () => {
    await expect(
      createMilestone(testDb.db, input({ amountBasis: 'fixed', fixedAmount: null }), org.actors.pm),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      createMilestone(testDb.db, input({ percentOfContract: '100.01' }), org.actors.pm),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      createMilestone(testDb.db, input({ percentOfContract: '0' }), org.actors.pm),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(createMilestone(testDb.db, input(), org.actors.finance)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      createMilestone(testDb.db, input({ projectId: org.projectIds['P-1003']! }), org.actors.pm),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('edits a planned milestone with compare-and-set, and refuses to edit one past planned', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'Editable' }), org.actors.pm);
    await updateMilestone(
      testDb.db,
      { ...input({ name: 'Edited', percentOfContract: '10' }), milestoneId: id, version: 1 },
      org.actors.qs,
    );
    expect(await current(id)).toMatchObject({ name: 'Edited', percentOfContract: '0.1000', version: 2 });
    await expect(
      updateMilestone(testDb.db, { ...input(), milestoneId: id, version: 1 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 2 }, org.actors.pm);
    await expect(
      updateMilestone(testDb.db, { ...input(), milestoneId: id, version: 3 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    const edit = (await auditOf(id)).find((a) => a.action === 'milestone.edit');
    expect(edit!.changedFields).toMatchObject({ percentOfContract: { old: '0.2500', new: '0.1000' } });
  });
});

describe('milestone workflow', () => {
  it('PM claims, QS verifies, finance releases: amount priced on the revised contract (incl. approved client COs), retention, decisions, audit and one sync request', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'Substructure complete' }), org.actors.pm);
    expect(await jobsFor(id)).toBe(0);
    await claimMilestoneCompletion(
      testDb.db,
      { milestoneId: id, version: 1, comment: 'Slab poured' },
      org.actors.pm,
    );
    expect(await current(id)).toMatchObject({
      status: 'completion_claimed',
      completionClaimedById: org.actors.pm.id,
    });
    await verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.qs);
    expect(await releaseMilestone(testDb.db, { milestoneId: id, version: 3 }, org.actors.finance)).toEqual({
      status: 'released',
    });
    // 25 % of 1,500,000.00 (1,450,000.00 + the approved client CO's 50,000.00); retention 5 %
    expect(await current(id)).toMatchObject({
      status: 'released',
      invoiceAmount: '375000.00',
      retentionAmount: '18750.00',
      releasedById: org.actors.finance.id,
      syncStatus: 'pending',
    });
    expect(await jobsFor(id)).toBe(1);
    const decisions = await decisionsOf(id);
    expect(decisions.map((d) => [d.stepName, d.role, d.decision])).toEqual([
      ['claim_completion', 'project_manager', 'approved'],
      ['verify', 'quantity_surveyor', 'approved'],
      ['release', 'finance', 'approved'],
    ]);
    expect((await auditOf(id)).map((a) => a.action)).toEqual([
      'milestone.create',
      'milestone.claim_completion',
      'milestone.verify',
      'milestone.release',
    ]);
    const release = (await auditOf(id)).find((a) => a.action === 'milestone.release')!;
    expect(release.correlationId).not.toBeNull();
    const detail = await getMilestoneDetail(testDb.db, org.actors.finance, id);
    expect(detail).toMatchObject({
      amount: '375000.00',
      netInvoiceAmount: '356250.00',
      revisedContractValue: '1500000.00',
      actions: [],
    });
  });

  it('refuses steps out of order, by the wrong role, and a stale version', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'Order check' }), org.actors.pm);
    await expect(
      verifyMilestone(testDb.db, { milestoneId: id, version: 1 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(
      claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 7 }, org.actors.pm),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.pm);
    await expect(
      releaseMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(
      verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.pm2),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await current(id)).status).toBe('completion_claimed');
  });

  it('segregation of duties: the author does not verify; the verifier does not release, even with a new role', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'QS-authored' }), org.actors.qs);
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.pm);
    await expect(
      verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'SELF_APPROVAL' });
    await verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.qs2);
    const promoted = { ...org.actors.qs2, role: 'finance' as const };
    await asDatabaseOwner(testDb.db, (tx) =>
      tx.update(users).set({ role: 'finance' }).where(eq(users.id, promoted.id)),
    );
    try {
      await expect(
        releaseMilestone(testDb.db, { milestoneId: id, version: 3 }, promoted),
      ).rejects.toMatchObject({ code: 'DUPLICATE_APPROVAL_STEP' });
    } finally {
      await asDatabaseOwner(testDb.db, (tx) =>
        tx.update(users).set({ role: 'quantity_surveyor' }).where(eq(users.id, promoted.id)),
      );
    }
    expect((await current(id)).status).toBe('verified');
  });

  it('the database itself refuses a verify by the author or claimer and a second step by one person', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'Guards' }), org.actors.pm);
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.pm);
    const row = (step: number, decidedById: string, stepName = 'verify') => ({
      recordType: 'milestone',
      recordId: id,
      step,
      stepName,
      role: 'quantity_surveyor',
      decision: 'approved' as const,
      decidedById,
    });
    // pm claimed completion (step 1); pm (author and claimer) may not verify; pm2 holds no QS role; the QS may, but not also release
    await expect(
      databaseError(testDb.db.insert(approvalDecisions).values(row(2, org.actors.pm.id))),
    ).resolves.toMatch(/self-approval/);
    await expect(
      databaseError(testDb.db.insert(approvalDecisions).values(row(2, org.actors.pm2.id))),
    ).resolves.toMatch(/is for a quantity_surveyor, not a project_manager/);
    await expect(testDb.db.insert(approvalDecisions).values(row(2, org.actors.qs.id))).resolves.toBeDefined();
    await expect(
      databaseError(testDb.db.insert(approvalDecisions).values(row(3, org.actors.qs.id, 'release'))),
    ).resolves.toMatch(/approval_decisions_person_unique|is for a finance/);
  });

  it('takes exactly one of ten concurrent verifications', async () => {
    const { id } = await createMilestone(testDb.db, input({ name: 'Race' }), org.actors.pm);
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.pm);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        verifyMilestone(testDb.db, { milestoneId: id, version: 2 }, org.actors.qs),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(['CONFLICT', 'INVALID_TRANSITION']).toContain((r.reason as { code?: string }).code);
    expect((await auditOf(id)).filter((a) => a.action === 'milestone.verify')).toHaveLength(1);
  });
});

describe('rejection', () => {
  it('needs a reason, returns to planned with it, and the same people can take the steps again', async () => {
    const { id } = await createMilestone(
      testDb.db,
      input({ name: 'Envelope watertight', percentOfContract: '5' }),
      org.actors.pm,
    );
    await claimMilestoneCompletion(testDb.db, { milestoneId: id, version: 1 }, org.actors.pm);
    await expect(
      rejectMilestone(testDb.db, { milestoneId: id, version: 2, comment: '  ' }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
    await expect(
      rejectMilestone(testDb.db, { milestoneId: id, version: 2, comment: 'No photos' }, org.actors.finance),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^(FORBIDDEN|SELF_APPROVAL|DUPLICATE_APPROVAL_STEP)$/),
    });
    await expect(
      rejectMilestone(testDb.db, { milestoneId: id, version: 2, comment: 'No photos' }, org.actors.pm),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^(FORBIDDEN|SELF_APPROVAL|DUPLICATE_APPROVAL_STEP)$/),
    });
    expect(
      await rejectMilestone(
        testDb.db,
        { milestoneId: id, version: 2, comment: 'Evidence missing: no façade photos' },
        org.actors.qs,
      ),
    ).toEqual({ status: 'planned' });
    expect(await current(id)).toMatchObject({
      status: 'planned',
      rejectionReason: 'Evidence missing: no façade photos',
      completionClaimedById: null,
    });
    const rejection = (await auditOf(id)).find((a) => a.action === 'milestone.reject')!;
    expect(rejection).toMatchObject({
      fromState: 'completion_claimed',
      toState: 'planned',
      comment: 'Evidence missing: no façade photos',
    });

    // second cycle: verified, then refused by finance; third cycle released
    const version = await claimAndVerify(id, 3);
    expect((await current(id)).rejectionReason).toBeNull();
    await expect(
      rejectMilestone(testDb.db, { milestoneId: id, version, comment: 'x' }, org.actors.qs),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^(FORBIDDEN|SELF_APPROVAL|DUPLICATE_APPROVAL_STEP)$/),
    });
    await rejectMilestone(
      testDb.db,
      { milestoneId: id, version, comment: 'Client disputes the date' },
      org.actors.finance,
    );
    expect(await current(id)).toMatchObject({
      status: 'planned',
      rejectionReason: 'Client disputes the date',
      verifiedById: null,
    });
    const again = await claimAndVerify(id, version + 1);
    await releaseMilestone(testDb.db, { milestoneId: id, version: again }, org.actors.finance);
    expect((await current(id)).status).toBe('released');
    // every step of every cycle is a decision row; a rejection opened the next cycle
    expect((await decisionsOf(id)).map((d) => [d.cycle, d.stepName, d.decision])).toEqual([
      [1, 'claim_completion', 'approved'],
      [1, 'verify', 'rejected'],
      [2, 'claim_completion', 'approved'],
      [2, 'verify', 'approved'],
      [2, 'release', 'rejected'],
      [3, 'claim_completion', 'approved'],
      [3, 'verify', 'approved'],
      [3, 'release', 'approved'],
    ]);
    expect((await current(id)).cycle).toBe(3);
    expect((await auditOf(id)).filter((a) => a.action === 'milestone.verify')).toHaveLength(2);
  });
});

describe('finance release refusals', () => {
  it('refuses while the project has no sale order link, with the reason and an exception, and changes nothing', async () => {
    const { id } = await createMilestone(
      testDb.db,
      input({ projectId: p2, name: 'Steel frame complete', percentOfContract: '30' }),
      org.actors.pm,
    );
    await claimAndVerify(id);
    await expect(
      releaseMilestone(testDb.db, { milestoneId: id, version: 3 }, org.actors.finance),
    ).rejects.toMatchObject({
      code: 'RELEASE_REFUSED',
      message: expect.stringContaining('Project P-1002 has no Odoo sale order linked'),
      details: { causes: ['no_sale_order'] },
    });
    expect(await current(id)).toMatchObject({
      status: 'verified',
      version: 3,
      invoiceAmount: null,
      syncStatus: 'not_required',
    });
    expect(await jobsFor(id)).toBe(0);
    const [exception] = await openExceptionsOf(id);
    expect(exception).toMatchObject({
      category: 'rule_breach',
      cause: 'milestone_release.no_sale_order',
      projectId: p2,
      amountAtStake: '630000.00',
    });
    expect((await auditOf(id)).at(-1)).toMatchObject({
      action: 'milestone.release_refused',
      fromState: 'verified',
      toState: 'verified',
    });
    // once linked, the release goes through and resolves the exception
    await testDb.db.update(projects).set({ odooSaleOrderId: 4343 }).where(eq(projects.id, p2));
    await releaseMilestone(testDb.db, { milestoneId: id, version: 3 }, org.actors.finance);
    expect(await openExceptionsOf(id)).toHaveLength(0);
  });

  it('refuses billing above the revised contract value, counting approved client COs', async () => {
    // released on P-1001 so far: 375,000.00 (25 %) and 75,000.00 (5 %) of 1,500,000.00 → 1,050,000.00 left
    const over = await createMilestone(
      testDb.db,
      input({ name: 'Too much', amountBasis: 'fixed', fixedAmount: '1050000.01', percentOfContract: null }),
      org.actors.pm,
    );
    await claimAndVerify(over.id);
    await expect(
      releaseMilestone(testDb.db, { milestoneId: over.id, version: 3 }, org.actors.finance),
    ).rejects.toMatchObject({
      code: 'RELEASE_REFUSED',
      message:
        'Release refused: Billing would exceed the revised contract value: 1050000.01 to release, 1050000.00 left to bill of 1500000.00.',
      details: { causes: ['exceeds_contract_value'] },
    });
    expect((await current(over.id)).status).toBe('verified');
    expect((await openExceptionsOf(over.id)).map((e) => e.cause)).toEqual([
      'milestone_release.exceeds_contract_value',
    ]);
    // a second refusal counts again on the same exception
    await expect(
      releaseMilestone(testDb.db, { milestoneId: over.id, version: 3 }, org.actors.finance),
    ).rejects.toMatchObject({ code: 'RELEASE_REFUSED' });
    expect((await openExceptionsOf(over.id))[0]!.occurrences).toBe(2);

    // exactly the remainder fits only because the client CO's 50,000.00 counts
    const exact = await createMilestone(
      testDb.db,
      input({
        name: 'Exactly the rest',
        amountBasis: 'fixed',
        fixedAmount: '1050000.00',
        percentOfContract: null,
      }),
      org.actors.pm,
    );
    await claimAndVerify(exact.id);
    expect(
      await releaseMilestone(testDb.db, { milestoneId: exact.id, version: 3 }, org.actors.finance),
    ).toEqual({ status: 'released' });
  });
});

describe('lists and My approvals', () => {
  it('flags overdue milestones, prices percent ones on the revised contract, and hides other projects', async () => {
    const { id } = await createMilestone(
      testDb.db,
      input({ name: 'Long overdue', plannedDate: '2020-01-31', percentOfContract: '10' }),
      org.actors.pm,
    );
    const list = await listMilestones(testDb.db, org.actors.pm, {
      page: 0,
      pageSize: 200,
      filters: {},
      projectId: p1,
    });
    const row = list.rows.find((r) => r.id === id)!;
    expect(row).toMatchObject({ isOverdue: true, amount: '150000.00', percentOfContract: '10.00' });
    expect(
      list.rows.find((r) => r.name === 'Substructure complete' && r.status === 'released'),
    ).toMatchObject({ isOverdue: false, amount: '375000.00' });
    const pm2List = await listMilestones(testDb.db, org.actors.pm2, { page: 0, pageSize: 200, filters: {} });
    expect(pm2List.rows.every((r) => r.projectCode !== 'P-1002')).toBe(true);
    expect(
      await getMilestoneDetail(
        testDb.db,
        org.actors.qs2,
        (await createMilestone(testDb.db, input({ projectId: p2 }), org.actors.pm)).id,
      ),
    ).toBeNull();
  });

  it('lists completion claims for the QS and verified milestones for finance, never the author’s own', async () => {
    const claimed = await createMilestone(testDb.db, input({ name: 'Inbox claimed' }), org.actors.pm);
    await claimMilestoneCompletion(testDb.db, { milestoneId: claimed.id, version: 1 }, org.actors.pm);
    const verified = await createMilestone(testDb.db, input({ name: 'Inbox verified' }), org.actors.pm);
    await claimAndVerify(verified.id);
    const qsInbox = await listMyApprovals(testDb.db, org.actors.qs);
    expect(qsInbox.filter((i) => i.kind === 'milestone').map((i) => i.id)).toContain(claimed.id);
    expect(qsInbox.find((i) => i.id === verified.id)).toBeUndefined();
    const financeInbox = await listMyApprovals(testDb.db, org.actors.finance);
    expect(financeInbox.find((i) => i.id === verified.id)).toMatchObject({
      kind: 'milestone',
      step: 'Finance release',
      projectCode: 'P-1001',
    });
    expect(financeInbox.find((i) => i.id === claimed.id)).toBeUndefined();
    const authored = await createMilestone(testDb.db, input({ name: 'QS own' }), org.actors.qs);
    await claimMilestoneCompletion(testDb.db, { milestoneId: authored.id, version: 1 }, org.actors.pm);
    expect(
      (await listMyApprovals(testDb.db, org.actors.qs)).find((i) => i.id === authored.id),
    ).toBeUndefined();
  });
});
