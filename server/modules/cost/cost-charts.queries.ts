import { organisationToday } from '@/server/lib/org-time';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { formatPercent } from '@/server/lib/decimal-input';
import { formatMoney, sumMoney } from '@/server/lib/money';
import { money, scopedProjects, type ReportScope } from './cost-report.sql';
import { readPortfolioRows, type PortfolioRow } from './portfolio.queries';

/**
 * Ready series for the charts (components/charts draw them and compute nothing). Money is a decimal
 * string, like everywhere else; the chart converts it to a number only to place a point, and shows
 * the string in its tooltip. Every series is in one currency, named in `currency`.
 */
export type CostCharts = {
  currency: string;
  /** Currencies of projects in scope left out of these charts (the table shows them). */
  otherCurrencies: string[];
  budgetVsEac: { label: string; projectId: string; revisedBudget: string; estimateAtCompletion: string }[];
  marginTrend: {
    month: string;
    revisedContract: string;
    margin: string;
    marginPercent: string | null;
    isLive: boolean;
  }[];
  costCodeVariance: {
    label: string;
    projectId: string;
    costCodeId: string | null;
    varianceAtCompletion: string;
  }[];
  billingVsCost: { month: string; billed: string; cost: string; billedToDate: string; costToDate: string }[];
  exceptionAgeing: {
    bucket: string;
    count: number;
    low: number;
    medium: number;
    high: number;
    critical: number;
  }[];
};

const VARIANCE_BARS = 12;

/** Charts for the portfolio (no project) or for one project; `currency` picks the portfolio's. */
export async function readCostCharts(db: DbOrTx, scope: ReportScope, wanted?: string): Promise<CostCharts> {
  const projects = await readPortfolioRows(db, scope);
  const byCurrency = new Map<string, number>();
  for (const p of projects) byCurrency.set(p.currency, (byCurrency.get(p.currency) ?? 0) + 1);
  const ranked = [...byCurrency.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c]) => c);
  const currency = wanted && byCurrency.has(wanted) ? wanted : (ranked[0] ?? 'GBP');
  const inCurrency = projects.filter((p) => p.currency === currency);
  const live = inCurrency.length ? liveMargin(inCurrency) : null;
  const [marginTrend, costCodeVariance, billingVsCost, exceptionAgeing] = await Promise.all([
    readMarginTrend(db, scope, currency),
    readVariance(db, scope, currency),
    readBillingVsCost(db, scope, currency),
    readExceptionAgeing(db, scope),
  ]);
  // the live point is this month by the organisation's calendar (server/lib/org-time.ts)
  const month = (await organisationToday(db, scope.organisationId)).slice(0, 7);
  return {
    currency,
    otherCurrencies: ranked.filter((c) => c !== currency),
    budgetVsEac: inCurrency.map((p) => ({
      label: p.projectCode,
      projectId: p.projectId!,
      revisedBudget: p.revisedBudget,
      estimateAtCompletion: p.estimateAtCompletion,
    })),
    marginTrend: live
      ? [...marginTrend.filter((point) => point.month !== month), { month, ...live, isLive: true }]
      : marginTrend,
    costCodeVariance,
    billingVsCost,
    exceptionAgeing,
  };
}

/** The portfolio's margin now, from the live rows (decimal sums, as the totals row does). */
function liveMargin(rows: PortfolioRow[]) {
  const revisedContract = sumMoney(rows.map((p) => p.revisedContract));
  const margin = sumMoney(rows.map((p) => p.forecastMargin));
  return {
    revisedContract: formatMoney(revisedContract),
    margin: formatMoney(margin),
    marginPercent: formatPercent(margin, revisedContract),
  };
}

/** Per month, each project's latest snapshot of that month (month-end first), summed. */
async function readMarginTrend(db: DbOrTx, scope: ReportScope, currency: string) {
  const result = await db.execute<CostCharts['marginTrend'][number]>(sql`
    WITH scoped AS (${scopedProjects(scope)}),
    picked AS (
      SELECT DISTINCT ON (s.project_id, date_trunc('month', s.period))
             to_char(s.period, 'YYYY-MM') AS month, s.revised_contract_amount AS rc, s.estimate_at_completion_amount AS eac
      FROM cost_snapshots s JOIN scoped ON scoped.id = s.project_id
      WHERE scoped.currency = ${currency}
      ORDER BY s.project_id, date_trunc('month', s.period), s.kind = 'month_end' DESC, s.period DESC, s.taken_at DESC)
    SELECT month, ${money('sum(rc)')} AS "revisedContract", ${money('sum(rc - eac)')} AS margin,
           CASE WHEN sum(rc) = 0 THEN NULL ELSE round(sum(rc - eac) * 100 / sum(rc), 2)::text END AS "marginPercent",
           false AS "isLive"
    FROM picked GROUP BY month ORDER BY month DESC LIMIT 24`);
  return result.rows.reverse();
}

