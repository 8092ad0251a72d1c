import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
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
import type { ForecastMethod } from './cost-report.calc';
import { costReportCte, money, scopeOf, type ReportScope } from './cost-report.sql';

/** One row of the cost report (DOMAIN §7), money as strings; the names follow cost-report.calc.ts. */
export type CostCodeRow = {
  /** null: the project's "not on a cost code" row, or a totals row. */
  costCodeId: string | null;
  projectId: string;
  code: string;
  name: string;
  currency: string;
  originalBudget: string;
  budgetTransfers: string;
  approvedChanges: string;
  revisedBudget: string;
  pendingChanges: string;
  pendingChangesProceeding: string;
  projectedBudget: string;
  committed: string;
  /** The part of CC added by approved commitment COs (explains EAC changes by cause). */
  committedFromChangeOrders: string;
  pendingCommitmentChanges: string;
  uncommitted: string;
  actual: string;
  directCost: string;
  forecastToComplete: string;
  estimateAtCompletion: string;
  varianceAtCompletion: string;
  projectedOverUnder: string;
  percentComplete: string | null;
  forecastMethod: ForecastMethod | null;
  effectiveForecastMethod: ForecastMethod | null;
  forecastAmount: string | null;
  earnedValue: string | null;
  forecastReason: string | null;
  forecastSetBy: string | null;
  forecastSetAt: string | null;
  /** 0 = no forecast row yet (automatic by default): the compare-and-set version to send. */
  forecastVersion: number;
  cpi: string | null;
  isAutomaticMethod: boolean;
  isTotal: boolean;
};

const sumColumns = {
  originalBudget: 'ob',
  budgetTransfers: 'bt',
  approvedChanges: 'aco',
  revisedBudget: 'rb',
  pendingChanges: 'pbc',
  pendingChangesProceeding: 'proceeding',
  projectedBudget: 'pb',
  committed: 'cc',
  committedFromChangeOrders: 'cc_from_cos',
  pendingCommitmentChanges: 'pcc',
  uncommitted: 'uncommitted',
  actual: 'ac',
  directCost: 'dc',
  forecastToComplete: 'ftc',
  estimateAtCompletion: 'eac',
  varianceAtCompletion: 'vac',
  projectedOverUnder: 'over_under',
} as const satisfies Partial<Record<keyof CostCodeRow, string>>;

const moneySelect = (aggregate: boolean) =>
  sql.join(
    Object.entries(sumColumns).map(
      ([name, column]) =>
        sql`${money(aggregate ? `sum(report.${column})` : `report.${column}`)} AS ${sql.identifier(name)}`,
    ),
    sql`, `,
  );

const rowSelect = sql`
  report.cost_code_id AS "costCodeId", report.project_id AS "projectId", report.code, report.name, scoped.currency,
  ${moneySelect(false)},
  report.percent_complete::text AS "percentComplete",
  report.method AS "forecastMethod", report.effective_method AS "effectiveForecastMethod",
  ${money('report.manual_amount')} AS "forecastAmount", ${money('report.ev')} AS "earnedValue",
  report.forecast_reason AS "forecastReason", report.forecast_set_by AS "forecastSetBy",
  report.forecast_set_at::text AS "forecastSetAt", report.forecast_version::int AS "forecastVersion",
  report.cpi::text AS "cpi", report.effective_method = 'automatic' AS "isAutomaticMethod", false AS "isTotal"`;

const r = (column: string) => sql.raw(`report.${column}`);

const listColumns = {
  code: { sql: r('code'), filter: 'contains' },
  name: { sql: r('name'), filter: 'contains' },
  forecastMethod: { sql: r('effective_method'), filter: 'equals' },
  ...Object.fromEntries(Object.entries(sumColumns).map(([name, column]) => [name, { sql: r(column) }])),
  percentComplete: { sql: r('percent_complete') },
} satisfies ListColumns;

/** Matches the table's ListResultWithTotals: the totals rows shown under the rows and in the CSV. */
export type ListWithTotals<T> = ListResult<T> & { totalsRows?: T[] };

