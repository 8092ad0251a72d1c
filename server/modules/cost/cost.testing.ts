import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  analyticLines,
  changeOrders,
  claims,
  costCodes,
  exceptions,
  milestones,
  partners,
  projectMembers,
  projects,
  sovLines,
  subcontracts,
} from '@/db/schema';
import {
  approveChangeOrder,
  submitChangeOrder,
} from '@/server/modules/change-orders/change-order-approval.service';
import {
  createChangeOrder,
  setProceeding,
  voidChangeOrder,
} from '@/server/modules/change-orders/change-order.service';
import type { CreateChangeOrderInput } from '@/server/modules/change-orders/change-order.schemas';
import type { SeededOrg } from '@/server/testing/fixtures';
import type { Actor } from '@/server/auth/actor';

/**
 * Test data for the cost report: change orders go through the real services (so approval writes its
 * budget revisions, contract revision and SOV line as in production); Odoo-mirrored rows (SOV,
 * analytic lines) and the other workflows' frozen figures (claims, milestones) are inserted directly.
 */
export type CoLine = { code: string; cost: string; sell?: string };
type CoOptions = {
  kind: CreateChangeOrderInput['kind'];
  lines: CoLine[];
  subcontractId?: string;
  title?: string;
};

export async function codesOf(db: Db, projectId: string): Promise<Record<string, string>> {
  const rows = await db
    .select({ id: costCodes.id, code: costCodes.code })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId));
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export function coBuilder(db: Db, org: SeededOrg, projectId: string, codes: Record<string, string>) {
  const create = (options: CoOptions) =>
    createChangeOrder(
      db,
      {
        projectId,
        kind: options.kind,
        title: options.title ?? `${options.kind} change`,
        reason: 'design_change',
        description: '',
        scheduleImpactDays: 0,
        subcontractId: options.subcontractId ?? null,
        lines: options.lines.map((line, i) => ({
          costCodeId: codes[line.code]!,
          description: `line ${i + 1}`,
          quantity: '1',
          unit: 'item',
          unitCost: line.cost,
          sellAmount: options.kind === 'client' ? (line.sell ?? line.cost) : null,
        })),
        documents: [],
      },
      org.actors.pm,
    );
  const version = async (id: string) =>
    (await db.select({ v: changeOrders.version }).from(changeOrders).where(eq(changeOrders.id, id)))[0]!.v;
  return {
    draft: create,
    async submitted(options: CoOptions & { proceeding?: boolean }) {
      const { id } = await create(options);
      await submitChangeOrder(db, { changeOrderId: id, version: 1 }, org.actors.pm);
      if (options.proceeding)
        await setProceeding(db, { changeOrderId: id, version: 2, isProceeding: true }, org.actors.pm);
      return id;
    },
    /** QS review by the QS, PM approval by the second PM (the first raised it). */
    async approved(options: CoOptions) {
      const { id } = await create(options);
      await submitChangeOrder(db, { changeOrderId: id, version: 1 }, org.actors.pm);
      await approveChangeOrder(db, { changeOrderId: id, version: 2 }, org.actors.qs);
      const { status } = await approveChangeOrder(
        db,
        { changeOrderId: id, version: await version(id) },
        org.actors.pm2,
      );
      // above the PM limit the route has an executive step (issue 13)
      if (status === 'submitted')
        await approveChangeOrder(db, { changeOrderId: id, version: await version(id) }, org.actors.exec);
      return id;
    },
    async voided(options: CoOptions) {
      const { id } = await create(options);
      await voidChangeOrder(db, { changeOrderId: id, version: 1, comment: 'raised in error' }, org.actors.pm);
      return id;
    },
  };
}

export async function addVendor(db: Db, org: SeededOrg, name: string): Promise<string> {
  const [vendor] = await db
    .insert(partners)
    .values({ organisationId: org.actors.admin.organisationId, name, isVendor: true })
    .returning({ id: partners.id });
  return vendor!.id;
}

let poCounter = 1000;

