import { setupIncomplete } from '@/server/modules/odoo-connection/odoo-setup';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { costCodes, projects } from '@/db/schema';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
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

const MODEL = 'project.project';
const NO_ACCOUNT = 'project_without_analytic_account';

/**
 * project.project → the Plumbline project of the same code (Odoo keeps it on the project's analytic
 * account) or, failing that, the same name. Projects are created in Plumbline: an Odoo project with
 * no match is reported in the run (failed, with the reason) and linked by a later pull once it exists.
 * Unlinked Odoo projects are re-read every run for that reason, whatever their write_date.
 */
export async function pullProjects(ctx: PullContext): Promise<void> {
  const accountField = ctx.fields.projectAnalyticAccount;
  const fields = await availableFields(ctx.odoo, MODEL, [
    'name',
    'partner_id',
    accountField,
    'sale_order_id',
    'write_date',
  ]);
  const local = await ctx.db
    .select({
      id: projects.id,
      code: projects.code,
      name: projects.name,
      odooId: projects.odooId,
      odooAnalyticAccountId: projects.odooAnalyticAccountId,
      odooSaleOrderId: projects.odooSaleOrderId,
      odooCustomerId: projects.odooCustomerId,
    })
    .from(projects)
    .where(eq(projects.organisationId, ctx.organisationId));
  const linked = local.flatMap((p) => (p.odooId ? [p.odooId] : []));
  const cursor = await cursorDomain(ctx.db, MODEL);
  const domain = cursor.length > 0 ? ['|', ...cursor, ['id', 'not in', linked]] : [];
  const rows = await ctx.odoo.searchReadAll(MODEL, domain, fields, { order: 'write_date, id' });
  const accountIds = rows.flatMap((row) => (m2oId(row[accountField]) ? [m2oId(row[accountField])!] : []));
  const accounts = new Map(
    (await ctx.odoo.read('account.analytic.account', accountIds, ['code', 'name'])).map((a) => [a.id, a]),
  );
  const saleIds = rows.flatMap((row) => (m2oId(row.sale_order_id) ? [m2oId(row.sale_order_id)!] : []));
  const sales = new Map(
    (saleIds.length ? await ctx.odoo.read('sale.order', saleIds, ['partner_id']) : []).map((s) => [s.id, s]),
  );
  const rec = recorder(ctx, MODEL);

  await ctx.db.transaction(async (tx) => {
    await eachRecord(tx, rec, 'project', rows, async (row, sp) => {
      const accountId = m2oId(row[accountField]);
      const code = accountId ? accounts.get(accountId)?.code : undefined;
      const name = String(row.name ?? '');
      const match =
        local.find((p) => p.odooId === row.id) ??
        local.find((p) => !p.odooId && typeof code === 'string' && p.code === code) ??
        local.find((p) => !p.odooId && p.name.toLowerCase() === name.toLowerCase());
      if (!match) {
        await rec.failed(sp, {
          recordType: 'project',
          recordId: null,
          odooId: row.id,
          message: `Odoo project "${name}"${typeof code === 'string' && code ? ` (code ${code})` : ''} matches no Plumbline project by code or name; create it in Plumbline and the next pull links it.`,
        });
        return;
      }
      const saleOrderId = m2oId(row.sale_order_id);
      const next = {
        odooId: row.id,
        odooAnalyticAccountId: accountId,
        odooSaleOrderId: saleOrderId,
        odooCustomerId:
          m2oId(row.partner_id) ?? (saleOrderId ? m2oId(sales.get(saleOrderId)?.partner_id) : null),
      };
      const stamp = { odooWriteDate: parseOdooDateTime(row.write_date), lastPulledAt: new Date() };
      await mirror(sp, rec, {
        recordType: 'project',
        odooId: row.id,
        existing: match,
        next,
        insert: () => Promise.reject(new Error('projects are never created by a pull')),
        update: async (id) => {
          await sp
            .update(projects)
            .set({ ...next, ...stamp, version: sql`${projects.version} + 1`, updatedAt: new Date() })
            .where(eq(projects.id, id));
        },
        touch: async (id) => {
          await sp.update(projects).set(stamp).where(eq(projects.id, id));
        },
      });
      Object.assign(match, next);
      if (accountId) await resolveExceptionsFor(sp, 'project', match.id, NO_ACCOUNT);
      else {
        await raiseException(sp, {
          category: 'pull_mapping',
          cause: NO_ACCOUNT,
          recordType: 'project',
          recordId: match.id,
          recordReference: match.code,
          projectId: match.id,
          title: `Project ${match.code} has no analytic account in Odoo`,
          detail: `Odoo project "${name}" has no analytic account, so its costs, subcontracts and bills cannot be attributed to it.`,
          guidance:
            'In Odoo, give the project an analytic account (Project → Settings → Analytic account); the next pull links it.',
        });
      }
    });
    await advanceCursor(tx, MODEL, rows);
  });
}

