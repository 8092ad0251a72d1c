import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/server/auth/actor';
import { projectScope } from '@/server/auth/policy';

/**
 * The cost report of DOMAIN §7 as SQL, so every figure (per code, per project, across the portfolio)
 * is computed by PostgreSQL in numeric, once, over indexed tables, and can be sorted, filtered and
 * paged there. `cost-report.calc.ts` is the reference: the database tests feed it the sums this SQL
 * reads and check every derived column against it to the cent.
 *
 * The sums per code are not aggregated here: they are read from `cost_code_totals`, which triggers
 * keep equal to the full aggregation of history in the transaction that writes it (migration
 * `cost_totals_maintained`; `cost_totals_verify()` compares them, `cost-totals.db.test.ts`):
 *   OB   cost_codes.original_budget_amount
 *   BT   Σ budget_revisions kind 'transfer'          (approved internal COs)
 *   ACO  Σ budget_revisions kind 'approved_change'   (approved client and commitment COs)
 *   PBC  Σ change_order_lines of COs in draft|submitted, every kind; proceeding ones apart
 *   PCC  the commitment part of PBC
 *   CC   Σ sov_lines of the project's subcontracts not cancelled in Odoo (CO lines included)
 *   AC   Σ analytic_lines; DC = the part without an Odoo purchase line
 * SOV lines and analytic lines that carry no cost code land on one "not on a cost code" row per
 * project (cost_code_id NULL), so the project's EAC never leaves them out. The portfolio reads the
 * per-project column sums of those rows from `project_cost_totals` (`portfolioCte`).
 */

/**
 * Which projects the report covers: the organisation, the projects `visibleTo` may see (null: the
 * system, e.g. the month-end snapshot task, sees all), optionally one project or one cost code.
 */
export type ReportScope = {
  organisationId: string;
  visibleTo: Actor | null;
  projectId?: string;
  costCodeId?: string | null;
};

export function scopeOf(
  actor: Actor,
  extra: Pick<ReportScope, 'projectId' | 'costCodeId'> = {},
): ReportScope {
  return { organisationId: actor.organisationId, visibleTo: actor, ...extra };
}

export function scopedProjects(scope: ReportScope): SQL {
  return sql`
    SELECT p.id, p.code, p.name, p.currency, p.original_contract_amount
    FROM projects p
    WHERE p.organisation_id = ${scope.organisationId}
      AND ${scope.visibleTo ? projectScope(scope.visibleTo, sql`p.id`) : sql`true`}
      ${scope.projectId ? sql`AND p.id = ${scope.projectId}` : sql``}`;
}

/**
 * The per-code sums and the derived columns. Exposes the CTE `report` (one row per cost code, plus
 * the unallocated row) with numeric columns, for the caller's final SELECT.
 */
export function costReportCte(scope: ReportScope): SQL {
  return sql`
  scoped AS (${scopedProjects(scope)}),
  codes AS (
    SELECT c.id AS cost_code_id, c.project_id, c.code, c.name, c.original_budget_amount AS ob,
           t.bt, t.aco, t.pbc, t.proceeding, t.pcc, t.cc, t.cc_from_cos, t.ac, t.dc
    FROM cost_codes c
    JOIN scoped ON scoped.id = c.project_id
    LEFT JOIN cost_code_totals t ON t.cost_code_id = c.id AND t.project_id = c.project_id
    UNION ALL
    SELECT NULL, t.project_id, '—', 'Not on a cost code', 0,
           t.bt, t.aco, t.pbc, t.proceeding, t.pcc, t.cc, t.cc_from_cos, t.ac, t.dc
    FROM cost_code_totals t
    JOIN scoped ON scoped.id = t.project_id
    WHERE t.cost_code_id IS NULL AND (t.cc_lines > 0 OR t.ac_lines > 0)),
  sums AS (
    SELECT codes.cost_code_id, codes.project_id, codes.code, codes.name, codes.ob,
           coalesce(codes.bt, 0) AS bt, coalesce(codes.aco, 0) AS aco,
           coalesce(codes.pbc, 0) AS pbc, coalesce(codes.proceeding, 0) AS proceeding, coalesce(codes.pcc, 0) AS pcc,
           coalesce(codes.cc, 0) AS cc, coalesce(codes.cc_from_cos, 0) AS cc_from_cos,
           coalesce(codes.ac, 0) AS ac, coalesce(codes.dc, 0) AS dc,
           coalesce(f.method::text, 'automatic') AS method,
           f.manual_amount, f.earned_value_amount AS ev, f.reason AS forecast_reason,
           f.set_at AS forecast_set_at, u.name AS forecast_set_by, coalesce(f.version, 0) AS forecast_version
    FROM codes
    LEFT JOIN cost_forecasts f ON f.cost_code_id = codes.cost_code_id
    LEFT JOIN users u ON u.id = f.set_by_id),
  budgets AS (
    SELECT sums.*,
           ob + bt + aco AS rb,
           ob + bt + aco + pbc AS pb,
           greatest(ob + bt + aco + pbc - (cc + dc + pcc), 0) AS automatic_ftc,
           CASE
             WHEN method = 'cpi' AND coalesce(ev, 0) > 0 AND ac > 0 THEN 'cpi'
             WHEN method = 'cpi' OR (method = 'manual' AND manual_amount IS NULL) THEN 'automatic'
             ELSE method
           END AS effective_method
    FROM sums),
  forecast AS (
    SELECT budgets.*,
           CASE effective_method
             WHEN 'committed_only' THEN 0
             WHEN 'manual' THEN manual_amount
             -- automatic ÷ CPI with CPI = EV ÷ AC, written without the intermediate ratio
             WHEN 'cpi' THEN round(automatic_ftc * ac / ev, 2)
             ELSE automatic_ftc
           END AS ftc
    FROM budgets),
  report AS (
    SELECT forecast.*,
           cc + dc + pcc + ftc AS eac,
           rb - (cc + dc + pcc + ftc) AS vac,
           pb - (cc + dc + pcc + ftc) AS over_under,
           greatest(rb - cc, 0) AS uncommitted,
           CASE WHEN cc + dc + pcc + ftc = 0 THEN NULL ELSE round(ac * 100 / (cc + dc + pcc + ftc), 2) END AS percent_complete,
           CASE WHEN effective_method = 'cpi' THEN round(ev / ac, 4) END AS cpi
    FROM forecast)`;
}