async function readRows(
  db: DbOrTx,
  scope: ReportScope,
  where: SQL | undefined,
  tail: SQL = sql``,
): Promise<CostCodeRow[]> {
  const result = await db.execute<CostCodeRow>(sql`
    WITH ${costReportCte(scope)}
    SELECT ${rowSelect}
    FROM report JOIN scoped ON scoped.id = report.project_id
    WHERE ${where ?? sql`true`}
    ${tail}`);
  return result.rows;
}

/** Every cost code of the projects in scope, in code order (snapshots, the calc comparison, charts). */
export async function readCostCodeRows(db: DbOrTx, scope: ReportScope): Promise<CostCodeRow[]> {
  const where =
    scope.costCodeId === undefined
      ? undefined
      : scope.costCodeId === null
        ? sql`report.cost_code_id IS NULL`
        : sql`report.cost_code_id = ${scope.costCodeId}`;
  return readRows(
    db,
    scope,
    where,
    sql`ORDER BY report.project_id, report.cost_code_id IS NULL, report.code`,
  );
}

/** The project's cost report as a table: server-side sort, filter and paging, and its totals row. */
export async function listCostCodes(
  db: DbOrTx,
  actor: Actor,
  input: ListInput & { projectId: string },
): Promise<ListWithTotals<CostCodeRow>> {
  await assertProjectVisible(db, actor, input.projectId);
  const scope = scopeOf(actor, { projectId: input.projectId });
  const where = listFilters(listColumns, input, ['code', 'name']);
  const { limit, offset } = listPaging(input);
  const order = listOrder(listColumns, input, [sql`report.cost_code_id IS NULL`, r('code')]);
  const rows = await readRows(
    db,
    scope,
    where,
    sql`ORDER BY ${sql.join(order, sql`, `)} LIMIT ${limit} OFFSET ${offset}`,
  );
  const totals = await db.execute<CostCodeRow & { n: number }>(sql`
    WITH ${costReportCte(scope)}
    SELECT count(*)::int AS n, NULL AS "costCodeId", ${input.projectId}::uuid AS "projectId", 'Total' AS code, '' AS name,
           min(scoped.currency) AS currency, ${moneySelect(true)},
           CASE WHEN sum(report.eac) = 0 THEN NULL ELSE round(sum(report.ac) * 100 / sum(report.eac), 2)::text END AS "percentComplete",
           0 AS "forecastVersion", false AS "isAutomaticMethod", true AS "isTotal"
    FROM report JOIN scoped ON scoped.id = report.project_id
    WHERE ${where ?? sql`true`}`);
  const [total] = totals.rows;
  const n = total?.n ?? 0;
  const totalsRow: CostCodeRow | undefined =
    total && n > 0 ? { ...emptyMeta, ...withoutCount(total) } : undefined;
  return {
    rows,
    total: n,
    page: input.page,
    pageSize: input.pageSize,
    totalsRows: totalsRow ? [totalsRow] : [],
  };
}

const emptyMeta = {
  forecastMethod: null,
  effectiveForecastMethod: null,
  forecastAmount: null,
  earnedValue: null,
  forecastReason: null,
  forecastSetBy: null,
  forecastSetAt: null,
  cpi: null,
} satisfies Partial<CostCodeRow>;

function withoutCount<T extends { n: number }>(row: T): Omit<T, 'n'> {
  const { n: _n, ...rest } = row;
  void _n;
  return rest;
}

/** One cost code's row (the drill-down header); NOT_FOUND outside the actor's projects. */
export async function getCostCodeRow(
  db: DbOrTx,
  actor: Actor,
  projectId: string,
  costCodeId: string,
): Promise<CostCodeRow> {
  await assertProjectVisible(db, actor, projectId);
  const [row] = await readCostCodeRows(db, scopeOf(actor, { projectId, costCodeId }));
  if (!row) throw new DomainError('NOT_FOUND', 'Cost code not found.');
  return row;
}
