import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projects, pullRuns } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { env } from '@/server/env';
import { DomainError } from '@/server/errors';
import { odooModeLabel } from '@/server/odoo/mode';
import {
  canSeeOdooAddress,
  createConfiguredOdooClient,
  describeStoredSecret,
  storedConnectionRow,
} from './odoo-config';
import { describeOdooError } from './odoo-error-text';

/** The admin screen's view: what is saved, what is in effect, the last test; never a secret. */
export async function getOdooConnectionView(db: DbOrTx, actor: Actor) {
  const row = await storedConnectionRow(db, actor.organisationId);
  const config = env();
  const stored = row
    ? {
        url: row.url,
        database: row.database,
        login: row.login,
        authMethod: row.authMethod,
        version: row.version,
        ...describeStoredSecret(row),
      }
    : null;
  return {
    mode: {
      ...odooModeLabel(),
      source: config.ODOO_URL
        ? ('environment' as const)
        : stored?.secretSet
          ? ('stored' as const)
          : ('none' as const),
    },
    environment: config.ODOO_URL
      ? {
          url: config.ODOO_URL,
          database: config.ODOO_DB ?? '',
          login: config.ODOO_LOGIN ?? '',
          authMethod: config.ODOO_API_KEY ? 'api_key' : 'password',
          secretSet: Boolean(config.ODOO_API_KEY ?? config.ODOO_PASSWORD),
        }
      : null,
    stored,
    lastTest: row?.lastTestedAt
      ? {
          testedAt: row.lastTestedAt,
          ok: row.lastTestOk ?? false,
          message: row.lastTestMessage ?? '',
          version: row.detectedVersion,
          transport: row.detectedTransport,
        }
      : null,
    mappings: row?.mappings ?? {},
  };
}

/** For every signed-in person: which Odoo, and when master data was last pulled. */
export async function getOdooStatus(db: DbOrTx, actor: Actor) {
  const [lastRun] = await db
    .select({
      id: pullRuns.id,
      status: pullRuns.status,
      startedAt: pullRuns.startedAt,
      finishedAt: pullRuns.finishedAt,
    })
    .from(pullRuns)
    .orderBy(desc(pullRuns.startedAt))
    .limit(1);
  const mode = odooModeLabel();
  // the host and database name are for administrators; everyone else learns only that Odoo is connected
  const shown =
    canSeeOdooAddress(actor) || !mode.configured || mode.simulated
      ? mode
      : { ...mode, text: 'Connected to Odoo.' };
  return { mode: shown, lastPull: lastRun ?? null };
}

type Option = { id: number; label: string };
const label = (...parts: unknown[]) => parts.filter((part) => typeof part === 'string' && part).join(' ');

/** The choices for each mapping, read live from Odoo. */
export async function listMappingOptions(db: DbOrTx, actor: Actor) {
  const configured = await createConfiguredOdooClient(db, actor.organisationId);
  if (!configured) throw new DomainError('ODOO_NOT_CONFIGURED', 'No Odoo connection is configured.');
  const { client, config } = configured;
  // Only the Odoo companies the organisation's projects belong to (learned by the pull): a demo
  // database has two companies whose journals carry identical labels (issue 14).
  const companyRows = await db
    .selectDistinct({ id: projects.odooCompanyId })
    .from(projects)
    .where(and(eq(projects.organisationId, actor.organisationId), isNotNull(projects.odooCompanyId)));
  const companyIds = companyRows.flatMap((r) => (r.id ? [r.id] : []));
  try {
    const major = (await client.version()).major;
    const accountCompany = major >= 18 ? 'company_ids' : 'company_id';
    const byCompany = (field: string) => (companyIds.length ? [[field, 'in', companyIds]] : []);
    const [accounts, journals, products, plans] = await Promise.all([
      client.searchReadAll('account.account', byCompany(accountCompany), ['code', 'name'], { order: 'code' }),
      client.searchReadAll(
        'account.journal',
        [['type', 'in', ['purchase', 'sale']], ...byCompany('company_id')],
        ['name', 'code', 'type', 'company_id'],
      ),
      client.searchReadAll('product.product', [], ['name', 'default_code'], { order: 'name' }),
      client.searchReadAll('account.analytic.plan', [], ['name']),
    ]);
    const companiesShown = new Set(
      journals.map((j) => (Array.isArray(j.company_id) ? j.company_id[0] : null)),
    );
    // with more than one company in the list, each label says whose journal it is
    const journalLabel = (r: Record<string, unknown>) =>
      label(
        r.name,
        r.code ? `(${String(r.code)})` : '',
        companiesShown.size > 1 && Array.isArray(r.company_id) ? `· ${String(r.company_id[1])}` : '',
      );
    const toOption = (
      rows: { id: number; [key: string]: unknown }[],
      fn: (row: Record<string, unknown>) => string,
    ): Option[] => rows.map((row) => ({ id: row.id, label: fn(row) }));
    return {
      accounts: toOption(accounts, (r) => label(r.code, r.name)),
      purchaseJournals: toOption(
        journals.filter((j) => j.type === 'purchase'),
        journalLabel,
      ),
      salesJournals: toOption(
        journals.filter((j) => j.type === 'sale'),
        journalLabel,
      ),
      products: toOption(products, (r) => label(r.default_code ? `[${String(r.default_code)}]` : '', r.name)),
      plans: toOption(plans, (r) => label(r.name)),
    };
  } catch (error) {
    throw new DomainError(
      'ODOO_UNAVAILABLE',
      describeOdooError(error, config, [config.apiKey, config.password]),
    );
  }
}
