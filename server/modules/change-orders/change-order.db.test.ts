import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing/test-db';
import {
  approvalDecisions,
  approvalRoutes,
  auditEvents,
  budgetRevisions,
  changeOrders,
  contractRevisions,
  costCodes,
  partners,
  sovLines,
  subcontracts,
} from '@/db/schema';
import { seedTestOrganisation, type SeededOrg } from '@/server/testing/fixtures';
import { approveChangeOrder, rejectChangeOrder, submitChangeOrder } from './change-order-approval.service';
import { createChangeOrder, reviseChangeOrder, voidChangeOrder } from './change-order.service';
import type { CreateChangeOrderInput } from './change-order.schemas';

let testDb: TestDatabase;
let org: SeededOrg;
let projectId: string;
let codes: Record<string, string>;
let subcontractId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  org = await seedTestOrganisation(testDb.db);
  projectId = org.projectIds['P-1001']!;
  const rows = await testDb.db
    .select({ id: costCodes.id, code: costCodes.code })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId));
  codes = Object.fromEntries(rows.map((row) => [row.code, row.id]));
  const [vendor] = await testDb.db
    .insert(partners)
    .values({
      organisationId: org.actors.admin.organisationId,
      name: 'Keystone Groundworks Ltd',
      isVendor: true,
    })
    .returning();
  const [subcontract] = await testDb.db
    .insert(subcontracts)
    .values({ projectId, vendorId: vendor!.id, reference: 'P00001', title: 'Groundworks package' })
    .returning();
  subcontractId = subcontract!.id;
  await testDb.db.insert(sovLines).values({
    subcontractId,
    lineNo: 1,
    description: 'Excavation',
    costCodeId: codes['03-300'],
    scheduledAmount: '200000.00',
  });
  // a second quantity surveyor on the project, so a QS-raised CO can be reviewed by another QS
  await testDb.db.execute(
    sql`INSERT INTO project_members (project_id, user_id) VALUES (${projectId}, ${org.actors.qs2.id})`,
  );
});
afterAll(async () => testDb.drop());

function clientCo(amount: string, overrides: Partial<CreateChangeOrderInput> = {}): CreateChangeOrderInput {
  return {
    projectId,
    kind: 'client',
    title: 'Additional basement waterproofing',
    reason: 'client_instruction',
    description: '',
    scheduleImpactDays: 3,
    lines: [
      {
        costCodeId: codes['03-300']!,
        description: 'Tanking membrane',
        quantity: '1',
        unit: 'item',
        unitCost: amount,
        sellAmount: (Number(amount) * 1.2).toFixed(2),
      },
    ],
    documents: [{ title: 'Instruction CI-014', url: 'https://docs.example.com/ci-014' }],
    ...overrides,
  };
}

