import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/server/auth/actor';
import { projectScope } from '@/server/auth/policy';

/**
 * The cost report of DOMAIN §7 as SQL, so every figure (per code, per project, across the portfolio)
 * is computed by PostgreSQL in numeric, once, over indexed tables, and can be sorted, filtered and
 * paged there. `cost-report.calc.ts` is the reference: the database tests feed it the sums this SQL
 * reads and check every derived column against it to the cent.
 *
 * Sources per code:
 *   OB   cost_codes.original_budget_amount
 *   BT   Σ budget_revisions kind 'transfer'          (approved internal COs)
 *   ACO  Σ budget_revisions kind 'approved_change'   (approved client and commitment COs)
 *   PBC  Σ change_order_lines of COs in draft|submitted, every kind; proceeding ones apart
 *   PCC  the commitment part of PBC
 *   CC   Σ sov_lines of the project's subcontracts not cancelled in Odoo (CO lines included)
 *   AC   Σ analytic_lines; DC = the part without an Odoo purchase line
 * SOV lines and analytic lines that carry no cost code land on one "not on a cost code" row per
 * project (cost_code_id NULL), so the project's EAC never leaves them out.
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
  revisions AS (
    SELECT br.cost_code_id,
           sum(br.amount) FILTER (WHERE br.kind = 'transfer') AS bt,
           sum(br.amount) FILTER (WHERE br.kind = 'approved_change') AS aco
    FROM cost_codes c
    JOIN scoped ON scoped.id = c.project_id
    JOIN budget_revisions br ON br.cost_code_id = c.id
    GROUP BY br.cost_code_id),
  pending AS (
    SELECT l.cost_code_id,
           sum(l.cost_amount) AS pbc,
           sum(l.cost_amount) FILTER (WHERE co.is_proceeding) AS proceeding,
           sum(l.cost_amount) FILTER (WHERE co.kind = 'commitment') AS pcc
    FROM change_orders co
    JOIN scoped ON scoped.id = co.project_id
    JOIN change_order_lines l ON l.change_order_id = co.id
    WHERE co.status IN ('draft', 'submitted')
    GROUP BY l.cost_code_id),
  committed AS (
    SELECT s.project_id, sl.cost_code_id,
           sum(sl.scheduled_amount) AS cc,
           sum(sl.scheduled_amount) FILTER (WHERE sl.change_order_id IS NOT NULL) AS cc_from_cos
    FROM subcontracts s
    JOIN scoped ON scoped.id = s.project_id
    JOIN sov_lines sl ON sl.subcontract_id = s.id
    WHERE s.odoo_state IS DISTINCT FROM 'cancel'
    GROUP BY s.project_id, sl.cost_code_id),
  actuals AS (
    SELECT al.project_id, al.cost_code_id,
           sum(al.cost_amount) AS ac,
           sum(al.cost_amount) FILTER (WHERE al.odoo_purchase_line_id IS NULL) AS dc
    FROM analytic_lines al
    JOIN scoped ON scoped.id = al.project_id
    GROUP BY al.project_id, al.cost_code_id),
  codes AS (
    SELECT c.id AS cost_code_id, c.project_id, c.code, c.name, c.original_budget_amount AS ob
    FROM cost_codes c JOIN scoped ON scoped.id = c.project_id
    UNION ALL
    SELECT NULL, scoped.id, '—', 'Not on a cost code', 0
    FROM scoped
    WHERE EXISTS (SELECT 1 FROM committed WHERE committed.project_id = scoped.id AND committed.cost_code_id IS NULL)
       OR EXISTS (SELECT 1 FROM actuals WHERE actuals.project_id = scoped.id AND actuals.cost_code_id IS NULL)),
  sums AS (
    SELECT codes.cost_code_id, codes.project_id, codes.code, codes.name, codes.ob,
           coalesce(r.bt, 0) AS bt, coalesce(r.aco, 0) AS aco,
           coalesce(pe.pbc, 0) AS pbc, coalesce(pe.proceeding, 0) AS proceeding, coalesce(pe.pcc, 0) AS pcc,
           coalesce(cm.cc, 0) AS cc, coalesce(cm.cc_from_cos, 0) AS cc_from_cos,
           coalesce(a.ac, 0) AS ac, coalesce(a.dc, 0) AS dc,
           coalesce(f.method::text, 'automatic') AS method,
           f.manual_amount, f.earned_value_amount AS ev, f.reason AS forecast_reason,
           f.set_at AS forecast_set_at, u.name AS forecast_set_by, coalesce(f.version, 0) AS forecast_version
    FROM codes
    LEFT JOIN revisions r ON r.cost_code_id = codes.cost_code_id
    LEFT JOIN pending pe ON pe.cost_code_id = codes.cost_code_id
    LEFT JOIN committed cm ON cm.project_id = codes.project_id AND cm.cost_code_id IS NOT DISTINCT FROM codes.cost_code_id
    LEFT JOIN actuals a ON a.project_id = codes.project_id AND a.cost_code_id IS NOT DISTINCT FROM codes.cost_code_id
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
 * the portfolio. Exposes the CTE `portfolio` (numeric columns); requires `costReportCte` before it.
 */
