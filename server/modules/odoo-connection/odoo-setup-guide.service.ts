import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { costCodes, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError, isDomainError } from '@/server/errors';
import type { OdooClient } from '@/server/odoo/client';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { enqueuePull } from '@/server/modules/pull/pull.task';
import { createConfiguredOdooClient, readOdooMappings, type ResolvedOdooConfig } from './odoo-config';
import type { SetupRecordInput } from './odoo-connection.schemas';
import { saveOdooMappings } from './odoo-connection.service';
import { describeOdooError } from './odoo-error-text';
import { SETUP_STEPS } from './odoo-setup-steps';

/** What a create would send to Odoo, shown to the administrator before anything is written. */
export type SetupPreview = {
  kind: SetupRecordInput['kind'];
  title: string;
  odooModel: string;
  /** One line per thing that will exist in Odoo afterwards, in the words of Odoo's forms. */
  lines: string[];
  /** Which Plumbline setting it fills (none for the cost-code accounts: they are matched by code). */
  mapping: string | null;
};
type Plan = SetupPreview & { create: Record<string, unknown>[] };

/** The account type each retention account gets (Odoo 16+'s `account_type` selection). */
export const RETENTION_ACCOUNT_TYPES = {
  retentionPayableAccountId: { type: 'liability_current', label: 'Current Liabilities' },
  retentionReceivableAccountId: { type: 'asset_current', label: 'Current Assets' },
} as const;

/** The organisation's cost codes, one per code (projects share codes; the plan holds one account per code). */
export async function distinctCostCodes(db: DbOrTx, organisationId: string) {
  const rows = await db
    .selectDistinctOn([costCodes.code], { code: costCodes.code, name: costCodes.name })
    .from(costCodes)
    .innerJoin(projects, eq(projects.id, costCodes.projectId))
    .where(eq(projects.organisationId, organisationId))
    .orderBy(costCodes.code);
  return rows;
}

/** The Odoo companies the organisation's projects belong to (learned by the pull). */
export async function projectCompanies(db: DbOrTx, organisationId: string): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: projects.odooCompanyId })
    .from(projects)
    .where(and(eq(projects.organisationId, organisationId), isNotNull(projects.odooCompanyId)));
  return rows.flatMap((r) => (r.id ? [r.id] : []));
}

const refuse = (field: string, message: string) => new DomainError('VALIDATION', message, { field });

/**
 * The one place that decides what a setup create sends to Odoo; the preview shows it and the create
 * recomputes it, so what is confirmed is what is written. Refusals Odoo would make (a code already
 * used, a name taken) are found first and named on their field.
 */
async function planSetupRecord(
  db: DbOrTx,
  odoo: OdooClient,
  input: SetupRecordInput,
  actor: Actor,
): Promise<Plan> {
  const mapping = input.kind === 'costCodeAccounts' ? null : SETUP_STEPS[input.kind].label;
  switch (input.kind) {
    case 'retentionPayableAccountId':
    case 'retentionReceivableAccountId': {
      const type = RETENTION_ACCOUNT_TYPES[input.kind];
      const clash = await odoo.searchRead('account.account', [['code', '=', input.code]], ['code', 'name'], {
        limit: 1,
      });
      if (clash[0])
        throw refuse(
          'code',
          `Odoo already has account ${input.code} "${String(clash[0].name)}". Choose it under "Use an existing one", or enter a free code.`,
        );
      const companies = await projectCompanies(db, actor.organisationId);
      if (companies.length > 1)
        throw refuse(
          'code',
          'Your projects are in more than one Odoo company: create this account in Odoo (one per company) and choose it here.',
        );
      const major = (await odoo.version()).major;
      const company = companies[0]
        ? major >= 18
          ? { company_ids: [[6, 0, companies]] }
          : { company_id: companies[0] }
        : {};
      return {
        kind: input.kind,
        title: `Create the ${SETUP_STEPS[input.kind].label.toLowerCase()}`,
        odooModel: 'account.account',
        lines: [
          `Account ${input.code} ${input.name}`,
          `Type: ${type.label}`,
          companies[0]
            ? `Company: the projects' Odoo company (id ${companies[0]})`
            : "Company: the Odoo user's current company",
        ],
        mapping,
        create: [
          { code: input.code, name: input.name, account_type: type.type, reconcile: false, ...company },
        ],
      };
    }
    case 'changeOrderProductId': {
      const clash = await odoo.search('product.product', [['name', '=', input.name]], { limit: 1 });
      if (clash[0] !== undefined)
        throw refuse(
          'name',
          `Odoo already has a product named "${input.name}". Choose it under "Use an existing one", or enter another name.`,
        );
      const code = input.internalReference?.trim() || null;
      return {
        kind: input.kind,
        title: 'Create the change-order product',
        odooModel: 'product.product',
        lines: [
          `Product "${input.name}"${code ? ` [${code}]` : ''}`,
          'Type: Service, can be sold and purchased',
          'Used on every change-order line Plumbline adds to a sale or purchase order',
        ],
        mapping,
        create: [
          {
            name: input.name,
            type: 'service',
            sale_ok: true,
            purchase_ok: true,
            ...(code ? { default_code: code } : {}),
          },
        ],
      };
    }
    case 'costCodePlanId': {
      const clash = await odoo.search('account.analytic.plan', [['name', '=', input.name]], { limit: 1 });
      if (clash[0] !== undefined)
        throw refuse(
          'name',
          `Odoo already has an analytic plan named "${input.name}". Choose it under "Use an existing one", or enter another name.`,
        );
      const codes = await distinctCostCodes(db, actor.organisationId);
      return {
        kind: input.kind,
        title: 'Create the cost-code analytic plan',
        odooModel: 'account.analytic.plan',
        lines: [
          `Analytic plan "${input.name}"`,
          ...codes.map((c) => `Analytic account ${c.code} · ${c.name}`),
        ],
        mapping,
        // one call: the plan with its accounts (account_ids commands) is one Odoo transaction
        create: [{ name: input.name, account_ids: codes.map((c) => [0, 0, { name: c.name, code: c.code }]) }],
      };
    }
    case 'costCodeAccounts': {
      const planId = (await readOdooMappings(db, actor.organisationId)).costCodePlanId;
      if (!planId) throw refuse('kind', 'Choose or create the cost-code analytic plan first.');
      const existing = await odoo.searchRead(
        'account.analytic.account',
        [['plan_id', '=', planId]],
        ['code'],
      );
      const have = new Set(existing.map((a) => a.code));
      const missing = (await distinctCostCodes(db, actor.organisationId)).filter((c) => !have.has(c.code));
      if (missing.length === 0)
        throw refuse('kind', 'Every Plumbline cost code already has its analytic account in the plan.');
      return {
        kind: input.kind,
        title: 'Create the missing cost-code analytic accounts',
        odooModel: 'account.analytic.account',
        lines: missing.map((c) => `Analytic account ${c.code} · ${c.name}`),
        mapping,
        create: missing.map((c) => ({ name: c.name, code: c.code, plan_id: planId })),
      };
    }
  }
}