async function current(id: string) {
  const [row] = await testDb.db.select().from(changeOrders).where(eq(changeOrders.id, id));
  return row!;
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

async function jobsFor(id: string): Promise<number> {
  const result = await testDb.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM sync_requests WHERE record_type = 'change_order' AND record_id = ${id}::uuid`,
  );
  return result.rows[0]?.n ?? 0;
}

describe('change order lifecycle', () => {
  it('numbers COs per project and computes totals on the server', async () => {
    const first = await createChangeOrder(testDb.db, clientCo('1000.00'), org.actors.pm);
    const second = await createChangeOrder(testDb.db, clientCo('2000.00'), org.actors.qs);
    expect(second.reference).toBe(`CO-${String(Number(first.reference.slice(3)) + 1).padStart(4, '0')}`);
    const row = await current(second.id);
    expect(row).toMatchObject({ costTotalAmount: '2000.00', sellTotalAmount: '2400.00', status: 'draft' });
  });

  it('routes above the PM limit through QS → PM → executive, refusing the author and repeat steps', async () => {
    const { id } = await createChangeOrder(testDb.db, clientCo('40000.00'), org.actors.pm);
    await submitChangeOrder(testDb.db, { changeOrderId: id, version: 1 }, org.actors.pm);
    const route = await testDb.db
      .select()
      .from(approvalRoutes)
      .where(eq(approvalRoutes.recordId, id))
      .orderBy(asc(approvalRoutes.step));
    expect(route.map((s) => s.role)).toEqual(['quantity_surveyor', 'project_manager', 'executive']);
    // the submitter may not approve, even when it is their role's step later
    await approveChangeOrder(
      testDb.db,
      { changeOrderId: id, version: 2, comment: 'Measured and priced' },
      org.actors.qs,
    );
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: id, version: 3 }, org.actors.pm),
    ).rejects.toMatchObject({ code: 'SELF_APPROVAL' });
    // an executive cannot jump the PM's step
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: id, version: 3 }, org.actors.exec),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await current(id)).status).toBe('submitted');

    const full = await createChangeOrder(
      testDb.db,
      clientCo('40000.00', { title: 'Full route' }),
      org.actors.qs,
    );
    await submitChangeOrder(testDb.db, { changeOrderId: full.id, version: 1 }, org.actors.qs);
    expect(
      await approveChangeOrder(testDb.db, { changeOrderId: full.id, version: 2 }, org.actors.qs2),
    ).toEqual({ status: 'submitted' });
    expect(
      await approveChangeOrder(testDb.db, { changeOrderId: full.id, version: 3 }, org.actors.pm),
    ).toEqual({ status: 'submitted' });
    expect(
      await approveChangeOrder(testDb.db, { changeOrderId: full.id, version: 4 }, org.actors.exec),
    ).toEqual({ status: 'approved' });
    const steps = await testDb.db
      .select()
      .from(approvalDecisions)
      .where(eq(approvalDecisions.recordId, full.id));
    expect(steps.map((d) => [d.step, d.role]).sort()).toEqual([
      [1, 'quantity_surveyor'],
      [2, 'project_manager'],
      [3, 'executive'],
    ]);
  });

  it('refuses a reviewer outside the project (NOT_FOUND), the author, and skipping the QS review', async () => {
    // on P-1002, where pm2 is not a member
    const p2 = org.projectIds['P-1002']!;
    const [p2Code] = await testDb.db
      .select({ id: costCodes.id })
      .from(costCodes)
      .where(eq(costCodes.projectId, p2))
      .limit(1);
    const { id } = await createChangeOrder(
      testDb.db,
      clientCo('5000.00', {
        projectId: p2,
        lines: [
          {
            costCodeId: p2Code!.id,
            description: 'x',
            quantity: '1',
            unit: 'nr',
            unitCost: '5000.00',
            sellAmount: '6000.00',
          },
        ],
      }),
      org.actors.qs,
    );
    await submitChangeOrder(testDb.db, { changeOrderId: id, version: 1 }, org.actors.qs);
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: id, version: 2 }, org.actors.pm2),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: id, version: 2 }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'SELF_APPROVAL' });
    await expect(
      approveChangeOrder(testDb.db, { changeOrderId: id, version: 2 }, org.actors.pm),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await testDb.db.select().from(approvalDecisions).where(eq(approvalDecisions.recordId, id)),
    ).toHaveLength(0);
  });

  it('takes exactly one of 50 concurrent approvals of the same step: one audit row, one sync request', async () => {
    const raised = await createChangeOrder(testDb.db, clientCo('8000.00', { title: 'Race' }), org.actors.qs);
    await submitChangeOrder(testDb.db, { changeOrderId: raised.id, version: 1 }, org.actors.qs);
    await approveChangeOrder(testDb.db, { changeOrderId: raised.id, version: 2 }, org.actors.qs2);
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        approveChangeOrder(testDb.db, { changeOrderId: raised.id, version: 3 }, org.actors.pm),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const failures = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    // losers either saw a stale version or found the CO already approved; none half-applied
    for (const failure of failures)
      expect(['CONFLICT', 'INVALID_TRANSITION']).toContain((failure.reason as { code?: string }).code);
    expect((await current(raised.id)).status).toBe('approved');
    const approvals = await testDb.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, raised.id), eq(auditEvents.action, 'change_order.approve')));
    expect(approvals).toHaveLength(1);
    expect(await jobsFor(raised.id)).toBe(1);
    const budget = await testDb.db
      .select()
      .from(budgetRevisions)
      .where(eq(budgetRevisions.changeOrderId, raised.id));
    expect(budget.map((b) => [b.kind, b.amount])).toEqual([['approved_change', '8000.00']]);
    const contract = await testDb.db
      .select()
      .from(contractRevisions)
      .where(eq(contractRevisions.changeOrderId, raised.id));
    expect(contract.map((c) => c.amount)).toEqual(['9600.00']);
    expect((await current(raised.id)).syncStatus).toBe('pending');
  });

  it('changes the subcontract SOV exactly once for a commitment CO', async () => {
    const { id } = await createChangeOrder(
      testDb.db,
      {
        projectId,
        kind: 'commitment',
        subcontractId,
        title: 'Extra dig for attenuation tank',
        reason: 'unforeseen_condition',
        description: '',
        scheduleImpactDays: 0,
        lines: [
          {
            costCodeId: codes['03-300']!,
            description: 'Excavate and cart away',
            quantity: '150',
            unit: 'm3',
            unitCost: '100.00',
          },
        ],
        documents: [],
      },
      org.actors.qs,
    );
    await submitChangeOrder(testDb.db, { changeOrderId: id, version: 1 }, org.actors.qs);
    await approveChangeOrder(testDb.db, { changeOrderId: id, version: 2 }, org.actors.qs2);
    await Promise.allSettled(
      [1, 2, 3].map(() => approveChangeOrder(testDb.db, { changeOrderId: id, version: 3 }, org.actors.pm)),
    );
    const lines = await testDb.db.select().from(sovLines).where(eq(sovLines.subcontractId, subcontractId));
    expect(lines.filter((line) => line.changeOrderId === id).map((l) => l.scheduledAmount)).toEqual([
      '15000.00',
    ]);
    expect(lines).toHaveLength(2);
    // and a second insert for the same CO is refused by the database itself
    await expect(
      testDb.db.insert(sovLines).values({
        subcontractId,
        lineNo: 99,
        description: 'dup',
        scheduledAmount: '1.00',
        changeOrderId: id,
      }),
    ).rejects.toThrow();
  });

  it('rejects with a reason, revises into a new draft revision and keeps the old one readable', async () => {
    const { id } = await createChangeOrder(testDb.db, clientCo('3000.00'), org.actors.pm);
    await submitChangeOrder(testDb.db, { changeOrderId: id, version: 1 }, org.actors.pm);
    await expect(
      rejectChangeOrder(testDb.db, { changeOrderId: id, version: 2, comment: '' }, org.actors.qs),
    ).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
    await rejectChangeOrder(
      testDb.db,
      { changeOrderId: id, version: 2, comment: 'Rates not agreed' },
      org.actors.qs,
    );
    expect((await current(id)).status).toBe('rejected');
    const revision = await reviseChangeOrder(testDb.db, { changeOrderId: id, version: 3 }, org.actors.pm);
    const next = await current(revision.id);
    expect(next).toMatchObject({
      status: 'draft',
      revision: 2,
      reference: (await current(id)).reference,
      previousRevisionId: id,
      costTotalAmount: '3000.00',
    });
    await expect(
      reviseChangeOrder(testDb.db, { changeOrderId: id, version: 3 }, org.actors.pm),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('voids a draft with a reason, and refuses an unbalanced internal transfer', async () => {
    const { id } = await createChangeOrder(testDb.db, clientCo('100.00'), org.actors.pm);
    await voidChangeOrder(
      testDb.db,
      { changeOrderId: id, version: 1, comment: 'Duplicate of CO-0001' },
      org.actors.pm,
    );
    expect((await current(id)).status).toBe('void');
    await expect(
      createChangeOrder(
        testDb.db,
        {
          ...clientCo('0'),
          kind: 'internal',
          lines: [
            {
              costCodeId: codes['99-000']!,
              description: 'Draw on contingency',
              quantity: '1',
              unit: 'item',
              unitCost: '-5000.00',
            },
            {
              costCodeId: codes['05-100']!,
              description: 'Steel price rise',
              quantity: '1',
              unit: 'item',
              unitCost: '4000.00',
            },
          ],
        },
        org.actors.pm,
      ),
    ).rejects.toMatchObject({ code: 'INTERNAL_CO_NOT_BALANCED' });
  });

  it('refuses a cost code of another project and a project the actor cannot see (NOT_FOUND)', async () => {
    const otherProject = org.projectIds['P-1003']!;
    const [foreignCode] = await testDb.db
      .select({ id: costCodes.id })
      .from(costCodes)
      .where(eq(costCodes.projectId, otherProject))
      .limit(1);
    await expect(
      createChangeOrder(
        testDb.db,
        clientCo('10.00', {
          lines: [
            {
              costCodeId: foreignCode!.id,
              description: 'x',
              quantity: '1',
              unit: 'nr',
              unitCost: '10.00',
              sellAmount: '12.00',
            },
          ],
        }),
        org.actors.pm,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      createChangeOrder(testDb.db, clientCo('10.00', { projectId: otherProject }), org.actors.pm),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('database guards (application bypassed)', () => {
  it('refuses to edit an approved change order and refuses a self-approval row', async () => {
    const [approved] = await testDb.db
      .select()
      .from(changeOrders)
      .where(eq(changeOrders.status, 'approved'))
      .limit(1);
    expect(approved).toBeDefined();
    await expect(
      databaseError(
        testDb.db
          .update(changeOrders)
          .set({ costTotalAmount: '1.00' })
          .where(eq(changeOrders.id, approved!.id)),
      ),
    ).resolves.toMatch(/cannot be edited/);
    const { id } = await createChangeOrder(testDb.db, clientCo('10.00'), org.actors.pm);
    await submitChangeOrder(testDb.db, { changeOrderId: id, version: 1 }, org.actors.pm);
    const decision = (
      step: number,
      stepName: string,
      role: 'project_manager' | 'quantity_surveyor',
      decidedById: string,
    ) =>
      databaseError(
        testDb.db.insert(approvalDecisions).values({
          recordType: 'change_order',
          recordId: id,
          step,
          stepName,
          role,
          decision: 'approved',
          decidedById,
        }),
      );
    await expect(decision(1, 'x', 'quantity_surveyor', org.actors.qs.id)).resolves.toMatch(
      /not on the fixed route/,
    );
    await expect(decision(1, 'qs_review', 'project_manager', org.actors.pm.id)).resolves.toMatch(
      /self-approval/,
    );
    await expect(decision(2, 'pm_approval', 'project_manager', org.actors.pm2.id)).resolves.toMatch(
      /earlier steps .* are not approved \(qs_review\)/,
    );
    await testDb.db.insert(approvalDecisions).values({
      recordType: 'change_order',
      recordId: id,
      step: 1,
      stepName: 'qs_review',
      role: 'quantity_surveyor',
      decision: 'approved',
      decidedById: org.actors.qs.id,
    });
    await expect(decision(2, 'pm_approval', 'quantity_surveyor', org.actors.qs.id)).resolves.toMatch(
      /approval_decisions_person_unique|is for a project_manager/,
    );
  });
});

describe('commitment change orders', () => {
  it('refuse lines on more than one cost code (one PO line, one SOV line, one cost code)', async () => {
    await expect(
      createChangeOrder(
        testDb.db,
        {
          projectId,
          kind: 'commitment',
          subcontractId,
          title: 'Split',
          reason: 'design_change',
          description: '',
          scheduleImpactDays: 0,
          lines: [
            { costCodeId: codes['03-300']!, description: 'a', quantity: '1', unit: 'nr', unitCost: '10.00' },
            { costCodeId: codes['05-100']!, description: 'b', quantity: '1', unit: 'nr', unitCost: '10.00' },
          ],
          documents: [],
        },
        org.actors.qs,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('same cost code') });
  });
});