export async function addSubcontract(
  db: Db,
  projectId: string,
  vendorId: string,
  lines: { code: string | null; amount: string }[],
  codes: Record<string, string>,
  odooState = 'purchase',
) {
  poCounter += 1;
  const [sc] = await db
    .insert(subcontracts)
    .values({ projectId, vendorId, reference: `P0${poCounter}`, title: `Package ${poCounter}`, odooState })
    .returning({ id: subcontracts.id });
  const sovIds: string[] = [];
  for (const [i, line] of lines.entries()) {
    const [row] = await db
      .insert(sovLines)
      .values({
        subcontractId: sc!.id,
        lineNo: i + 1,
        description: `SOV ${i + 1}`,
        costCodeId: line.code ? codes[line.code]! : null,
        scheduledAmount: line.amount,
        odooPurchaseLineId: poCounter * 100 + i,
      })
      .returning({ id: sovLines.id });
    sovIds.push(row!.id);
  }
  return { id: sc!.id, sovIds };
}

let odooLineId = 50_000;

export async function addAnalyticLine(
  db: Db,
  projectId: string,
  costCodeId: string | null,
  amount: string,
  options: { purchaseLineId?: number; date?: string } = {},
) {
  odooLineId += 1;
  await db.insert(analyticLines).values({
    odooId: odooLineId,
    projectId,
    costCodeId,
    date: options.date ?? '2026-02-15',
    description: `Odoo line ${odooLineId}`,
    costAmount: amount,
    odooPurchaseLineId: options.purchaseLineId ?? null,
  });
}

/** A claim with its frozen figures, as the claims workflow leaves it (lines are added while draft). */
export async function addClaim(
  db: Db,
  org: SeededOrg,
  input: {
    projectId: string;
    subcontractId: string;
    number: number;
    status: 'submitted' | 'approved' | 'paid';
    lines: { sovLineId: string; scheduled: string; certified: string }[];
    completed: string;
    held: string;
  },
): Promise<string> {
  const [claim] = await db
    .insert(claims)
    .values({
      subcontractId: input.subcontractId,
      projectId: input.projectId,
      number: input.number,
      reference: `CLM-${input.subcontractId.slice(0, 6)}-${input.number}`,
      periodEnd: `2026-0${input.number}-28`,
      createdById: org.actors.qs.id,
    })
    .returning({ id: claims.id });
  await db.execute(sql`INSERT INTO claim_lines (claim_id, sov_line_id, scheduled_amount, claimed_to_date_amount, certified_to_date_amount)
    SELECT ${claim!.id}, l.sov_line_id, l.scheduled, l.certified, l.certified
    FROM json_to_recordset(${JSON.stringify(input.lines.map((l) => ({ sov_line_id: l.sovLineId, scheduled: l.scheduled, certified: l.certified })))}::json)
         AS l(sov_line_id uuid, scheduled numeric, certified numeric)`);
  await db.transaction(async (tx) => {
    await tx
      .update(claims)
      // the deciders are on record, as the database requires for a decided claim
      .set({
        status: input.status,
        certifiedById: input.status === 'submitted' ? null : org.actors.qs2.id,
        approvedById: input.status === 'submitted' ? null : org.actors.pm.id,
        releasedById: input.status === 'paid' ? org.actors.finance.id : null,
        certifiedToDateAmount: input.completed,
        completedToDateAmount: input.completed,
        retentionHeldToDateAmount: input.held,
        deductionsToDateAmount: '0',
        netToDateAmount: input.completed,
        dueAmount: input.completed,
      })
      .where(eq(claims.id, claim!.id));
    if (input.status === 'submitted') return;
    // and so are its fixed route and decisions (the approvals module's database guard checks them at commit)
    await tx.execute(sql`INSERT INTO approval_routes (record_type, record_id, step, step_name, role, routing_amount, reason)
    SELECT 'claim', c.id, d.step, d.step_name, d.roles[1], abs(c.due_amount), 'test fixture'
    FROM claims c JOIN projects p ON p.id = c.project_id JOIN organisations o ON o.id = p.organisation_id, approval_step_definitions d
    WHERE c.id = ${claim!.id} AND d.record_type = 'claim'
      AND (d.applies = 'always' OR (d.applies = 'above_pm_limit' AND abs(c.due_amount) > o.pm_limit_amount)
           OR (d.applies = 'above_executive_limit' AND abs(c.due_amount) > o.executive_limit_amount))`);
    const deciders: Record<number, Actor> = {
      1: org.actors.qs2,
      2: org.actors.pm,
      3: org.actors.exec,
      4: org.actors.finance,
    };
    const route = await tx.execute<{ step: number; step_name: string; role: string }>(
      sql`SELECT step, step_name, role FROM approval_routes WHERE record_id = ${claim!.id} ORDER BY step`,
    );
    for (const step of route.rows) {
      if (step.step === 4 && input.status !== 'paid') continue;
      await tx.execute(sql`INSERT INTO approval_decisions (record_type, record_id, step, step_name, role, decision, decided_by_id)
      VALUES ('claim', ${claim!.id}, ${step.step}, ${step.step_name}, ${step.role}, 'approved', ${deciders[step.step]!.id})`);
    }
  });
  return claim!.id;
}