/**
 * The codes furthest from their revised budget, either way, largest first: VAC = RB − EAC from each
 * code's maintained row (`cost_code_totals`: OB, BT, ACO, CC, DC, PCC and the derived FTC), so the
 * portfolio's chart reads one row per code instead of aggregating every code's history.
 */
async function readVariance(db: DbOrTx, scope: ReportScope, currency: string) {
  const result = await db.execute<CostCharts['costCodeVariance'][number]>(sql`
    WITH scoped AS (${scopedProjects(scope)}),
    variance AS (
      SELECT t.project_id, t.cost_code_id, (t.ob + t.bt + t.aco) - (t.cc + t.dc + t.pcc + t.ftc) AS vac
      FROM cost_code_totals t JOIN scoped ON scoped.id = t.project_id
      WHERE scoped.currency = ${currency})
    SELECT ${scope.projectId ? sql`` : sql`scoped.code || ' ' || `}CASE WHEN v.cost_code_id IS NULL THEN 'no code' ELSE c.code END AS label,
           v.project_id AS "projectId", v.cost_code_id AS "costCodeId", ${money('v.vac')} AS "varianceAtCompletion"
    FROM variance v
    JOIN scoped ON scoped.id = v.project_id
    LEFT JOIN cost_codes c ON c.id = v.cost_code_id AND c.project_id = v.project_id
    WHERE v.vac <> 0 AND (v.cost_code_id IS NULL OR c.id IS NOT NULL)
    ORDER BY abs(v.vac) DESC, scoped.code, coalesce(c.code, '—')
    LIMIT ${VARIANCE_BARS}`);
  return result.rows;
}

/** Customer invoices (released milestones, by release month) against actual cost, by month and to date. */
async function readBillingVsCost(db: DbOrTx, scope: ReportScope, currency: string) {
  const result = await db.execute<CostCharts['billingVsCost'][number]>(sql`
    WITH scoped AS (${scopedProjects(scope)}),
    billed AS (
      SELECT date_trunc('month', coalesce(m.released_at::date, m.planned_date))::date AS month, sum(m.invoice_amount) AS amount
      FROM milestones m JOIN scoped ON scoped.id = m.project_id
      WHERE m.status IN ('invoiced', 'paid') AND scoped.currency = ${currency}
      GROUP BY 1),
    cost AS (
      SELECT date_trunc('month', al.date)::date AS month, sum(al.cost_amount) AS amount
      FROM analytic_lines al JOIN scoped ON scoped.id = al.project_id
      WHERE scoped.currency = ${currency}
      GROUP BY 1),
    months AS (SELECT month FROM billed UNION SELECT month FROM cost),
    joined AS (
      SELECT months.month, coalesce(billed.amount, 0) AS billed, coalesce(cost.amount, 0) AS cost
      FROM months LEFT JOIN billed ON billed.month = months.month LEFT JOIN cost ON cost.month = months.month)
    SELECT to_char(month, 'YYYY-MM') AS month, ${money('billed')} AS billed, ${money('cost')} AS cost,
           ${money('sum(billed) OVER (ORDER BY month)')} AS "billedToDate", ${money('sum(cost) OVER (ORDER BY month)')} AS "costToDate"
    FROM joined ORDER BY month`);
  return result.rows;
}

/** Open exceptions on the projects in scope by age (first seen), split by severity. */
async function readExceptionAgeing(db: DbOrTx, scope: ReportScope) {
  const result = await db.execute<CostCharts['exceptionAgeing'][number]>(sql`
    WITH scoped AS (${scopedProjects(scope)}),
    buckets(ord, bucket, lo, hi) AS (VALUES (1, '0–1 d', 0, 1), (2, '1–3 d', 1, 3), (3, '3–7 d', 3, 7), (4, '> 7 d', 7, NULL)),
    open AS (
      SELECT e.severity, extract(epoch FROM now() - e.first_seen_at) / 86400 AS age_days
      FROM exceptions e JOIN scoped ON scoped.id = e.project_id
      WHERE e.status = 'open')
    SELECT b.bucket, count(open.severity)::int AS count,
           count(*) FILTER (WHERE open.severity = 'low')::int AS low, count(*) FILTER (WHERE open.severity = 'medium')::int AS medium,
           count(*) FILTER (WHERE open.severity = 'high')::int AS high, count(*) FILTER (WHERE open.severity = 'critical')::int AS critical
    FROM buckets b LEFT JOIN open ON open.age_days >= b.lo AND (b.hi IS NULL OR open.age_days < b.hi)
    GROUP BY b.ord, b.bucket ORDER BY b.ord`);
  return result.rows;
}
