import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import {
  odooUnlinkedRecords,
  pullCursors,
  pullRunRecords,
  type OdooMappings,
  type PullCounts,
} from '@/db/schema';
import type { OdooClient } from '@/server/odoo/client';
import type { OdooFieldNames } from '@/server/odoo/field-names';
import { diffFields, type ChangedFields } from '@/server/modules/audit/audit.service';

/** What every pull step shares: the run, the Odoo client and what it knows, the counts so far. */
export type PullContext = {
  db: Db;
  odoo: OdooClient;
  runId: string;
  organisationId: string;
  version: number;
  fields: OdooFieldNames;
  mappings: OdooMappings;
  counts: PullCounts;
  /** PO lines already mirrored by the purchase.order step of this run (the line step skips them). */
  seenPurchaseLines: Set<number>;
};

type Outcome = 'created' | 'updated' | 'unchanged' | 'failed';

/** Counts per Odoo model, and one pull_run_records row per created, updated or failed record. */
export function recorder(ctx: PullContext, odooModel: string) {
  ctx.counts[odooModel] ??= { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const counts = ctx.counts[odooModel];
  const note = async (
    tx: DbOrTx,
    action: Exclude<Outcome, 'unchanged'>,
    entry: {
      recordType: string;
      recordId: string | null;
      odooId: number;
      changedFields?: ChangedFields;
      message?: string;
      model?: string;
    },
  ) => {
    counts[action] += 1;
    await tx.insert(pullRunRecords).values({
      pullRunId: ctx.runId,
      recordType: entry.recordType,
      recordId: entry.recordId,
      odooModel: entry.model ?? odooModel,
      odooId: entry.odooId,
      action,
      changedFields:
        entry.changedFields && Object.keys(entry.changedFields).length > 0 ? entry.changedFields : null,
      message: entry.message ?? null,
    });
  };
  return {
    counts,
    note,
    unchanged: () => void (counts.unchanged += 1),
    failed: (
      tx: DbOrTx,
      entry: { recordType: string; recordId: string | null; odooId: number; message: string },
    ) => note(tx, 'failed', entry),
  };
}
export type Recorder = ReturnType<typeof recorder>;

/**
 * Creates or updates one mirrored row, comparing only the fields Odoo owns. Unchanged rows are
 * counted, not written to the history (their last_pulled_at is refreshed by `touch`).
 */
export async function mirror<T extends Record<string, unknown>>(
  tx: DbOrTx,
  rec: Recorder,
  args: {
    recordType: string;
    odooId: number;
    existing: ({ id: string } & Record<string, unknown>) | undefined;
    next: T;
    insert: () => Promise<string>;
    update: (id: string) => Promise<void>;
    touch?: (id: string) => Promise<void>;
  },
): Promise<{ id: string; outcome: Outcome }> {
  if (!args.existing) {
    const id = await args.insert();
    await rec.note(tx, 'created', {
      recordType: args.recordType,
      recordId: id,
      odooId: args.odooId,
      changedFields: diffFields({}, args.next),
    });
    return { id, outcome: 'created' };
  }
  const changed = diffFields(args.existing, args.next);
  if (Object.keys(changed).length === 0) {
    rec.unchanged();
    await args.touch?.(args.existing.id);
    return { id: args.existing.id, outcome: 'unchanged' };
  }
  await args.update(args.existing.id);
  await rec.note(tx, 'updated', {
    recordType: args.recordType,
    recordId: args.existing.id,
    odooId: args.odooId,
    changedFields: changed,
  });
  return { id: args.existing.id, outcome: 'updated' };
}

/** Odoo datetimes are UTC "YYYY-MM-DD HH:MM:SS". */
export function parseOdooDateTime(value: unknown): Date | null {
  return typeof value === 'string' && value ? new Date(`${value.replace(' ', 'T')}Z`) : null;
}

export function formatOdooDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The write_date leaf for an incremental read (none on the first run). `>=`, not `>`: Odoo stamps to
 * the second, so a record written in the same second as the last one seen must be read again; it
 * then counts as unchanged.
 */
export async function cursorDomain(db: DbOrTx, odooModel: string): Promise<unknown[][]> {
  const [row] = await db
    .select({ at: pullCursors.lastWriteDate })
    .from(pullCursors)
    .where(eq(pullCursors.odooModel, odooModel));
  return row?.at ? [['write_date', '>=', formatOdooDateTime(row.at)]] : [];
}

export async function advanceCursor(
  tx: DbOrTx,
  odooModel: string,
  records: Record<string, unknown>[],
): Promise<void> {
  const latest = records
    .map((r) => parseOdooDateTime(r.write_date))
    .reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
  if (!latest) return;
  await tx
    .insert(pullCursors)
    .values({ odooModel, lastWriteDate: latest })
    .onConflictDoUpdate({
      target: pullCursors.odooModel,
      set: {
        lastWriteDate: sql`greatest(${pullCursors.lastWriteDate}, excluded.last_write_date)`,
        updatedAt: new Date(),
      },
    });
}

/** Many2one values arrive as [id, name] or false. */
export function m2oId(value: unknown): number | null {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : null;
}

export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** Per-record isolation: a record that fails is recorded as failed and the step goes on. */
export async function eachRecord<T extends { id: number }>(
  tx: DbOrTx,
  rec: Recorder,
  recordType: string,
  records: T[],
  fn: (record: T, tx: DbOrTx) => Promise<void>,
): Promise<void> {
  for (const record of records) {
    try {
      await (tx as Db).transaction(async (savepoint) => fn(record, savepoint));
    } catch (error) {
      await rec.failed(tx, {
        recordType,
        recordId: null,
        odooId: record.id,
        message: error instanceof Error ? error.message.slice(0, 500) : 'failed',
      });
    }
  }
}

/** Only the fields this Odoo has (modules and versions differ), asked once per model per run. */
export async function availableFields(odoo: OdooClient, model: string, wanted: string[]): Promise<string[]> {
  const all = await odoo.call<Record<string, unknown>>(model, 'fields_get', {
    params: { attributes: ['type'] },
  });
  return wanted.filter((name) => name in all);
}

/**
 * An Odoo record that belongs to no Plumbline project: kept once in odoo_unlinked_records (the setup
 * page lists it with its reason), neither a failed record of the run nor an exception — most Odoo
 * databases hold projects and POs Plumbline has nothing to do with (issue 14).
 */
export async function noteUnlinked(
  tx: DbOrTx,
  ctx: Pick<PullContext, 'organisationId'>,
  entry: { odooModel: string; odooId: number; name: string; reason: string },
): Promise<void> {
  await tx
    .insert(odooUnlinkedRecords)
    .values({ organisationId: ctx.organisationId, ...entry })
    .onConflictDoUpdate({
      target: [odooUnlinkedRecords.organisationId, odooUnlinkedRecords.odooModel, odooUnlinkedRecords.odooId],
      set: { name: entry.name, reason: entry.reason, lastSeenAt: new Date() },
    });
}

/** The record is linked now: it leaves the "not linked" list. */
export async function clearUnlinked(
  tx: DbOrTx,
  ctx: Pick<PullContext, 'organisationId'>,
  odooModel: string,
  odooId: number,
): Promise<void> {
  await tx
    .delete(odooUnlinkedRecords)
    .where(
      and(
        eq(odooUnlinkedRecords.organisationId, ctx.organisationId),
        eq(odooUnlinkedRecords.odooModel, odooModel),
        eq(odooUnlinkedRecords.odooId, odooId),
      ),
    );
}