async function withOdoo<T>(db: DbOrTx, actor: Actor, fn: (odoo: OdooClient) => Promise<T>): Promise<T> {
  const configured = await createConfiguredOdooClient(db, actor.organisationId);
  if (!configured)
    throw new DomainError(
      'ODOO_NOT_CONFIGURED',
      'No Odoo connection is configured: save one on Admin → Odoo first.',
    );
  try {
    return await fn(configured.client);
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw odooRefusal(error, configured.config);
  }
}

function odooRefusal(error: unknown, config: ResolvedOdooConfig): DomainError {
  return new DomainError(
    'ODOO_UNAVAILABLE',
    describeOdooError(error, config, [config.apiKey, config.password]),
  );
}

export async function previewSetupRecord(
  db: Db,
  input: SetupRecordInput,
  actor: Actor,
): Promise<SetupPreview> {
  return withOdoo(db, actor, async (odoo) => {
    const { create: _create, ...preview } = await planSetupRecord(db, odoo, input, actor);
    return preview;
  });
}

/**
 * Creates what the preview showed (recomputed, so a record made meanwhile is refused, not doubled) in
 * one Odoo call, then chooses it as the setting (saveOdooMappings, audited) and records the creation
 * (`odoo.setup.create`). Odoo writes one call atomically; if Plumbline's save then fails, the next
 * preview finds the record by its code or name and says to choose it — nothing is created twice.
 */
export async function createSetupRecord(db: Db, input: SetupRecordInput, actor: Actor) {
  const { plan, ids } = await withOdoo(db, actor, async (odoo) => {
    const plan = await planSetupRecord(db, odoo, input, actor);
    const ids =
      plan.create.length === 1
        ? [await odoo.create(plan.odooModel, plan.create[0]!)]
        : await odoo.createMany(plan.odooModel, plan.create);
    return { plan, ids };
  });
  if (input.kind !== 'costCodeAccounts') await saveOdooMappings(db, { [input.kind]: ids[0]! }, actor);
  await db.transaction(async (tx) => {
    // cost codes are linked to their new analytic accounts by the pull (matched by code)
    if (input.kind === 'costCodePlanId' || input.kind === 'costCodeAccounts')
      await enqueuePull(tx, { trigger: 'manual', triggeredById: actor.id });
    await recordAudit(tx, {
      actor,
      action: 'odoo.setup.create',
      entityType: 'odoo_setup',
      entityId: input.kind,
      changedFields: { [plan.odooModel]: { old: null, new: { ids, created: plan.lines } } },
    });
  });
  return { ...withoutCreate(plan), ids };
}

function withoutCreate({ create: _create, ...preview }: Plan): SetupPreview {
  return preview;
}
