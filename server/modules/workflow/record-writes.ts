import { and, eq, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Tx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';

/**
 * The two writes every approvable record (change order, claim, milestone) starts and ends with, one
 * helper each: its row locked for the write (a record of a project the actor cannot see is NOT_FOUND,
 * like an unknown id), and the compare-and-set on status and version that makes a concurrent change
 * a CONFLICT instead of a lost update.
 */
export type WorkflowTable = PgTable & {
  id: PgColumn;
  status: PgColumn;
  version: PgColumn;
  projectId: PgColumn;
  updatedAt: PgColumn;
};
type WorkflowRow = { id: string; status: string; version: number; projectId: string; reference: string };

/** Loads a record for a write, locked FOR UPDATE; unknown or out of the actor's scope → NOT_FOUND ("Claim not found."). */
export async function lockForUpdate<T extends WorkflowTable>(
  tx: Tx,
  table: T,
  actor: Actor,
  id: string,
  noun: string,
): Promise<InferSelectModel<T>> {
  const row = await lockRow(tx, table, id);
  if (!row) throw new DomainError('NOT_FOUND', `${noun} not found.`);
  await assertProjectVisible(tx, actor, (row as WorkflowRow).projectId);
  return row;
}

/** The record's row locked FOR UPDATE, or undefined (no scope check: for the system's own writes). */
export async function lockRow<T extends WorkflowTable>(
  tx: Tx,
  table: T,
  id: string,
): Promise<InferSelectModel<T> | undefined> {
  const [row] = (await tx
    .select()
    .from(table as PgTable)
    .where(eq(table.id, id))
    .for('update')) as InferSelectModel<T>[];
  return row;
}

/**
 * Compare-and-set: the update applies only if status and version are what the caller saw, and bumps
 * the version. Zero rows means someone else moved the record first → CONFLICT, with its reference.
 */
export async function compareAndSet<T extends WorkflowTable>(
  tx: Tx,
  table: T,
  row: InferSelectModel<T> & WorkflowRow,
  expectedVersion: number,
  changes: Partial<InferInsertModel<T>>,
): Promise<InferSelectModel<T>> {
  const set = { ...changes, version: row.version + 1, updatedAt: new Date() } as PgUpdateSetSource<T>;
  const [updated] = (await tx
    .update(table)
    .set(set)
    .where(and(eq(table.id, row.id), eq(table.status, row.status), eq(table.version, expectedVersion)))
    .returning()) as InferSelectModel<T>[];
  if (!updated)
    throw new DomainError(
      'CONFLICT',
      `${row.reference} was changed by someone else. Reload it and try again.`,
    );
  return updated;
}
