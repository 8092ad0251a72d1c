import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { changeOrders, sovLines } from '@/db/schema';
import { formatMoney } from '@/server/lib/money';
import type { OdooRecord } from '@/server/odoo/client';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import { mirror, type Recorder } from './pull-context';

export const LINE_FIELDS = [
  'order_id',
  'name',
  'sequence',
  'display_type',
  'price_subtotal',
  'analytic_distribution',
  'write_date',
];
const NO_DISTRIBUTION = 'po_line_without_analytic_distribution';
const NO_COST_CODE = 'po_line_without_cost_code';

export type SubcontractRef = { id: string; projectId: string; reference: string };

/** The analytic account ids named by a distribution ("35,41": 100 → [35, 41]). */
export function distributionAccounts(distribution: unknown): number[] {
  if (!distribution || typeof distribution !== 'object') return [];
  return Object.keys(distribution).flatMap((key) =>
    key
      .split(',')
      .map((part) => Number(part.trim()))
      .filter(Number.isInteger),
  );
}

/**
 * purchase.order.line → sov_lines (description, cost code, scheduled value = price_subtotal). A line
 * without analytic distribution is still shown (no cost code, flagged) and opens one 'pull_mapping'
 * exception; a line added by an approved change order ("[CO-0007] …") is adopted, not duplicated.
 */
export async function upsertSovLine(
  tx: DbOrTx,
  rec: Recorder,
  subcontract: SubcontractRef,
  line: OdooRecord,
  costCodeFor: (projectId: string, accountIds: number[]) => string | null,
): Promise<void> {
  const distribution =
    line.analytic_distribution &&
    typeof line.analytic_distribution === 'object' &&
    Object.keys(line.analytic_distribution).length > 0
      ? (line.analytic_distribution as Record<string, number>)
      : null;
  const costCodeId = distribution
    ? costCodeFor(subcontract.projectId, distributionAccounts(distribution))
    : null;
  const description = String(line.name ?? '').trim() || '(no description)';
  const scheduledAmount = formatMoney(String(line.price_subtotal ?? 0));
  const existing =
    (await findLine(tx, line.id)) ?? (await adoptChangeOrderLine(tx, subcontract.id, description));
  if (existing?.changeOrderId) {
    // A change order's line: Plumbline wrote it to Odoo; only the link is mirrored back.
    if (existing.odooPurchaseLineId !== line.id)
      await tx
        .update(sovLines)
        .set({ odooPurchaseLineId: line.id, updatedAt: new Date() })
        .where(eq(sovLines.id, existing.id));
    rec.unchanged();
    return;
  }
  const next = {
    description,
    costCodeId,
    scheduledAmount,
    analyticDistribution: distribution,
    odooPurchaseLineId: line.id,
  };
  const { id } = await mirror(tx, rec, {
    recordType: 'sov_line',
    odooId: line.id,
    existing: existing
      ? {
          id: existing.id,
          description: existing.description,
          costCodeId: existing.costCodeId,
          scheduledAmount: existing.scheduledAmount,
          analyticDistribution: existing.analyticDistribution,
          odooPurchaseLineId: existing.odooPurchaseLineId,
        }
      : undefined,
    next,
    insert: async () => {
      const [max] = await tx
        .select({ n: sql<number>`coalesce(max(${sovLines.lineNo}), 0)::int` })
        .from(sovLines)
        .where(eq(sovLines.subcontractId, subcontract.id));
      const [row] = await tx
        .insert(sovLines)
        .values({ subcontractId: subcontract.id, lineNo: (max?.n ?? 0) + 1, ...next })
        .returning({ id: sovLines.id });
      return row!.id;
    },
    update: async (lineId) => {
      await tx
        .update(sovLines)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(sovLines.id, lineId));
    },
  });
  await flagMapping(tx, { id, subcontract, description, scheduledAmount, distribution, costCodeId });
}

async function flagMapping(
  tx: DbOrTx,
  line: {
    id: string;
    subcontract: SubcontractRef;
    description: string;
    scheduledAmount: string;
    distribution: unknown;
    costCodeId: string | null;
  },
) {
  const base = {
    category: 'pull_mapping' as const,
    recordType: 'sov_line',
    recordId: line.id,
    recordReference: line.subcontract.reference,
    projectId: line.subcontract.projectId,
    amountAtStake: line.scheduledAmount,
  };
  if (!line.distribution) {
    await raiseException(tx, {
      ...base,
      cause: NO_DISTRIBUTION,
      title: `PO line without analytic distribution on ${line.subcontract.reference}`,
      detail: `Line "${line.description}" of ${line.subcontract.reference} has no analytic distribution in Odoo, so Plumbline cannot tell its project and cost code. It is shown on the subcontract, flagged, without a cost code.`,
      guidance:
        'In Odoo, set the analytic distribution (project and cost code) on the purchase order line; the next pull picks it up and closes this exception.',
    });
    return;
  }
  await resolveExceptionsFor(tx, 'sov_line', line.id, NO_DISTRIBUTION);
  if (line.costCodeId) await resolveExceptionsFor(tx, 'sov_line', line.id, NO_COST_CODE);
  else {
    await raiseException(tx, {
      ...base,
      cause: NO_COST_CODE,
      title: `PO line without cost code on ${line.subcontract.reference}`,
      detail: `Line "${line.description}" of ${line.subcontract.reference} has an analytic distribution, but none of its accounts is a cost code of the project.`,
      guidance:
        "In Odoo, add the cost-code account to the line's analytic distribution (or link the cost code to its analytic account); the next pull picks it up.",
    });
  }
}

async function findLine(tx: DbOrTx, odooLineId: number) {
  const [row] = await tx.select().from(sovLines).where(eq(sovLines.odooPurchaseLineId, odooLineId));
  return row;
}

/** "[CO-0007] title" is the line an approved change order added; its SOV line waits for the link. */
async function adoptChangeOrderLine(tx: DbOrTx, subcontractId: string, description: string) {
  const reference = /^\[(CO-\d+)\]/.exec(description)?.[1];
  if (!reference) return undefined;
  const [row] = await tx
    .select({ line: sovLines })
    .from(sovLines)
    .innerJoin(changeOrders, eq(changeOrders.id, sovLines.changeOrderId))
    .where(
      and(
        eq(sovLines.subcontractId, subcontractId),
        eq(changeOrders.reference, reference),
        isNull(sovLines.odooPurchaseLineId),
      ),
    )
    .limit(1);
  return row?.line;
}
