import { sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { requestSyncs } from '@/server/sync/enqueue';
import { DEMO_SUBCONTRACTS } from '@/tools/odoo-sim/demo-data';
import type { OdooSim } from '@/tools/odoo-sim/server';

/**
 * Change orders in bulk for the sync tests, benchmarks and drills (scripts/bench-*.ts, drill-*.ts):
 * written with set-based SQL so thousands take seconds, in the same shape the services leave them.
 */

/** Links the demo projects to the simulator's sale orders and adds one subcontract per simulated PO. */
export async function linkDemoToSimulator(db: Db, sim: OdooSim): Promise<void> {
  const demo = sim.demo;
  if (!demo) throw new Error('the simulator was not started with the demo seed');
  for (const [code, ids] of Object.entries(demo.projects)) {
    await db.execute(
      sql`UPDATE projects SET odoo_id = ${ids.projectId}, odoo_sale_order_id = ${ids.saleOrderId}, odoo_analytic_account_id = ${ids.analyticAccountId} WHERE code = ${code}`,
    );
  }
  const [organisation] = (
    await db.execute<{ id: string }>(sql`SELECT id FROM organisations ORDER BY created_at LIMIT 1`)
  ).rows;
  if (!organisation) throw new Error('no organisation: seed the demo organisation first');
  const vendor = await db.execute<{ id: string }>(
    sql`INSERT INTO partners (organisation_id, name, is_vendor) VALUES (${organisation.id}, 'Load Test Subcontractor Ltd', true) RETURNING id`,
  );
  const vendorId = vendor.rows[0]!.id;
  for (const [reference, order] of Object.entries(demo.subcontracts)) {
    const projectCode = DEMO_SUBCONTRACTS.find((sc) => sc.ref === reference)?.project ?? 'P-1001';
    await db.execute(sql`
      INSERT INTO subcontracts (project_id, vendor_id, odoo_purchase_order_id, reference, title, odoo_state)
      SELECT id, ${vendorId}, ${order.orderId}, ${reference}, ${`Subcontract ${reference}`}, 'purchase' FROM projects WHERE code = ${projectCode}
      ON CONFLICT (odoo_purchase_order_id) DO NOTHING`);
  }
}

/**
 * `count` approved change orders, alternately client (a sale-order line) and commitment (a PO line),
 * over the projects with a sale order and the subcontracts with a PO; numbered after the existing ones.
 */
export async function insertApprovedChangeOrders(
  db: Db | Tx,
  input: { count: number; createdById: string; title?: string },
): Promise<string[]> {
  // one transaction: the database refuses an approved CO without its route and decisions at commit
  return db.transaction(async (tx) => {
    const result = await tx.execute<{ id: string }>(sql`
    WITH targets AS (
      SELECT row_number() OVER (ORDER BY p.code, s.reference NULLS FIRST) - 1 AS slot, p.id AS project_id, s.id AS subcontract_id
      FROM projects p
      LEFT JOIN subcontracts s ON s.project_id = p.id AND s.odoo_purchase_order_id IS NOT NULL
      WHERE p.odoo_sale_order_id IS NOT NULL),
    picks AS (
      SELECT n, t.project_id, CASE WHEN n % 2 = 0 THEN 'client' ELSE 'commitment' END::change_order_kind AS kind,
             CASE WHEN n % 2 = 0 THEN NULL ELSE (SELECT s.id FROM subcontracts s WHERE s.project_id = t.project_id AND s.odoo_purchase_order_id IS NOT NULL ORDER BY s.reference LIMIT 1) END AS subcontract_id
      FROM generate_series(0, ${input.count - 1}) AS n
      JOIN targets t ON t.slot = n % (SELECT count(*) FROM targets)),
    usable AS (
      SELECT picks.*, CASE WHEN kind = 'commitment' AND subcontract_id IS NULL THEN 'client'::change_order_kind ELSE kind END AS final_kind FROM picks),
    numbered AS (
      SELECT usable.*, coalesce((SELECT max(number) FROM change_orders co WHERE co.project_id = usable.project_id), 0)
             + row_number() OVER (PARTITION BY usable.project_id ORDER BY n) AS number
      FROM usable)
    INSERT INTO change_orders (project_id, number, reference, kind, title, reason, status, subcontract_id, cost_total_amount, sell_total_amount,
                               routing_amount, created_by_id, submitted_at, decided_at, sync_status)
    SELECT project_id, number, 'CO-' || CASE WHEN number >= 1000 THEN number::text ELSE lpad(number::text, 4, '0') END, final_kind, ${input.title ?? 'Load test variation'} || ' ' || n, 'client_instruction', 'approved',
           CASE WHEN final_kind = 'commitment' THEN subcontract_id END, 1000 + n % 500, CASE WHEN final_kind = 'client' THEN 1200 + n % 500 END,
           CASE WHEN final_kind = 'client' THEN 1200 + n % 500 ELSE 1000 + n % 500 END, ${input.createdById}, now(), now(), 'pending'
    FROM numbered
    RETURNING id`);
    const ids = result.rows.map((row) => row.id);
    await approveDirectly(tx, ids, input.createdById);
    return ids;
  });
}

/** The QS review and PM approval of load-test COs (below the PM limit), by people other than the author. */
async function approveDirectly(
  tx: DbOrTx,
  ids: string[],
  authorId: string,
  steps: number[] = [1, 2],
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO approval_routes (record_type, record_id, step, step_name, role, routing_amount, reason)
    SELECT 'change_order', co.id, d.step, d.step_name, d.roles[1], co.routing_amount, 'load test'
    FROM change_orders co, approval_step_definitions d
    WHERE co.id = ANY(${sql.param(ids)}::uuid[]) AND d.record_type = 'change_order' AND d.step IN (1, 2)`);
  await tx.execute(sql`
    INSERT INTO approval_decisions (record_type, record_id, step, step_name, role, decision, decided_by_id)
    SELECT 'change_order', co.id, d.step, d.step_name, d.roles[1], 'approved',
           (SELECT u.id FROM users u WHERE u.role::text = d.roles[1] AND u.id <> ${authorId} ORDER BY u.email LIMIT 1)
    FROM unnest(${sql.param(ids)}::uuid[]) AS co(id), approval_step_definitions d
    WHERE d.record_type = 'change_order' AND d.step = ANY(${sql.param(steps)}::int[])
    ORDER BY d.step`);
}

/** Asks for the sync of each change order, as requestSync does (one sync_requests row per record). */
export async function requestChangeOrderSyncs(db: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await requestSyncs(db, 'change_order', ids);
  await db.execute(
    sql`UPDATE change_orders SET sync_status = 'pending' WHERE id = ANY(${sql.param(ids)}::uuid[])`,
  );
}

/**
 * `count` change orders of one project, submitted and reviewed by the QS, waiting for the project
 * manager's final approval (route QS review → PM approval, below the PM limit): client ones (a sale
 * order line once approved) or, with `subcontractId`, commitment ones (a line on that subcontract's PO).
 */
export async function insertSubmittedChangeOrders(
  db: Db,
  input: {
    count: number;
    projectId: string;
    authorId: string;
    reviewerId: string;
    amount?: string;
    subcontractId?: string;
    /** 'review': still waiting for the QS review (step 1); default 'approval': reviewed, PM's turn. */
    awaiting?: 'review' | 'approval';
  },
): Promise<{ id: string; version: number }[]> {
  const amount = input.amount ?? '1000.00';
  const kind = input.subcontractId ? 'commitment' : 'client';
  // a commitment changes cost only: no sell, and its route is fixed by the cost
  const sell = input.subcontractId ? sql`NULL::numeric` : sql`${amount}::numeric * 1.2`;
  const routing = input.subcontractId ? sql`${amount}::numeric` : sql`${amount}::numeric * 1.2`;
  return db.transaction(async (tx) => {
    const inserted = await tx.execute<{ id: string }>(sql`
      WITH base AS (SELECT coalesce(max(number), 0) AS n FROM change_orders WHERE project_id = ${input.projectId})
      INSERT INTO change_orders (project_id, number, reference, kind, title, reason, status, subcontract_id, cost_total_amount, sell_total_amount, routing_amount, created_by_id)
      SELECT ${input.projectId}, base.n + g, 'CO-' || CASE WHEN base.n + g >= 1000 THEN (base.n + g)::text ELSE lpad((base.n + g)::text, 4, '0') END, ${kind}::change_order_kind, 'Load test variation ' || g, 'client_instruction', 'draft',
             ${input.subcontractId ?? null}::uuid, ${amount}, ${sell}, ${routing}, ${input.authorId}
      FROM base, generate_series(1, ${input.count}) AS g
      RETURNING id`);
    const ids = inserted.rows.map((row) => row.id);
    // lines go in while the COs are drafts (a trigger refuses line changes after that)
    await tx.execute(sql`
      INSERT INTO change_order_lines (change_order_id, line_no, cost_code_id, description, quantity, unit, unit_cost_amount, cost_amount, sell_amount)
      SELECT id, 1, (SELECT c.id FROM cost_codes c WHERE c.project_id = ${input.projectId} ORDER BY c.code LIMIT 1), 'Additional work', 1, 'item',
             ${amount}, ${amount}, ${sell}
      FROM unnest(${sql.param(ids)}::uuid[]) AS id`);
    await tx.execute(sql`
      UPDATE change_orders SET status = 'submitted', submitted_by_id = created_by_id, submitted_at = now(), version = 3
      WHERE id = ANY(${sql.param(ids)}::uuid[])`);
    await tx.execute(sql`
      INSERT INTO approval_authors (record_type, record_id, user_id, kind)
      SELECT 'change_order', id, ${input.authorId}, 'creator' FROM unnest(${sql.param(ids)}::uuid[]) AS id`);
    await tx.execute(sql`
      INSERT INTO approval_routes (record_type, record_id, step, step_name, role, routing_amount, reason)
      SELECT 'change_order', co.id, d.step, d.step_name, d.roles[1], co.routing_amount, 'load test'
      FROM change_orders co, approval_step_definitions d
      WHERE co.id = ANY(${sql.param(ids)}::uuid[]) AND d.record_type = 'change_order' AND d.step IN (1, 2)`);
    if ((input.awaiting ?? 'approval') === 'approval')
      await tx.execute(sql`
        INSERT INTO approval_decisions (record_type, record_id, step, step_name, role, decision, decided_by_id)
        SELECT 'change_order', id, 1, 'qs_review', 'quantity_surveyor', 'approved', ${input.reviewerId} FROM unnest(${sql.param(ids)}::uuid[]) AS id`);
    return ids.map((id) => ({ id, version: 3 }));
  });
}