export function portfolioCte(): SQL {
  return sql`,
  code_totals AS (
    SELECT project_id,
           sum(ob) AS ob, sum(bt) AS bt, sum(aco) AS aco, sum(rb) AS rb, sum(pbc) AS pbc,
           sum(proceeding) AS proceeding, sum(pb) AS pb, sum(cc) AS cc, sum(pcc) AS pcc,
           sum(uncommitted) AS uncommitted, sum(ac) AS ac, sum(dc) AS dc, sum(ftc) AS ftc,
           sum(eac) AS eac, sum(vac) AS vac, sum(over_under) AS over_under,
           count(*) FILTER (WHERE effective_method = 'automatic' AND cost_code_id IS NOT NULL) AS automatic_codes
    FROM report GROUP BY project_id),
  contract AS (
    SELECT cr.project_id, sum(cr.amount) AS approved_client_changes
    FROM contract_revisions cr JOIN scoped ON scoped.id = cr.project_id
    GROUP BY cr.project_id),
  billing AS (
    SELECT m.project_id, sum(m.invoice_amount) AS billed, sum(coalesce(m.retention_amount, 0)) AS retention_receivable
    FROM milestones m JOIN scoped ON scoped.id = m.project_id
    WHERE m.status IN ('invoiced', 'paid')
    GROUP BY m.project_id),
  latest_claims AS (
    -- the last claim of each subcontract that reached approval: what is certified and held to date
    SELECT DISTINCT ON (c.subcontract_id) c.project_id, c.completed_to_date_amount, c.retention_held_to_date_amount
    FROM claims c JOIN scoped ON scoped.id = c.project_id
    WHERE c.status IN ('approved', 'released', 'posted', 'paid')
    ORDER BY c.subcontract_id, c.number DESC, c.revision DESC),
  certified AS (
    SELECT project_id, sum(coalesce(completed_to_date_amount, 0)) AS certified,
           sum(coalesce(retention_held_to_date_amount, 0)) AS retention_payable
    FROM latest_claims GROUP BY project_id),
  open_exceptions AS (
    SELECT e.project_id, count(*) AS open_exceptions
    FROM exceptions e JOIN scoped ON scoped.id = e.project_id
    WHERE e.status = 'open'
    GROUP BY e.project_id),
  portfolio AS (
    SELECT scoped.id AS project_id, scoped.code AS project_code, scoped.name AS project_name, scoped.currency,
           scoped.original_contract_amount AS original_contract,
           scoped.original_contract_amount + coalesce(contract.approved_client_changes, 0) AS revised_contract,
           coalesce(t.ob, 0) AS ob, coalesce(t.bt, 0) AS bt, coalesce(t.aco, 0) AS aco, coalesce(t.rb, 0) AS rb,
           coalesce(t.pbc, 0) AS pbc, coalesce(t.proceeding, 0) AS proceeding, coalesce(t.pb, 0) AS pb,
           coalesce(t.cc, 0) AS cc, coalesce(t.pcc, 0) AS pcc, coalesce(t.uncommitted, 0) AS uncommitted,
           coalesce(t.ac, 0) AS ac, coalesce(t.dc, 0) AS dc, coalesce(t.ftc, 0) AS ftc, coalesce(t.eac, 0) AS eac,
           coalesce(t.vac, 0) AS vac, coalesce(t.over_under, 0) AS over_under,
           coalesce(t.automatic_codes, 0)::int AS automatic_codes,
           coalesce(billing.billed, 0) AS billed,
           coalesce(billing.retention_receivable, 0) AS retention_receivable,
           coalesce(certified.certified, 0) AS certified,
           coalesce(certified.retention_payable, 0) AS retention_payable,
           coalesce(open_exceptions.open_exceptions, 0)::int AS open_exceptions
    FROM scoped
    LEFT JOIN code_totals t ON t.project_id = scoped.id
    LEFT JOIN contract ON contract.project_id = scoped.id
    LEFT JOIN billing ON billing.project_id = scoped.id
    LEFT JOIN certified ON certified.project_id = scoped.id
    LEFT JOIN open_exceptions ON open_exceptions.project_id = scoped.id),
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
