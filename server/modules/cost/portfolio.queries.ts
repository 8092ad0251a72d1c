import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { listFilters, listOrder, listPaging, type ListColumns, type ListInput } from '@/server/lib/list';
import { money, portfolioCte, scopeOf, type ReportScope } from './cost-report.sql';
import type { ListWithTotals } from './cost-report.queries';

/** One project of the portfolio (DOMAIN §7), money as strings in the project's currency. */
export type PortfolioRow = {
  projectId: string | null;
  projectCode: string;
  projectName: string;
  currency: string;
  originalContract: string;
  revisedContract: string;
  revisedBudget: string;
  pendingChanges: string;
  pendingChangesProceeding: string;
  projectedBudget: string;
  committed: string;
  actual: string;
  estimateAtCompletion: string;
  varianceAtCompletion: string;
  projectedOverUnder: string;
  forecastMargin: string;
  forecastMarginPercent: string | null;
  percentComplete: string | null;
  earned: string;
  billed: string;
  overUnderBilling: string;
  certified: string;
  retentionPayable: string;
  retentionReceivable: string;
  openExceptions: number;
  automaticCodes: number;
  isTotal: boolean;
};

const columnsOf = {
  originalContract: 'original_contract',
  revisedContract: 'revised_contract',
  revisedBudget: 'rb',
  pendingChanges: 'pbc',
  pendingChangesProceeding: 'proceeding',
  projectedBudget: 'pb',
  committed: 'cc',
  actual: 'ac',
  estimateAtCompletion: 'eac',
  varianceAtCompletion: 'vac',
  projectedOverUnder: 'over_under',
  forecastMargin: 'margin',
  earned: 'earned',
  billed: 'billed',
  certified: 'certified',
  retentionPayable: 'retention_payable',
  retentionReceivable: 'retention_receivable',
} as const satisfies Partial<Record<keyof PortfolioRow, string>>;

const p = (column: string) => sql.raw(`portfolio_rows.${column}`);

const listColumns = {
  projectCode: { sql: p('project_code'), filter: 'contains' },
  projectName: { sql: p('project_name'), filter: 'contains' },
  currency: { sql: p('currency'), filter: 'equals' },
  ...Object.fromEntries(Object.entries(columnsOf).map(([name, column]) => [name, { sql: p(column) }])),
  overUnderBilling: { sql: sql`(portfolio_rows.billed - portfolio_rows.earned)` },
  forecastMarginPercent: { sql: p('margin_percent') },
  percentComplete: { sql: p('percent_complete') },
  openExceptions: { sql: p('open_exceptions') },
  automaticCodes: { sql: p('automatic_codes') },
} satisfies ListColumns;

const rowSelect = sql`
  portfolio_rows.project_id AS "projectId", portfolio_rows.project_code AS "projectCode",
  portfolio_rows.project_name AS "projectName", portfolio_rows.currency,
  ${sql.join(
    Object.entries(columnsOf).map(
      ([name, column]) => sql`${money(`portfolio_rows.${column}`)} AS ${sql.identifier(name)}`,
    ),
    sql`, `,
  )},
  ${money('portfolio_rows.billed - portfolio_rows.earned')} AS "overUnderBilling",
  portfolio_rows.margin_percent::text AS "forecastMarginPercent",
  portfolio_rows.percent_complete::text AS "percentComplete",
  portfolio_rows.open_exceptions AS "openExceptions", portfolio_rows.automatic_codes AS "automaticCodes",
  false AS "isTotal"`;

/**
 * Totals per currency (amounts in different currencies are never added). Margin % and % complete
 * are recomputed from the summed amounts, not averaged; earned is the sum of each project's earned.
 */
const totalsSelect = sql`
  count(*)::int AS n, NULL AS "projectId", 'Total' AS "projectCode",
  count(*)::text || CASE WHEN count(*) = 1 THEN ' project' ELSE ' projects' END AS "projectName", portfolio_rows.currency,
  ${sql.join(
    Object.entries(columnsOf).map(
      ([name, column]) => sql`${money(`sum(portfolio_rows.${column})`)} AS ${sql.identifier(name)}`,
    ),
    sql`, `,
  )},
  ${money('sum(portfolio_rows.billed - portfolio_rows.earned)')} AS "overUnderBilling",
  CASE WHEN sum(portfolio_rows.revised_contract) = 0 THEN NULL
       ELSE round(sum(portfolio_rows.margin) * 100 / sum(portfolio_rows.revised_contract), 2)::text END AS "forecastMarginPercent",
  CASE WHEN sum(portfolio_rows.eac) = 0 THEN NULL ELSE round(sum(portfolio_rows.ac) * 100 / sum(portfolio_rows.eac), 2)::text END AS "percentComplete",
  sum(portfolio_rows.open_exceptions)::int AS "openExceptions", sum(portfolio_rows.automatic_codes)::int AS "automaticCodes",
  true AS "isTotal"`;

function portfolioQuery(scope: ReportScope, select: SQL, where: SQL | undefined, tail: SQL = sql``): SQL {
  return sql`
    WITH ${portfolioCte(scope)}
    SELECT ${select} FROM portfolio_rows
    WHERE ${where ?? sql`true`}
    ${tail}`;
}

/**
 * Every project of the actor's scope, sorted, filtered and paged in SQL, with totals per currency:
 * one statement over one maintained row per project (`project_cost_totals`), the page's rows first
 * and then one totals row per currency.
 */
export async function listPortfolio(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListWithTotals<PortfolioRow>> {
  const scope = scopeOf(actor);
  const where = listFilters(listColumns, input, ['projectCode', 'projectName']);
  const { limit, offset } = listPaging(input);
  const order = sql.join(listOrder(listColumns, input, [p('project_code'), p('project_id')]), sql`, `);
  const result = await db.execute<PortfolioRow & { n: number | null }>(sql`
    WITH ${portfolioCte(scope)},
    filtered AS MATERIALIZED (SELECT * FROM portfolio_rows WHERE ${where ?? sql`true`})
    SELECT * FROM (
      (SELECT 0 AS part, row_number() OVER (ORDER BY ${order}) AS ord, NULL::int AS n, ${rowSelect}
       FROM filtered AS portfolio_rows ORDER BY ${order} LIMIT ${limit} OFFSET ${offset})
      UNION ALL
      (SELECT 1, row_number() OVER (ORDER BY portfolio_rows.currency), ${totalsSelect}
       FROM filtered AS portfolio_rows GROUP BY portfolio_rows.currency)) AS parts
    ORDER BY part, ord`);
  const rows: PortfolioRow[] = [];
  const totalsRows: PortfolioRow[] = [];
  let total = 0;
  for (const { part, ord: _ord, n, ...row } of result.rows as (PortfolioRow & {
    part: number;
    ord: string;
    n: number | null;
  })[]) {
    void _ord;
    if (part === 0) rows.push(row);
    else {
      total += n ?? 0;
      totalsRows.push(row);
    }
  }
  return { rows, total, page: input.page, pageSize: input.pageSize, totalsRows };
}

/** The portfolio rows of the projects in scope, by project code (one project for its summary). */
export async function readPortfolioRows(db: DbOrTx, scope: ReportScope): Promise<PortfolioRow[]> {
  const result = await db.execute<PortfolioRow>(
    portfolioQuery(scope, rowSelect, undefined, sql`ORDER BY portfolio_rows.project_code`),
  );
  return result.rows;
}