/**
 * Per project: the report's column sums and the contract, billing, claims and exception figures of
 * the portfolio, from `project_cost_totals` (one row per project, maintained by triggers) and the open
 * exceptions (a partial index). Exposes the CTE `portfolio_rows` (numeric columns).
 */
export function portfolioCte(scope: ReportScope): SQL {
  return sql`
  scoped AS (${scopedProjects(scope)}),
  open_exceptions AS (
    SELECT e.project_id, count(*) AS open_exceptions
    FROM exceptions e JOIN scoped ON scoped.id = e.project_id
    WHERE e.status = 'open'
    GROUP BY e.project_id),
  totals AS (
    SELECT scoped.id AS project_id, scoped.code AS project_code, scoped.name AS project_name, scoped.currency,
           scoped.original_contract_amount AS original_contract,
           scoped.original_contract_amount + coalesce(t.approved_client_changes, 0) AS revised_contract,
           coalesce(t.ob, 0) AS ob, coalesce(t.bt, 0) AS bt, coalesce(t.aco, 0) AS aco,
           coalesce(t.pbc, 0) AS pbc, coalesce(t.proceeding, 0) AS proceeding,
           coalesce(t.cc, 0) AS cc, coalesce(t.pcc, 0) AS pcc, coalesce(t.uncommitted, 0) AS uncommitted,
           coalesce(t.ac, 0) AS ac, coalesce(t.dc, 0) AS dc, coalesce(t.ftc, 0) AS ftc,
           coalesce(t.automatic_codes, 0) AS automatic_codes,
           coalesce(t.billed, 0) AS billed,
           coalesce(t.retention_receivable, 0) AS retention_receivable,
           coalesce(t.certified, 0) AS certified,
           coalesce(t.retention_payable, 0) AS retention_payable,
           coalesce(open_exceptions.open_exceptions, 0)::int AS open_exceptions
    FROM scoped
    LEFT JOIN project_cost_totals t ON t.project_id = scoped.id
    LEFT JOIN open_exceptions ON open_exceptions.project_id = scoped.id),
  budgets AS (
    SELECT totals.*, ob + bt + aco AS rb, ob + bt + aco + pbc AS pb, cc + dc + pcc + ftc AS eac FROM totals),
  portfolio AS (
    -- the column sums of the codes' rows: RB, PB, EAC, VAC and over/under are linear in the sums
    SELECT budgets.*, rb - eac AS vac, pb - eac AS over_under FROM budgets),
  portfolio_rows AS (
    SELECT portfolio.*,
           revised_contract - eac AS margin,
           CASE WHEN revised_contract = 0 THEN NULL ELSE round((revised_contract - eac) * 100 / revised_contract, 2) END AS margin_percent,
           CASE WHEN eac = 0 THEN 0 ELSE round(revised_contract * ac / eac, 2) END AS earned,
           CASE WHEN eac = 0 THEN NULL ELSE round(ac * 100 / eac, 2) END AS percent_complete
    FROM portfolio)`;
}

/** numeric → the canonical money string ("1234.50"), also for sums beyond numeric(14,2). */
export function money(expression: SQL | string): SQL {
  return sql`(${typeof expression === 'string' ? sql.raw(expression) : expression})::numeric(18,2)::text`;
}
