import pg from 'pg';
import { createDb } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { seedDemoOrganisation } from '@/db/seed/demo-organisation';
import { env } from '@/server/env';
import { createDatabase, round } from './bench';

const GUARDS = [
  ['approval_decisions', 'approval_decisions_guard'],
  ['change_orders', 'change_orders_decided_state_guard'],
  // history: commitment COs approved before their vendor's certificate expired (issue 19's guard)
  ['change_orders', 'change_orders_vendor_compliance'],
  ['claims', 'claims_decided_state_guard'],
  ['milestones', 'milestones_decided_state_guard'],
] as const;

/**
 * `npm run seed:large` (scripts/seed-large.ts) and `bench:read --generate-scale`: a contractor with years of history, for bench:read. Into a FRESH database
 * (`--database`, default plumbline_large on DATABASE_URL's server; dropped and re-created) it migrates,
 * seeds the demo organisation (its users and logins) and generates, at `--scale 1`:
 *   300 projects · 12,000 cost codes · 600 vendors · 8,000 subcontracts · 80,000 SOV lines
 *   30,000 change orders (+ lines, decisions, budget and contract revisions) · 60,000 claims with
 *   600,000 claim lines · 5,000 milestones · 120,000 analytic lines (actual cost) · 1,000,000 sync
 *   attempts and their links · 20,000 exceptions
 * Set-based INSERT … SELECT over generate_series, so PostgreSQL builds the rows itself (no client
 * round trip per row). Deterministic: every random choice is `rnd(seed, n)`, a hash of the row number
 * (hashint8), and ids are md5-derived UUIDs, so two runs with one --seed give the same database.
 * Triggers stay on: claim and CO lines are inserted while their parents are drafts, then statuses are
 * set in bulk. Only the demo seed's audit row is written (the audit chain hashes rows one by one under
 * a lock; history older than the seed has no audit trail here, which no benchmarked query reads).
 */
export type LargeSeedOptions = {
  database: string;
  scale: number;
  seed: number;
  /**
   * Generated projects (default 300 × scale). Each project's history (cost codes, subcontracts, COs,
   * claims, milestones, analytic lines, exceptions) keeps its size at `--scale 1`, so the cost tables
   * grow with the project count; vendors and sync attempts stay at their `--scale` size.
   */
  projects?: number;
  log?: (line: string) => void;
};

