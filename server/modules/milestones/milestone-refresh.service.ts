import { orgTodaySql } from '@/server/lib/org-time';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { exceptions, milestones, projects, type PullCounts } from '@/db/schema';
import { logger } from '@/server/lib/logger';
import type { OdooClient } from '@/server/odoo/client';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import { applyInvoiceState } from './milestone-invoice-state.service';
import { OPEN_STATUSES } from './milestone.records';
import { findInvoice, loadForSync, readInvoice } from './milestone.sync';

const ENTITY = 'milestone';
export const OVERDUE_CAUSE = 'milestone_overdue';

/**
 * Re-reads a milestone's customer invoice in Odoo and lets the milestone follow it (invoiced, paid,
 * drift). null when no invoice exists yet (the sync handler creates it).
 */
export async function refreshMilestoneFromOdoo(
  db: Db,
  odoo: OdooClient,
  milestoneId: string,
): Promise<{ status: string } | null> {
  const { row } = await loadForSync(db, milestoneId);
  const invoiceId = row.odooInvoiceId ?? (await findInvoice(odoo, row.reference))?.id ?? null;
  if (invoiceId === null) return null;
  const invoice = await readInvoice(odoo, invoiceId);
  return db.transaction((tx) => applyInvoiceState(tx, milestoneId, invoice));
}

export type MilestoneRefreshSummary = {
  checked: number;
  changed: number;
  failed: number;
  overdueOpened: number;
  overdueResolved: number;
};

/**
 * The scheduled part of billing (run by the master-data pull): every released or invoiced milestone
 * follows its invoice, and overdue milestones (planned date passed, not released) get a rule-breach
 * exception, resolved once they are released or re-planned. One milestone's failure does not stop the rest.
 */
export async function refreshBillingMilestones(
  db: Db,
  odoo: OdooClient,
  options: { organisationId?: string; today?: string } = {},
): Promise<MilestoneRefreshSummary> {
  const org = options.organisationId ? eq(projects.organisationId, options.organisationId) : undefined;
  const due = await db
    .select({ id: milestones.id, status: milestones.status })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(and(org, inArray(milestones.status, ['released', 'invoiced'])));
  const summary: MilestoneRefreshSummary = {
    checked: due.length,
    changed: 0,
    failed: 0,
    overdueOpened: 0,
    overdueResolved: 0,
  };
  for (const milestone of due) {
    try {
      const result = await refreshMilestoneFromOdoo(db, odoo, milestone.id);
      if (result && result.status !== milestone.status) summary.changed += 1;
    } catch (error) {
      summary.failed += 1;
      logger().warn({ milestoneId: milestone.id, err: error }, 'milestone invoice refresh failed');
    }
  }
  Object.assign(summary, await flagOverdueMilestones(db, options));
  return summary;
}

/** The master-data pull's step (server/modules/pull/pull.service.ts): counted under its own key. */
export const MILESTONE_PULL_KEY = 'account.move (milestone invoices)';
export async function pullMilestoneInvoices(ctx: {
  db: Db;
  odoo: OdooClient;
  organisationId: string;
  counts: PullCounts;
}): Promise<void> {
  const summary = await refreshBillingMilestones(ctx.db, ctx.odoo, { organisationId: ctx.organisationId });
  ctx.counts[MILESTONE_PULL_KEY] = {
    created: 0,
    updated: summary.changed,
    unchanged: summary.checked - summary.changed - summary.failed,
    failed: summary.failed,
  };
}

/** Opens an overdue exception once per milestone (not a new occurrence every run); resolves stale ones. */
export async function flagOverdueMilestones(
  db: Db,
  options: { organisationId?: string; today?: string } = {},
) {
  // each milestone is overdue by its own organisation's calendar (org_today), unless a test fixes the date
  const today = options.today ?? orgTodaySql(projects.organisationId);
  const org = options.organisationId ? eq(projects.organisationId, options.organisationId) : undefined;
  const overdue = await db
    .select({ row: milestones, projectCode: projects.code })
    .from(milestones)
    .innerJoin(projects, eq(projects.id, milestones.projectId))
    .where(and(org, inArray(milestones.status, [...OPEN_STATUSES]), lt(milestones.plannedDate, today)));
  const open = await db
    .select({ recordId: exceptions.recordId })
    .from(exceptions)
    .where(
      and(
        eq(exceptions.recordType, ENTITY),
        eq(exceptions.cause, OVERDUE_CAUSE),
        eq(exceptions.status, 'open'),
        options.organisationId
          ? sql`${exceptions.projectId} IN (SELECT ${projects.id} FROM ${projects} WHERE ${projects.organisationId} = ${options.organisationId})`
          : undefined,
      ),
    );
  const openIds = new Set(open.map((e) => e.recordId));
  const overdueIds = new Set(overdue.map((o) => o.row.id));
  let overdueOpened = 0;
  let overdueResolved = 0;
  for (const { row, projectCode } of overdue) {
    if (openIds.has(row.id)) continue;
    await raiseException(db, {
      category: 'rule_breach',
      cause: OVERDUE_CAUSE,
      recordType: ENTITY,
      recordId: row.id,
      recordReference: row.reference,
      projectId: row.projectId,
      amountAtStake: row.fixedAmount,
      title: `${row.reference} ${row.name} is overdue`,
      detail: `Planned for ${row.plannedDate} on ${projectCode}; it is ${row.status.replace('_', ' ')} and not yet released for billing.`,
      guidance:
        'Claim completion with evidence if the work is done, or agree a new planned date and edit the milestone.',
    });
    overdueOpened += 1;
  }
  for (const id of openIds) {
    if (overdueIds.has(id)) continue;
    overdueResolved += await resolveExceptionsFor(
      db,
      ENTITY,
      id,
      OVERDUE_CAUSE,
      'Resolved automatically: the milestone is released or re-planned.',
    );
  }
  return { overdueOpened, overdueResolved };
}