let milestoneNumber = 100;

export async function addMilestone(
  db: Db,
  org: SeededOrg,
  projectId: string,
  status: 'released' | 'invoiced' | 'paid',
  invoice: string,
  retention: string,
  releasedAt = '2026-02-20',
) {
  milestoneNumber += 1;
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(milestones)
      .values({
        projectId,
        number: milestoneNumber,
        reference: `MS-${milestoneNumber}`,
        name: `Milestone ${milestoneNumber}`,
        plannedDate: '2026-02-27',
        amountBasis: 'fixed',
        fixedAmount: invoice,
        status,
        invoiceAmount: invoice,
        retentionAmount: retention,
        createdById: org.actors.pm.id,
        completionClaimedById: org.actors.pm.id,
        verifiedById: org.actors.qs.id,
        releasedById: org.actors.finance.id,
        releasedAt: new Date(`${releasedAt}T10:00:00Z`),
      })
      .returning({ id: milestones.id });
    // its route and decisions, as the approvals module's database guard requires at commit
    const deciders = [org.actors.pm, org.actors.qs, org.actors.finance];
    const steps = [
      ['claim_completion', 'project_manager'],
      ['verify', 'quantity_surveyor'],
      ['release', 'finance'],
    ] as const;
    for (const [i, [name, role]] of steps.entries()) {
      await tx.execute(
        sql`INSERT INTO approval_routes (record_type, record_id, step, step_name, role, routing_amount, reason) VALUES ('milestone', ${row!.id}, ${i + 1}, ${name}, ${role}, ${invoice}, 'test fixture')`,
      );
    }
    for (const [i, [name, role]] of steps.entries()) {
      await tx.execute(
        sql`INSERT INTO approval_decisions (record_type, record_id, step, step_name, role, decision, decided_by_id) VALUES ('milestone', ${row!.id}, ${i + 1}, ${name}, ${role}, 'approved', ${deciders[i]!.id})`,
      );
    }
  });
}

export async function addException(
  db: Db,
  projectId: string,
  status: 'open' | 'resolved',
  firstSeenDaysAgo = 0,
) {
  await db.insert(exceptions).values({
    category: 'rule_breach',
    cause: `test_${Math.random().toString(36).slice(2)}`,
    severity: 'medium',
    status,
    recordType: 'project',
    recordId: projectId,
    projectId,
    title: 'Test exception',
    detail: 'detail',
    guidance: 'guidance',
    firstSeenAt: new Date(Date.now() - firstSeenDaysAgo * 86_400_000),
  });
}

/** A project of the seeded organisation with the given cost codes; the P-1001 team are its members. */
export async function addProject(
  db: Db,
  org: SeededOrg,
  code: string,
  contract: string,
  budgets: Record<string, string>,
): Promise<string> {
  const [project] = await db
    .insert(projects)
    .values({
      organisationId: org.actors.admin.organisationId,
      code,
      name: `Test ${code}`,
      originalContractAmount: contract,
      currency: 'GBP',
    })
    .returning({ id: projects.id });
  await db.insert(costCodes).values(
    Object.entries(budgets).map(([c, budget]) => ({
      projectId: project!.id,
      code: c,
      name: `Code ${c}`,
      originalBudgetAmount: budget,
    })),
  );
  await db
    .insert(projectMembers)
    .values(
      [org.actors.qs, org.actors.pm, org.actors.pm2].map((a) => ({ projectId: project!.id, userId: a.id })),
    );
  return project!.id;
}