export async function seedLargeDatabase(serverUrl: string, options: LargeSeedOptions) {
  const { scale, seed } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  // per-project history scales with the project count (300 at --scale 1)
  const perProject = options.projects === undefined ? scale : scale * (options.projects / n(300));
  const np = (full: number) => Math.max(1, Math.round(full * perProject));
  const counts = {
    projects: options.projects ?? n(300),
    costCodesPerProject: 40,
    vendors: n(600),
    subcontracts: np(8_000),
    sovLinesPerSubcontract: 10,
    changeOrders: np(30_000),
    claims: np(60_000),
    milestones: np(5_000),
    analyticLines: np(120_000),
    syncAttempts: n(1_000_000),
    exceptions: np(20_000),
  };
  const database = await createDatabase(serverUrl, options.database, { replace: true });
  const started = performance.now();
  const timings: Record<string, number> = {};
  await migrateDatabase(database.url);
  const db = createDb(database.url, { max: 1, applicationName: 'plumbline-seed-large' });
  await seedDemoOrganisation(db, { password: env().DEMO_PASSWORD ?? 'large-demo-password' });
  await db.$client.end();

  const client = new pg.Client({ connectionString: database.url, application_name: 'plumbline-seed-large' });
  await client.connect();
  const step = async (name: string, text: string, params: unknown[] = []) => {
    const t = performance.now();
    const result = await client.query(text, params);
    timings[name] = round((performance.now() - t) / 1000);
    log(`  ${name.padEnd(28)} ${String(result.rowCount ?? '').padStart(9)} rows  ${timings[name]} s`);
  };

  try {
    await client.query(
      `SET synchronous_commit = off; SET work_mem = '64MB'; SET maintenance_work_mem = '256MB'`,
    );
    // rnd(k, i) ∈ [0, 1): a deterministic hash of the seed, a stream id k and the row number i
    await client.query(`
      CREATE FUNCTION pg_temp.rnd(k int, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
        $$ SELECT (hashint8(i * 1000003 + k * 7919 + ${seed}) & 2147483647)::float8 / 2147483648 $$;
      CREATE FUNCTION pg_temp.uid(kind text, i bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
        $$ SELECT md5(kind || ':' || i || ':' || ${seed})::uuid $$;`);
    const org = (await client.query<{ id: string }>('SELECT id FROM organisations LIMIT 1')).rows[0]!.id;
    const users = Object.fromEntries(
      (await client.query<{ email: string; id: string }>('SELECT email, id FROM users')).rows.map((u) => [
        u.email.split('@')[0]!,
        u.id,
      ]),
    );
    await client.query(
      'CREATE TEMP TABLE people AS SELECT $1::uuid AS qs, $2::uuid AS qs2, $3::uuid AS pm, $4::uuid AS pm2, $5::uuid AS finance',
      [users.qs, users.qs2, users.pm, users.pm2, users.finance],
    );
    await client.query('BEGIN');
    // Bulk history written directly in its final states: the approvals guards (which want each
    // record's route and decisions, as the services write them) are off for this transaction only.
    for (const [table, trigger] of GUARDS)
      await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);

    await step(
      'projects',
      `
      INSERT INTO projects (id, organisation_id, code, name, client_name, currency, original_contract_amount, client_retention_rate, start_date, end_date, odoo_id, odoo_analytic_account_id, odoo_sale_order_id)
      SELECT pg_temp.uid('project', i), $1, 'P-' || (2000 + i), 'Scheme ' || (2000 + i) || ' ' || (ARRAY['Offices','Residential','School','Hospital wing','Warehouse','Retail park'])[1 + (i % 6)],
             'Client ' || (1 + i % 97), 'GBP', round((2e6 + pg_temp.rnd(1, i) * 48e6)::numeric, 2), 0.05,
             date '2021-01-01' + (i * 5 % 1500), date '2021-01-01' + (i * 5 % 1500) + 400 + (i % 500), 500000 + i, 600000 + i, 700000 + i
      FROM generate_series(1, $2::int) AS i`,
      [org, Math.max(5, counts.projects - 3)],
    );
    await client.query(
      `CREATE TEMP TABLE gp AS SELECT row_number() OVER (ORDER BY code) AS pn, id, original_contract_amount FROM projects WHERE code >= 'P-2000';
       CREATE UNIQUE INDEX ON gp (pn); ANALYZE gp`,
    );
    await step(
      'project members',
      `
      INSERT INTO project_members (project_id, user_id)
      SELECT gp.id, u FROM gp, people, LATERAL (VALUES (CASE WHEN pn % 10 = 0 THEN people.qs END), (CASE WHEN pn % 10 = 0 THEN people.pm END), (CASE WHEN pn % 15 = 0 THEN people.qs2 END), (CASE WHEN pn % 15 = 0 THEN people.pm2 END)) AS v(u)
      WHERE u IS NOT NULL`,
    );
    await step(
      'cost codes',
      `
      INSERT INTO cost_codes (id, project_id, code, name, original_budget_amount, odoo_analytic_account_id)
      SELECT pg_temp.uid('code', gp.pn * 100 + c), gp.id, lpad((c / 4 + 1)::text, 2, '0') || '-' || lpad((c % 4 * 100 + 100)::text, 3, '0'), 'Cost code ' || c,
             round((gp.original_contract_amount * 0.85 / $1 * (0.5 + pg_temp.rnd(2, gp.pn * 100 + c)))::numeric, 2), 800000 + gp.pn * 100 + c
      FROM gp, generate_series(0, $1 - 1) AS c`,
      [counts.costCodesPerProject],
    );
    await step(
      'vendors',
      `
      INSERT INTO partners (id, organisation_id, odoo_id, name, is_vendor, insurance_expires_on)
      SELECT pg_temp.uid('vendor', i), $1, 900000 + i, 'Vendor ' || i || ' ' || (ARRAY['Groundworks','Steel','Roofing','M&E','Drylining','Joinery'])[1 + i % 6] || ' Ltd', true, date '2027-01-01' - (i % 900)
      FROM generate_series(1, $2::int) AS i`,
      [org, counts.vendors],
    );
    await step(
      'subcontracts',
      `
      INSERT INTO subcontracts (id, project_id, vendor_id, odoo_purchase_order_id, reference, title, odoo_state, retention_rate)
      SELECT pg_temp.uid('subcontract', i), (SELECT id FROM gp WHERE pn = 1 + i % (SELECT count(*) FROM gp)), pg_temp.uid('vendor', 1 + (i * 7) % $2),
             1000000 + i, 'PO' || lpad(i::text, 6, '0'), 'Package ' || i, CASE WHEN i % 50 = 0 THEN 'cancel' ELSE 'purchase' END, 0.05
      FROM generate_series(1, $1::int) AS i`,
      [counts.subcontracts, counts.vendors],
    );
    await step(
      'sov lines',
      `
      INSERT INTO sov_lines (id, subcontract_id, line_no, description, cost_code_id, scheduled_amount, odoo_purchase_line_id)
      SELECT pg_temp.uid('sov', s.i * 100 + l), s.id, l, 'Scope item ' || l,
             (SELECT c.id FROM cost_codes c WHERE c.project_id = s.project_id ORDER BY c.code OFFSET ((s.i + l) % $2) LIMIT 1),
             round((20000 + pg_temp.rnd(3, s.i * 100 + l) * 180000)::numeric, 2), 2000000 + s.i * 100 + l
      FROM (SELECT id, project_id, odoo_purchase_order_id - 1000000 AS i FROM subcontracts WHERE odoo_purchase_order_id >= 1000000) AS s, generate_series(1, $1::int) AS l`,
      [counts.sovLinesPerSubcontract, counts.costCodesPerProject],
    );

    // change orders: drafts first (their lines can only be written then), statuses set after
    await client.query(
      `
      CREATE TEMP TABLE gco AS
      SELECT i, pg_temp.uid('co', i) AS id, gp.id AS project_id, gp.pn,
             row_number() OVER (PARTITION BY gp.pn ORDER BY i) AS number,
             CASE WHEN r < 0.45 OR (r < 0.85 AND sc.id IS NULL) THEN 'client' WHEN r < 0.85 THEN 'commitment' ELSE 'internal' END::change_order_kind AS kind,
             CASE WHEN r >= 0.45 AND r < 0.85 THEN sc.id END AS subcontract_id,
             CASE WHEN s < 0.70 THEN 'approved' WHEN s < 0.80 THEN 'rejected' WHEN s < 0.88 THEN 'submitted' WHEN s < 0.96 THEN 'draft' ELSE 'void' END::change_order_status AS status,
             round((500 + pg_temp.rnd(6, i) * 60000)::numeric, 2) AS amount
      FROM generate_series(1, $1::int) AS i
      JOIN gp ON gp.pn = 1 + i % (SELECT count(*) FROM gp),
      LATERAL (SELECT pg_temp.rnd(4, i) AS r, pg_temp.rnd(5, i) AS s) AS x
      LEFT JOIN LATERAL (SELECT s.id FROM subcontracts s WHERE s.project_id = gp.id ORDER BY s.reference OFFSET (i % 20) LIMIT 1) AS sc ON true`,
      [counts.changeOrders],
    );
    await step(
      'change orders',
      `
      INSERT INTO change_orders (id, project_id, number, reference, kind, title, reason, status, subcontract_id, cost_total_amount, sell_total_amount, routing_amount,
                                 is_proceeding, created_by_id, created_at, updated_at)
      SELECT gco.id, gco.project_id, gco.number, 'CO-' || lpad(gco.number::text, 4, '0'), gco.kind, 'Variation ' || gco.i, 'client_instruction', 'draft',
             gco.subcontract_id,
             gco.amount, CASE WHEN gco.kind = 'client' THEN round(gco.amount * 1.15, 2) END, CASE WHEN gco.kind = 'client' THEN round(gco.amount * 1.15, 2) ELSE gco.amount END, gco.i % 9 = 0, people.pm2,
             timestamptz '2022-01-01' + (gco.i * interval '41 minutes'), timestamptz '2022-01-01' + (gco.i * interval '41 minutes')
      FROM gco, people`,
    );
    await step(
      'change order lines',
      `
      INSERT INTO change_order_lines (change_order_id, line_no, cost_code_id, description, quantity, unit, unit_cost_amount, cost_amount, sell_amount)
      SELECT gco.id, l, (SELECT c.id FROM cost_codes c WHERE c.project_id = gco.project_id ORDER BY c.code OFFSET ((gco.i * 3 + l) % $1) LIMIT 1),
             'Work item ' || l, 1, 'item', round(gco.amount / 2, 2), round(gco.amount / 2, 2), CASE WHEN gco.kind = 'client' THEN round(gco.amount * 1.15 / 2, 2) END
      FROM gco, generate_series(1, 2) AS l`,
      [counts.costCodesPerProject],
    );
    await step(
      'change order statuses',
      `
      UPDATE change_orders co SET status = gco.status,
        submitted_by_id = co.created_by_id, submitted_at = CASE WHEN gco.status <> 'draft' THEN co.created_at + interval '1 day' END,
        decided_at = CASE WHEN gco.status IN ('approved', 'rejected', 'void') THEN co.created_at + interval '4 days' END,
        sync_status = CASE WHEN gco.status = 'approved' AND gco.kind <> 'internal' THEN (CASE WHEN gco.i % 200 = 0 THEN 'failed' WHEN gco.i % 97 = 0 THEN 'pending' ELSE 'synced' END)::sync_status ELSE 'not_required' END,
        version = 3
      FROM gco WHERE co.id = gco.id AND gco.status <> 'draft'`,
    );
    await step(
      'approval decisions',
      `
      INSERT INTO approval_decisions (record_type, record_id, step, step_name, role, decision, decided_by_id, decided_at)
      SELECT 'change_order', gco.id, d.step, d.name, d.role, CASE WHEN gco.status = 'rejected' AND d.step = 2 THEN 'rejected' ELSE 'approved' END::approval_decision,
             CASE WHEN d.step = 1 THEN people.qs ELSE people.pm END, timestamptz '2022-01-03' + (gco.i * interval '41 minutes')
      FROM gco, people, (VALUES (1, 'qs_review', 'quantity_surveyor'), (2, 'pm_approval', 'project_manager')) AS d(step, name, role)
      WHERE gco.status IN ('approved', 'rejected') OR (gco.status = 'submitted' AND d.step = 1)`,
    );
    await step(
      'budget revisions',
      `
      INSERT INTO budget_revisions (project_id, cost_code_id, change_order_id, kind, amount)
      SELECT gco.project_id, l.cost_code_id, gco.id, CASE WHEN gco.kind = 'internal' THEN 'transfer' ELSE 'approved_change' END::budget_revision_kind,
             CASE WHEN gco.kind = 'internal' AND l.line_no = 2 THEN -l.cost_amount ELSE l.cost_amount END
      FROM gco JOIN change_order_lines l ON l.change_order_id = gco.id WHERE gco.status = 'approved'`,
    );
    await step(
      'contract revisions',
      `
      INSERT INTO contract_revisions (project_id, change_order_id, amount)
      SELECT gco.project_id, gco.id, round(gco.amount * 1.15, 2) FROM gco WHERE gco.status = 'approved' AND gco.kind = 'client'`,
    );
    await step(
      'CO sov lines',
      `
      INSERT INTO sov_lines (subcontract_id, line_no, description, cost_code_id, scheduled_amount, change_order_id, odoo_purchase_line_id)
      SELECT co.subcontract_id, 100 + row_number() OVER (PARTITION BY co.subcontract_id ORDER BY gco.i), '[' || co.reference || '] ' || co.title,
             (SELECT cost_code_id FROM change_order_lines l WHERE l.change_order_id = co.id AND l.line_no = 1), co.cost_total_amount, co.id, $1::int + gco.i
      FROM gco JOIN change_orders co ON co.id = gco.id WHERE gco.status = 'approved' AND gco.kind = 'commitment'`,
      // Odoo line ids above the subcontracts' own (2,000,000 + subcontract × 100 + line)
      [Math.max(5_000_000, 2_000_000 + (counts.subcontracts + 1) * 100)],
    );

    // claims: per subcontract numbered 1..k over time; the older ones paid, the latest in flight
    await client.query(
      `
      CREATE TEMP TABLE gcl AS
      SELECT i, pg_temp.uid('claim', i) AS id, s.id AS subcontract_id, s.project_id, s.reference AS sc_ref,
             row_number() OVER (PARTITION BY s.id ORDER BY i) AS number, count(*) OVER (PARTITION BY s.id) AS of_total
      FROM generate_series(1, $1::int) AS i
      JOIN (SELECT id, project_id, reference, row_number() OVER (ORDER BY reference) AS sn FROM subcontracts) AS s ON s.sn = 1 + i % (SELECT count(*) FROM subcontracts)`,
      [counts.claims],
    );
    await client.query(`
      ALTER TABLE gcl ADD COLUMN status claim_status;
      UPDATE gcl SET status = CASE
        WHEN number < of_total - 1 THEN (CASE WHEN pg_temp.rnd(7, i) < 0.9 THEN 'paid' ELSE 'posted' END)
        WHEN number = of_total - 1 THEN (CASE WHEN pg_temp.rnd(7, i) < 0.5 THEN 'released' ELSE 'approved' END)
        ELSE (ARRAY['draft','submitted','certified','approved','rejected'])[1 + floor(pg_temp.rnd(8, i) * 5)::int] END::claim_status`);
    await step(
      'claims',
      `
      INSERT INTO claims (id, subcontract_id, project_id, number, reference, period_end, status, claimed_to_date_amount, certified_to_date_amount, completed_to_date_amount,
                          retention_held_to_date_amount, deductions_to_date_amount, net_to_date_amount, due_amount, created_by_id, created_at, updated_at)
      SELECT gcl.id, gcl.subcontract_id, gcl.project_id, gcl.number, gcl.sc_ref || '-C' || lpad(gcl.number::text, 3, '0'),
             date '2022-01-31' + (gcl.number * 30 + gcl.i % 28)::int, 'draft',
             v.to_date, CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN v.to_date END, CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN v.to_date END,
             CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN round(v.to_date * 0.05, 2) END, CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN 0 END,
             CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN round(v.to_date * 0.95, 2) END, CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN round(v.to_date * 0.95 / gcl.number, 2) END,
             people.qs, timestamptz '2022-02-01' + (gcl.i * interval '23 minutes'), timestamptz '2022-02-01' + (gcl.i * interval '23 minutes') + (gcl.number * interval '3 days')
      FROM gcl, people, LATERAL (SELECT round((gcl.number::numeric / (gcl.of_total + 2)) * 1000000 * (0.5 + pg_temp.rnd(9, gcl.i))::numeric, 2) AS to_date) AS v`,
    );
    await step(
      'claim lines',
      `
      INSERT INTO claim_lines (claim_id, sov_line_id, scheduled_amount, previous_certified_amount, claimed_to_date_amount, certified_to_date_amount)
      SELECT gcl.id, sl.id, sl.scheduled_amount, round(sl.scheduled_amount * (gcl.number - 1) / (gcl.of_total + 2), 2), round(sl.scheduled_amount * gcl.number / (gcl.of_total + 2), 2),
             CASE WHEN gcl.status NOT IN ('draft', 'submitted') THEN round(sl.scheduled_amount * gcl.number / (gcl.of_total + 2), 2) END
      FROM gcl JOIN sov_lines sl ON sl.subcontract_id = gcl.subcontract_id AND sl.change_order_id IS NULL`,
    );
    await step(
      'claim statuses',
      `
      UPDATE claims c SET status = gcl.status,
        submitted_by_id = CASE WHEN gcl.status <> 'draft' THEN people.qs2 END, submitted_at = CASE WHEN gcl.status <> 'draft' THEN c.created_at + interval '1 day' END,
        certified_by_id = CASE WHEN gcl.status NOT IN ('draft', 'submitted', 'rejected') THEN people.qs END,
        certified_at = CASE WHEN gcl.status NOT IN ('draft', 'submitted', 'rejected') THEN c.created_at + interval '5 days' END,
        approved_by_id = CASE WHEN gcl.status IN ('approved', 'released', 'posted', 'paid') THEN people.pm END,
        approved_at = CASE WHEN gcl.status IN ('approved', 'released', 'posted', 'paid') THEN c.created_at + interval '8 days' END,
        released_by_id = CASE WHEN gcl.status IN ('released', 'posted', 'paid') THEN people.finance END,
        released_at = CASE WHEN gcl.status IN ('released', 'posted', 'paid') THEN c.created_at + interval '10 days' END,
        odoo_bill_id = CASE WHEN gcl.status IN ('approved', 'released', 'posted', 'paid') THEN 3000000 + gcl.i END,
        odoo_bill_state = CASE WHEN gcl.status IN ('posted', 'paid') THEN 'posted' WHEN gcl.status IN ('approved', 'released') THEN 'draft' END,
        rejection_reason = CASE WHEN gcl.status = 'rejected' THEN 'Quantities not substantiated' END,
        sync_status = CASE WHEN gcl.status IN ('approved', 'released', 'posted', 'paid') THEN (CASE WHEN gcl.i % 300 = 0 THEN 'failed' WHEN gcl.i % 151 = 0 THEN 'pending' ELSE 'synced' END)::sync_status ELSE 'not_required' END,
        version = 5
      FROM gcl, people WHERE c.id = gcl.id AND gcl.status <> 'draft'`,
    );

    await step(
      'milestones',
      `
      INSERT INTO milestones (project_id, number, reference, name, planned_date, amount_basis, fixed_amount, status, invoice_amount, retention_amount, created_by_id, odoo_invoice_id, sync_status,
                              completion_claimed_by_id, verified_by_id, released_by_id)
      SELECT gp.id, m.k, 'MS-' || lpad(m.k::text, 3, '0'), 'Stage ' || m.k, date '2022-03-01' + m.i % 1200, 'fixed', round(gp.original_contract_amount / 20, 2), st.status,
             CASE WHEN st.status IN ('invoiced', 'paid') THEN round(gp.original_contract_amount / 20, 2) END,
             CASE WHEN st.status IN ('invoiced', 'paid') THEN round(gp.original_contract_amount / 400, 2) END, people.pm,
             CASE WHEN st.status IN ('invoiced', 'paid') THEN 4000000 + m.i END,
             CASE WHEN st.status IN ('released', 'invoiced', 'paid') THEN 'synced' ELSE 'not_required' END::sync_status,
             CASE WHEN st.status <> 'planned' THEN people.pm END,
             CASE WHEN st.status IN ('verified', 'released', 'invoiced', 'paid') THEN people.qs END,
             CASE WHEN st.status IN ('released', 'invoiced', 'paid') THEN people.finance END
      FROM (SELECT i, 1 + i % (SELECT count(*) FROM gp) AS pn, (i - 1) / (SELECT count(*) FROM gp) + 1 AS k FROM generate_series(1, $1::int) AS i) AS m
      JOIN gp ON gp.pn = m.pn, people,
      LATERAL (SELECT (ARRAY['paid','paid','invoiced','released','verified','completion_claimed','planned','planned'])[1 + floor(pg_temp.rnd(10, m.i) * 8)::int]::milestone_status AS status) AS st`,
      [counts.milestones],
    );
    await step(
      'analytic lines',
      `
      INSERT INTO analytic_lines (odoo_id, project_id, cost_code_id, date, description, cost_amount, odoo_purchase_line_id)
      SELECT 10000000 + i, c.project_id, CASE WHEN i % 50 = 0 THEN NULL ELSE c.id END, date '2022-01-01' + i % 1400, 'Cost ' || i,
             round((100 + pg_temp.rnd(11, i) * 9000)::numeric, 2), CASE WHEN i % 3 = 0 THEN 2000000 + i % 900000 END
      FROM generate_series(1, $1::int) AS i
      JOIN (SELECT id, project_id, row_number() OVER (ORDER BY id) AS cn FROM cost_codes) AS c ON c.cn = 1 + i % (SELECT count(*) FROM cost_codes)`,
      [counts.analyticLines],
    );

    // sync history: the records that reached Odoo, each with an exponentially distributed number of
    // attempts (a claim is synced at approval, release, posting and payment; some have long retry series)
    await client.query(`
      CREATE TEMP TABLE synced AS
      SELECT row_number() OVER () AS rn, * FROM (
        SELECT 'change_order' AS record_type, id AS record_id, 'sale_order_line' AS purpose, 'sale.order.line' AS odoo_model FROM change_orders WHERE sync_status <> 'not_required'
        UNION ALL SELECT 'claim', id, 'vendor_bill', 'account.move' FROM claims WHERE sync_status <> 'not_required'
        UNION ALL SELECT 'milestone', id, 'customer_invoice', 'account.move' FROM milestones WHERE sync_status <> 'not_required') AS s`);
    const syncedCount = Number(
      (await client.query<{ n: string }>('SELECT count(*) AS n FROM synced')).rows[0]!.n,
    );
    await step(
      'sync links',
      `
      INSERT INTO sync_links (record_type, record_id, purpose, odoo_model, odoo_id, reference)
      SELECT record_type, record_id, purpose, odoo_model, 20000000 + rn, record_type || '-' || rn FROM synced`,
    );
    await step(
      'sync attempts',
      `
      INSERT INTO sync_attempts (record_type, record_id, operation, odoo_model, odoo_id, outcome, error_class, error_name, error_message, http_status, duration_ms, attempt_number, job_id, started_at, finished_at)
      SELECT s.record_type, s.record_id, CASE WHEN a.k = a.total THEN 'create ' || s.odoo_model ELSE s.odoo_model || '.create' END, s.odoo_model,
             CASE WHEN a.k = a.total THEN 20000000 + s.rn END,
             CASE WHEN a.k = a.total THEN 'success' WHEN a.k % 7 = 0 THEN 'ambiguous' ELSE 'transient_error' END::sync_outcome,
             CASE WHEN a.k < a.total THEN 'OdooTransientError' END, CASE WHEN a.k < a.total THEN 'http.503' END,
             CASE WHEN a.k < a.total THEN 'Service Unavailable' END, CASE WHEN a.k < a.total THEN 503 END,
             20 + (pg_temp.rnd(12, s.rn * 64 + a.k) * 400)::int, a.k, (s.rn * 64 + a.k)::text,
             timestamptz '2022-02-01' + (s.rn * interval '17 minutes') + (a.k * interval '30 seconds'),
             timestamptz '2022-02-01' + (s.rn * interval '17 minutes') + (a.k * interval '30 seconds') + interval '200 milliseconds'
      FROM synced AS s,
           LATERAL (SELECT greatest(1, round(-ln(1 - pg_temp.rnd(13, s.rn)) * ($1::float8 / $2::float8)))::int AS total) AS t,
           LATERAL (SELECT k, t.total FROM generate_series(1, t.total) AS k) AS a`,
      [counts.syncAttempts, syncedCount],
    );
    await step(
      'exceptions',
      `
      INSERT INTO exceptions (category, cause, severity, status, owner_role, record_type, record_id, record_reference, project_id, amount_at_stake, title, detail, guidance, error_name,
                              occurrences, first_seen_at, last_seen_at, resolved_at, resolution)
      SELECT (ARRAY['sync_failure','sync_failure','rule_breach','pull_mapping','reconciliation_drift'])[1 + i % 5]::exception_category, 'cause_' || (i % 5),
             (ARRAY['low','medium','medium','high','critical'])[1 + floor(pg_temp.rnd(14, i) * 5)::int]::exception_severity,
             CASE WHEN i % 20 < 3 THEN 'open' WHEN i % 20 < 18 THEN 'resolved' ELSE 'dismissed' END::exception_status, 'finance',
             'change_order', (pg_temp.uid('exception-record', i))::text, 'CO-' || lpad((i % 9999)::text, 4, '0'),
             CASE WHEN i % 25 = 0 THEN NULL ELSE (SELECT id FROM gp WHERE pn = 1 + i % (SELECT count(*) FROM gp)) END,
             round((100 + pg_temp.rnd(15, i) * 200000)::numeric, 2), 'Odoo refused the sync of CO-' || (i % 9999), 'Odoo answered UserError: period locked', 'Unlock the period, then Retry.',
             'odoo.exceptions.UserError', 1 + i % 6, now() - (i % 900) * interval '1 day' - (i % 1440) * interval '1 minute', now() - (i % 30) * interval '1 day',
             CASE WHEN i % 20 >= 3 THEN now() - (i % 30) * interval '1 day' END, CASE WHEN i % 20 >= 3 THEN 'Resolved automatically: a later sync succeeded.' END
      FROM generate_series(1, $1::int) AS i`,
      [counts.exceptions],
    );
    for (const [table, trigger] of GUARDS)
      await client.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    await client.query('COMMIT');
    const t = performance.now();
    await client.query('VACUUM (ANALYZE)');
    timings['vacuum analyze'] = round((performance.now() - t) / 1000);
    log(`  ${'vacuum analyze'.padEnd(28)} ${''.padStart(9)}       ${timings['vacuum analyze']} s`);

    const tables = [
      'projects',
      'cost_codes',
      'partners',
      'subcontracts',
      'sov_lines',
      'change_orders',
      'change_order_lines',
      'claims',
      'claim_lines',
      'milestones',
      'analytic_lines',
      'sync_attempts',
      'sync_links',
      'exceptions',
      'audit_events',
    ];
    const rows: Record<string, number> = {};
    for (const table of tables)
      rows[table] = Number(
        (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n,
      );
    const size = (
      await client.query<{ size: string }>(
        'SELECT pg_size_pretty(pg_database_size(current_database())) AS size',
      )
    ).rows[0]!.size;
    const seconds = round((performance.now() - started) / 1000);
    log(`Seeded ${options.database} (scale ${scale}, seed ${seed}) in ${seconds} s, ${size}`);
    return {
      database: options.database,
      url: database.url,
      scale,
      projects: rows.projects,
      prngSeed: seed,
      seconds,
      size,
      rows,
      timings,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
