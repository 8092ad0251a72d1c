import { eq } from 'drizzle-orm';
import { analyticLines } from '@/db/schema';
import { formatMoney, toMoney } from '@/server/lib/money';
import {
  advanceCursor,
  availableFields,
  cursorDomain,
  eachRecord,
  m2oId,
  mirror,
  parseOdooDateTime,
  recorder,
  type PullContext,
} from './pull-context';
import { loadAccountMaps } from './pull-projects';

const MODEL = 'account.analytic.line';

/** Odoo names a plan's column on analytic lines `x_plan<id>_id` (17+); the project plan uses account_id. */
export function planColumn(planId: number): string {
  return `x_plan${planId}_id`;
}

/**
 * Actual cost: account.analytic.line of project accounts → analytic_lines, sign normalised (Odoo books
 * a cost negative; Plumbline stores it positive), cost code from the line's cost-code plan column,
 * purchase line from the journal item it came from.
 */
export async function pullAnalyticLines(ctx: PullContext): Promise<void> {
  const maps = await loadAccountMaps(ctx.db, ctx.organisationId);
  const projectAccounts = [...maps.projectByAccount.keys()];
  if (projectAccounts.length === 0) return;
  const planField =
    ctx.mappings.costCodePlanId && ctx.version >= 17 ? planColumn(ctx.mappings.costCodePlanId) : undefined;
  const fields = await availableFields(ctx.odoo, MODEL, [
    'name',
    'date',
    'amount',
    'account_id',
    'move_line_id',
    'write_date',
    ...(planField ? [planField] : []),
  ]);
  const rows = await ctx.odoo.searchReadAll(
    MODEL,
    [...(await cursorDomain(ctx.db, MODEL)), ['account_id', 'in', projectAccounts]],
    fields,
    { order: 'write_date, id' },
  );
  const moveLineIds = [
    ...new Set(rows.flatMap((r) => (m2oId(r.move_line_id) ? [m2oId(r.move_line_id)!] : []))),
  ];
  const moveLines = new Map(
    (moveLineIds.length
      ? await ctx.odoo.read('account.move.line', moveLineIds, ['move_id', 'purchase_line_id'])
      : []
    ).map((m) => [m.id, m]),
  );
  const rec = recorder(ctx, MODEL);

  await ctx.db.transaction(async (tx) => {
    await eachRecord(tx, rec, 'analytic_line', rows, async (row, sp) => {
      const project = maps.projectByAccount.get(m2oId(row.account_id) ?? -1);
      if (!project) return;
      const costAccount = planField ? m2oId(row[planField]) : null;
      const moveLineId = m2oId(row.move_line_id);
      const moveLine = moveLineId ? moveLines.get(moveLineId) : undefined;
      const next = {
        projectId: project.id,
        costCodeId: costAccount ? maps.costCodeFor(project.id, [costAccount]) : null,
        date: String(row.date),
        description: String(row.name ?? ''),
        costAmount: formatMoney(toMoney(String(row.amount ?? 0)).negated()),
        odooMoveLineId: moveLineId,
        odooMoveId: m2oId(moveLine?.move_id),
        odooPurchaseLineId: m2oId(moveLine?.purchase_line_id),
      };
      const [existing] = await sp
        .select({
          id: analyticLines.id,
          projectId: analyticLines.projectId,
          costCodeId: analyticLines.costCodeId,
          date: analyticLines.date,
          description: analyticLines.description,
          costAmount: analyticLines.costAmount,
          odooMoveLineId: analyticLines.odooMoveLineId,
          odooMoveId: analyticLines.odooMoveId,
          odooPurchaseLineId: analyticLines.odooPurchaseLineId,
        })
        .from(analyticLines)
        .where(eq(analyticLines.odooId, row.id));
      const stamp = { odooWriteDate: parseOdooDateTime(row.write_date) };
      await mirror(sp, rec, {
        recordType: 'analytic_line',
        odooId: row.id,
        existing,
        next,
        insert: async () =>
          (
            await sp
              .insert(analyticLines)
              .values({ odooId: row.id, ...next, ...stamp })
              .returning({ id: analyticLines.id })
          )[0]!.id,
        update: async (id) =>
          void (await sp
            .update(analyticLines)
            .set({ ...next, ...stamp, updatedAt: new Date() })
            .where(eq(analyticLines.id, id))),
      });
    });
    await advanceCursor(tx, MODEL, rows);
  });
}
