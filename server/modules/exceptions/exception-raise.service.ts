import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { exceptions } from '@/db/schema';
import { maxSeverity, severityForAmount, type ExceptionSeverity } from './exception.calc';

/**
 * Raising and resolving exceptions, apart from the actions on them (exception.service.ts): anything
 * may raise an exception (the sync engine, drift checks, rules) without importing the sync engine,
 * which retrying one needs. This file imports nothing outside the database and its own module.
 */
export type ExceptionCategory = (typeof exceptions.$inferSelect)['category'];

export type RaiseExceptionInput = {
  category: ExceptionCategory;
  /** What went wrong, stable per kind of problem ('odoo_sync', 'insurance_expired'…): one open row per (record, cause). */
  cause: string;
  recordType: string;
  recordId: string;
  recordReference?: string | null;
  projectId?: string | null;
  amountAtStake?: string | null;
  title: string;
  detail: string;
  /** Plain words: what the person should do about it. */
  guidance: string;
  errorName?: string | null;
  ownerRole?: string;
  /** A floor for the amount-based severity (e.g. a broken connection blocks everything: 'high'). */
  minimumSeverity?: ExceptionSeverity;
};

/**
 * Opens an exception, or — when one is already open for the same (record, cause) — counts the repeat
 * on it (occurrences + 1, last_seen_at, latest detail) instead of adding a row, so finance sees one
 * line per problem however often it recurs. The partial unique index makes this hold under races.
 */
export async function raiseException(
  tx: DbOrTx,
  input: RaiseExceptionInput,
): Promise<{ id: string; occurrences: number }> {
  const severity = maxSeverity(severityForAmount(input.amountAtStake), input.minimumSeverity);
  const values = {
    category: input.category,
    cause: input.cause,
    severity,
    ownerRole: input.ownerRole ?? 'finance',
    recordType: input.recordType,
    recordId: input.recordId,
    recordReference: input.recordReference ?? null,
    projectId: input.projectId ?? null,
    amountAtStake: input.amountAtStake ?? null,
    title: input.title,
    detail: input.detail,
    guidance: input.guidance,
    errorName: input.errorName ?? null,
  };
  const [row] = await tx
    .insert(exceptions)
    .values(values)
    .onConflictDoUpdate({
      target: [exceptions.recordType, exceptions.recordId, exceptions.cause],
      targetWhere: sql`${exceptions.status} = 'open'`,
      set: {
        occurrences: sql`${exceptions.occurrences} + 1`,
        lastSeenAt: sql`now()`,
        severity,
        ownerRole: values.ownerRole,
        recordReference: values.recordReference,
        amountAtStake: values.amountAtStake,
        title: values.title,
        detail: values.detail,
        guidance: values.guidance,
        errorName: values.errorName,
        version: sql`${exceptions.version} + 1`,
      },
    })
    .returning({ id: exceptions.id, occurrences: exceptions.occurrences });
  if (!row) throw new Error('exception upsert returned no row');
  return row;
}

/** Closes the record's open exceptions (of one cause, or all) because their cause went away. */
export async function resolveExceptionsFor(
  tx: DbOrTx,
  recordType: string,
  recordId: string,
  cause?: string,
  resolution = 'Resolved automatically: the problem no longer occurs.',
): Promise<number> {
  const resolved = await tx
    .update(exceptions)
    .set({ status: 'resolved', resolvedAt: sql`now()`, resolution, version: sql`${exceptions.version} + 1` })
    .where(
      and(
        eq(exceptions.recordType, recordType),
        eq(exceptions.recordId, recordId),
        eq(exceptions.status, 'open'),
        cause === undefined ? undefined : eq(exceptions.cause, cause),
      ),
    )
    .returning({ id: exceptions.id });
  return resolved.length;
}