/**
 * Cost codes ↔ accounts of the cost-code analytic plan, matched by code within each project. Read in
 * full while any Plumbline cost code is unlinked (a handful of accounts), else incrementally.
 */
export async function pullCostCodes(ctx: PullContext): Promise<void> {
  const model = 'account.analytic.account';
  const planId = ctx.mappings.costCodePlanId;
  if (!planId) throw setupIncomplete('costCodePlanId', ctx.mappings);
  const orgCodes = ctx.db
    .select({
      id: costCodes.id,
      projectId: costCodes.projectId,
      code: costCodes.code,
      odooAnalyticAccountId: costCodes.odooAnalyticAccountId,
    })
    .from(costCodes)
    .innerJoin(projects, eq(projects.id, costCodes.projectId))
    .where(eq(projects.organisationId, ctx.organisationId));
  const [unlinked] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(costCodes)
    .innerJoin(projects, eq(projects.id, costCodes.projectId))
    .where(and(eq(projects.organisationId, ctx.organisationId), isNull(costCodes.odooAnalyticAccountId)));
  const cursor = unlinked?.n ? [] : await cursorDomain(ctx.db, `${model}#cost_codes`);
  const rows = await ctx.odoo.searchReadAll(
    model,
    [['plan_id', '=', planId], ...cursor],
    ['code', 'name', 'write_date'],
    { order: 'write_date, id' },
  );
  const codes = await orgCodes;
  const rec = recorder(ctx, model);
  await ctx.db.transaction(async (tx) => {
    for (const account of rows) {
      for (const costCode of codes.filter(
        (c) => typeof account.code === 'string' && c.code === account.code,
      )) {
        await mirror(tx, rec, {
          recordType: 'cost_code',
          odooId: account.id,
          existing: { id: costCode.id, odooAnalyticAccountId: costCode.odooAnalyticAccountId },
          next: { odooAnalyticAccountId: account.id },
          insert: () => Promise.reject(new Error('cost codes are never created by a pull')),
          update: async (id) => {
            await tx
              .update(costCodes)
              .set({ odooAnalyticAccountId: account.id, updatedAt: new Date() })
              .where(eq(costCodes.id, id));
          },
        });
      }
    }
    await advanceCursor(tx, `${model}#cost_codes`, rows);
  });
}

/** Odoo analytic account id → Plumbline project, and (project, account) → cost code, for the later steps. */
export async function loadAccountMaps(db: DbOrTx, organisationId: string) {
  const projectRows = await db
    .select({ id: projects.id, code: projects.code, accountId: projects.odooAnalyticAccountId })
    .from(projects)
    .where(and(eq(projects.organisationId, organisationId), isNotNull(projects.odooAnalyticAccountId)));
  const projectByAccount = new Map(projectRows.map((p) => [p.accountId!, p]));
  const codeRows = projectRows.length
    ? await db
        .select({
          id: costCodes.id,
          projectId: costCodes.projectId,
          accountId: costCodes.odooAnalyticAccountId,
        })
        .from(costCodes)
        .where(
          and(
            inArray(
              costCodes.projectId,
              projectRows.map((p) => p.id),
            ),
            isNotNull(costCodes.odooAnalyticAccountId),
          ),
        )
    : [];
  const costCodeFor = (projectId: string, accountIds: number[]) =>
    codeRows.find((c) => c.projectId === projectId && accountIds.includes(c.accountId!))?.id ?? null;
  return { projectByAccount, costCodeFor };
}
