import { setupIncomplete } from '@/server/modules/odoo-connection/odoo-setup';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { costCodes, projects } from '@/db/schema';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import {
  advanceCursor,
  availableFields,
  clearUnlinked,
  cursorDomain,
  eachRecord,
  m2oId,
  mirror,
  noteUnlinked,
  parseOdooDateTime,
  recorder,
  type PullContext,
} from './pull-context';

const MODEL = 'project.project';
const NO_ACCOUNT = 'project_without_analytic_account';
const CURRENCY_OR_COMPANY = 'project_company_or_currency_mismatch';

/** Active currencies in Odoo by ISO code (res.currency searches only active ones by default). */
async function odooCurrencies(ctx: PullContext): Promise<Map<string, number>> {
  const rows = await ctx.odoo.searchRead<{ id: number; name: string }>('res.currency', [], ['name']);
  return new Map(rows.map((r) => [r.name, r.id]));
}

/**
 * Issue 14: a GBP project was billed in a USD company and nothing noticed. A project belongs to one
 * Odoo company and keeps one currency; the pull refuses to link it (plain words, no guessing) when its
 * currency is not active in Odoo, or its sale order belongs to another company or another currency.
 */
export function companyMismatch(input: {
  project: { code: string; currency: string };
  name: string;
  companyId: number | null;
  companies: Map<number, Record<string, unknown>>;
  sale: Record<string, unknown> | undefined;
  activeCurrencies: Map<string, number>;
}): string | null {
  const { project, name, companyId, companies, sale, activeCurrencies } = input;
  const companyName = companyId
    ? String(companies.get(companyId)?.name ?? `company ${companyId}`)
    : 'no company';
  if (!activeCurrencies.has(project.currency))
    return `Project ${project.code} is kept in ${project.currency}, but ${project.currency} is not an active currency in Odoo. Activate it in Odoo (Accounting → Configuration → Currencies) or correct the project's currency in Plumbline.`;
  const saleCompany = m2oId(sale?.company_id);
  if (sale && companyId && saleCompany && saleCompany !== companyId) {
    const other = Array.isArray(sale.company_id) ? String(sale.company_id[1]) : `company ${saleCompany}`;
    return `Odoo project "${name}" belongs to ${companyName} but its sale order belongs to ${other}. Move one of them so both are in the same company.`;
  }
  const saleCurrency = Array.isArray(sale?.currency_id) ? String(sale.currency_id[1]) : null;
  if (saleCurrency && saleCurrency !== project.currency)
    return `Project ${project.code} is kept in ${project.currency}, but its Odoo sale order is in ${saleCurrency}. Set the sale order's currency (its pricelist) to ${project.currency}, or correct the project's currency in Plumbline.`;
  return null;
}

/** Why an Odoo project matched nothing, in words an Odoo admin acts on (shown on the setup page). */
export function unmatchedProjectReason(
  code: string | null,
  local: { code: string; odooId: number | null }[],
): string {
  const taken = code ? local.find((p) => p.code === code && p.odooId) : undefined;
  if (taken)
    return `Its analytic account code ${code} is a Plumbline project's code, but that project is already linked to another Odoo project.`;
  return code
    ? `No Plumbline project has the code ${code} (its analytic account's code) or its name. Not a Plumbline project, or create it in Plumbline and the next pull links it.`
    : 'Its analytic account has no code and no Plumbline project has its name. Not a Plumbline project, or give its analytic account the project code and the next pull links it.';
}

/**
 * project.project → the Plumbline project of the same code (Odoo keeps it on the project's analytic
 * account) or, failing that, the same name. Projects are created in Plumbline: an Odoo project with
 * no match is listed once as "not linked" (with the reason), and linked by a later pull once it exists.
 * Unlinked Odoo projects are re-read every run for that reason, whatever their write_date.
 */
export async function pullProjects(ctx: PullContext): Promise<void> {
  const accountField = ctx.fields.projectAnalyticAccount;
  const fields = await availableFields(ctx.odoo, MODEL, [
    'name',
    'partner_id',
    accountField,
    'sale_order_id',
    'company_id',
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
      odooCompanyId: projects.odooCompanyId,
      currency: projects.currency,
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
    (saleIds.length
      ? await ctx.odoo.read('sale.order', saleIds, ['partner_id', 'company_id', 'currency_id'])
      : []
    ).map((s) => [s.id, s]),
  );
  const companyIds = [
    ...new Set(rows.flatMap((row) => (m2oId(row.company_id) ? [m2oId(row.company_id)!] : []))),
  ];
  const companies = new Map(
    (companyIds.length ? await ctx.odoo.read('res.company', companyIds, ['name', 'currency_id']) : []).map(
      (c) => [c.id, c],
    ),
  );
  const activeCurrencies = await odooCurrencies(ctx);
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
        await noteUnlinked(sp, ctx, {
          odooModel: MODEL,
          odooId: row.id,
          name,
          reason: unmatchedProjectReason(typeof code === 'string' ? code : null, local),
        });
        return;
      }
      await clearUnlinked(sp, ctx, MODEL, row.id);
      const saleOrderId = m2oId(row.sale_order_id);
      const companyId =
        m2oId(row.company_id) ?? (saleOrderId ? m2oId(sales.get(saleOrderId)?.company_id) : null);
      const mismatch = companyMismatch({
        project: match,
        name,
        companyId,
        companies,
        sale: saleOrderId ? sales.get(saleOrderId) : undefined,
        activeCurrencies,
      });
      if (mismatch) {
        await rec.failed(sp, {
          recordType: 'project',
          recordId: match.id,
          odooId: row.id,
          message: mismatch,
        });
        await raiseException(sp, {
          category: 'pull_mapping',
          cause: CURRENCY_OR_COMPANY,
          recordType: 'project',
          recordId: match.id,
          recordReference: match.code,
          projectId: match.id,
          title: `Project ${match.code} cannot be linked to Odoo as it stands`,
          detail: mismatch,
          guidance:
            'Nothing is synced for this project until Odoo and Plumbline agree on its company and currency. Fix it in Odoo (or the project currency in Plumbline); the next pull checks again and links it.',
        });
        return;
      }
      await resolveExceptionsFor(sp, 'project', match.id, CURRENCY_OR_COMPANY);
      const next = {
        odooId: row.id,
        odooAnalyticAccountId: accountId,
        odooSaleOrderId: saleOrderId,
        odooCustomerId:
          m2oId(row.partner_id) ?? (saleOrderId ? m2oId(sales.get(saleOrderId)?.partner_id) : null),
        odooCompanyId: companyId,
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
