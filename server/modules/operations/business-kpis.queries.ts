import { businessDaysSinceSql } from '@/server/lib/org-time';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

export type KpiKey =
  | 'claims_approved_not_released'
  | 'bills_drafted_not_posted'
  | 'milestones_reached_not_invoiced'
  | 'exceptions_past_slo';

export type Kpi = {
  key: KpiKey;
  label: string;
  /** What finance calls it. */
  financeTerm: string;
  count: number;
  /** Money at stake, numeric(14,2) as a string (exact, summed in SQL). */
  amount: string;
  /** Age of the oldest item in days (null when none). */
  oldestDays: number | null;
};

const LABELS: Record<KpiKey, { label: string; financeTerm: string }> = {
  claims_approved_not_released: { label: 'Claims approved, not released', financeTerm: 'awaiting release' },
  bills_drafted_not_posted: { label: 'Bills drafted, not posted', financeTerm: 'unposted' },
  milestones_reached_not_invoiced: {
    label: 'Milestones reached, not invoiced',
    financeTerm: 'delayed billing trigger',
  },
  exceptions_past_slo: { label: 'Exceptions past their SLO, unowned', financeTerm: 'unmatched' },
};

/**
 * Business KPIs of the integration, all in one SQL statement (deployment-wide, like the queue):
 * - claims approved but not yet released by finance (their due amount);
 * - vendor bills drafted but not posted: claims released by finance whose Odoo bill is not posted yet
 *   (status `released`; the sync posts it and `posted` follows Odoo) — their due amount;
 * - billing milestones whose completion is claimed, verified or released but not invoiced in Odoo
 *   (released amount, else fixed, else percent of the revised contract);
 * - open exceptions with no assignee older than `exceptionBusinessDays` business days (Mon–Fri,
 *   counted after the day it was first seen), with their amount at stake.
 */
export async function getBusinessKpis(
  db: DbOrTx,
  options: { exceptionBusinessDays: number },
): Promise<Kpi[]> {
  const result = await db.execute<{
    key: KpiKey;
    count: number;
    amount: string;
    oldest_days: number | null;
  }>(sql`
    WITH revised AS (
      SELECT p.id, p.original_contract_amount + coalesce((SELECT sum(r.amount) FROM contract_revisions r WHERE r.project_id = p.id), 0) AS contract
      FROM projects p),
    items AS (
      SELECT 'claims_approved_not_released' AS key, coalesce(c.due_amount, 0) AS amount, c.approved_at AS since
        FROM claims c WHERE c.status = 'approved'
      UNION ALL
      SELECT 'bills_drafted_not_posted', coalesce(c.due_amount, 0), c.released_at
        FROM claims c
        WHERE c.status = 'released'
      UNION ALL
      SELECT 'milestones_reached_not_invoiced',
             coalesce(m.invoice_amount, m.fixed_amount, round(m.percent_of_contract * rv.contract, 2), 0),
             coalesce(m.completion_claimed_at, m.updated_at)
        FROM milestones m JOIN revised rv ON rv.id = m.project_id
        WHERE m.status IN ('completion_claimed', 'verified', 'released')
      UNION ALL
      SELECT 'exceptions_past_slo', coalesce(e.amount_at_stake, 0), e.first_seen_at
        FROM exceptions e
        WHERE e.status = 'open' AND e.assignee_id IS NULL
          AND ${businessDaysSinceSql(sql`e.first_seen_at`)} > ${options.exceptionBusinessDays})
    SELECT k.key, count(i.key)::int AS count, coalesce(sum(i.amount), 0)::numeric(16,2)::text AS amount,
           (extract(epoch FROM now() - min(i.since)) / 86400)::float8 AS oldest_days
    FROM (VALUES ('claims_approved_not_released'), ('bills_drafted_not_posted'), ('milestones_reached_not_invoiced'), ('exceptions_past_slo')) AS k(key)
    LEFT JOIN items i ON i.key = k.key
    GROUP BY k.key`);
  const order: KpiKey[] = [
    'claims_approved_not_released',
    'bills_drafted_not_posted',
    'milestones_reached_not_invoiced',
    'exceptions_past_slo',
  ];
  return order.map((key) => {
    const row = result.rows.find((r) => r.key === key);
    return {
      key,
      ...LABELS[key],
      count: row?.count ?? 0,
      amount: row?.amount ?? '0.00',
      oldestDays: row?.oldest_days ?? null,
    };
  });
}
