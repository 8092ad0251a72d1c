import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { costCodes, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';

/**
 * The records behind a cost code's numbers, one table: change-order lines (BT, ACO, PBC, PCC),
 * SOV lines (CC), claims on those SOV lines (certified to date) and Odoo analytic lines (AC, DC).
 * Each row links to its record's page where it has one (analytic lines live in Odoo).
 */
export type CostRecordRow = {
  source: 'change_order' | 'sov_line' | 'claim' | 'analytic_line';
  recordId: string;
  reference: string;
  description: string;
  status: string;
  /** The report column the amount counts in. */
  column: string;
  date: string | null;
  amount: string;
  currency: string;
  href: string | null;
};

const columns = {
  source: { sql: sql.raw('records.source'), filter: 'equals' },
  reference: { sql: sql.raw('records.reference'), filter: 'contains' },
  description: { sql: sql.raw('records.description'), filter: 'contains' },
  status: { sql: sql.raw('records.status'), filter: 'contains' },
  column: { sql: sql.raw('records.column_name'), filter: 'equals' },
  date: { sql: sql.raw('records.record_date') },
  amount: { sql: sql.raw('records.amount') },
} satisfies ListColumns;

function recordsCte(projectId: string, costCodeId: string) {
  return sql`records AS (
    SELECT 'change_order' AS source, co.id::text AS record_id,
           co.reference || CASE WHEN co.revision > 1 THEN ' rev ' || co.revision ELSE '' END AS reference,
           co.title || ' — ' || l.description AS description,
           co.status::text || CASE WHEN co.is_proceeding AND co.status = 'submitted' THEN ' (proceeding)' ELSE '' END AS status,
           CASE WHEN co.status = 'approved' THEN CASE WHEN co.kind = 'internal' THEN 'BT' ELSE 'ACO' END
                WHEN co.kind = 'commitment' THEN 'PBC + PCC' ELSE 'PBC' END AS column_name,
           coalesce(co.decided_at, co.submitted_at, co.created_at)::date AS record_date,
           l.cost_amount AS amount,
           '/projects/' || co.project_id || '/change-orders/' || co.id AS href
    FROM change_order_lines l JOIN change_orders co ON co.id = l.change_order_id
    WHERE l.cost_code_id = ${costCodeId} AND co.project_id = ${projectId} AND co.status IN ('draft', 'submitted', 'approved')
    UNION ALL
    SELECT 'sov_line', sl.id::text, s.reference || ' line ' || sl.line_no, sl.description,
           coalesce('PO ' || s.odoo_state, 'not in Odoo yet'), 'CC', sl.created_at::date, sl.scheduled_amount,
           '/subcontracts/' || s.id
    FROM sov_lines sl JOIN subcontracts s ON s.id = sl.subcontract_id
    WHERE sl.cost_code_id = ${costCodeId} AND s.project_id = ${projectId} AND s.odoo_state IS DISTINCT FROM 'cancel'
    UNION ALL
    SELECT 'claim', c.id::text, c.reference || CASE WHEN c.revision > 1 THEN ' rev ' || c.revision ELSE '' END, sl.description,
           c.status::text, 'Certified', c.period_end, coalesce(cl.certified_to_date_amount, cl.claimed_to_date_amount),
           '/projects/' || c.project_id || '/claims/' || c.id
    FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id JOIN sov_lines sl ON sl.id = cl.sov_line_id
    WHERE sl.cost_code_id = ${costCodeId} AND c.project_id = ${projectId} AND c.status <> 'rejected'
    UNION ALL
    SELECT 'analytic_line', al.id::text, 'Odoo analytic line ' || al.odoo_id, al.description,
           CASE WHEN al.odoo_purchase_line_id IS NULL THEN 'direct cost' ELSE 'billed against a commitment' END,
           CASE WHEN al.odoo_purchase_line_id IS NULL THEN 'AC + DC' ELSE 'AC' END, al.date, al.cost_amount, NULL
    FROM analytic_lines al
    WHERE al.cost_code_id = ${costCodeId} AND al.project_id = ${projectId})`;
}

export async function listCostRecords(
  db: DbOrTx,
  actor: Actor,
  input: ListInput & { projectId: string; costCodeId: string },
): Promise<ListResult<CostRecordRow>> {
  await assertProjectVisible(db, actor, input.projectId);
  const [code] = await db
    .select({ currency: projects.currency })
    .from(costCodes)
    .innerJoin(projects, eq(projects.id, costCodes.projectId))
    .where(and(eq(costCodes.id, input.costCodeId), eq(costCodes.projectId, input.projectId)));
  if (!code) throw new DomainError('NOT_FOUND', 'Cost code not found.');
  const where = listFilters(columns, input, ['reference', 'description']) ?? sql`true`;
  const { limit, offset } = listPaging(input);
  const order = listOrder(columns, input, [
    sql.raw('records.source'),
    sql.raw('records.record_date DESC NULLS LAST'),
    sql.raw('records.reference'),
    sql.raw('records.record_id'),
  ]);
  const [rows, total] = await Promise.all([
    db.execute<CostRecordRow>(sql`
      WITH ${recordsCte(input.projectId, input.costCodeId)}
      SELECT source, record_id AS "recordId", reference, description, status, column_name AS "column",
             record_date::text AS date, amount::numeric(18,2)::text AS amount, ${code.currency}::text AS currency, href
      FROM records WHERE ${where}
      ORDER BY ${sql.join(order, sql`, `)} LIMIT ${limit} OFFSET ${offset}`),
    db.execute<{ n: number }>(
      sql`WITH ${recordsCte(input.projectId, input.costCodeId)} SELECT count(*)::int AS n FROM records WHERE ${where}`,
    ),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0, page: input.page, pageSize: input.pageSize };
}
