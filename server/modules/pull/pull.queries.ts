import { and, count, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { pullRunRecords, pullRuns, users } from '@/db/schema';
import {
  listFilters,
  listInputSchema,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';

const counted = (key: 'created' | 'updated' | 'unchanged' | 'failed') =>
  sql<number>`coalesce((SELECT sum((value->>${key})::int) FROM jsonb_each(${pullRuns.counts})), 0)::int`;

const runColumns = {
  startedAt: { sql: pullRuns.startedAt },
  trigger: { sql: pullRuns.trigger, filter: 'equals' },
  status: { sql: pullRuns.status, filter: 'equals' },
} satisfies ListColumns;

export type PullRunRow = {
  id: string;
  trigger: string;
  status: string;
  triggeredBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  error: string | null;
};

export async function listPullRuns(db: DbOrTx, input: ListInput): Promise<ListResult<PullRunRow>> {
  const where = listFilters(runColumns, input);
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: pullRuns.id,
      trigger: pullRuns.trigger,
      status: pullRuns.status,
      triggeredBy: users.name,
      startedAt: pullRuns.startedAt,
      finishedAt: pullRuns.finishedAt,
      created: counted('created'),
      updated: counted('updated'),
      unchanged: counted('unchanged'),
      failed: counted('failed'),
      error: pullRuns.error,
    })
    .from(pullRuns)
    .leftJoin(users, eq(users.id, pullRuns.triggeredById))
    .where(where)
    .orderBy(...listOrder(runColumns, input, [desc(pullRuns.startedAt), pullRuns.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(pullRuns).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

export async function getPullRun(db: DbOrTx, runId: string) {
  const [run] = await db
    .select({
      id: pullRuns.id,
      trigger: pullRuns.trigger,
      status: pullRuns.status,
      counts: pullRuns.counts,
      error: pullRuns.error,
      startedAt: pullRuns.startedAt,
      finishedAt: pullRuns.finishedAt,
      triggeredBy: users.name,
    })
    .from(pullRuns)
    .leftJoin(users, eq(users.id, pullRuns.triggeredById))
    .where(eq(pullRuns.id, runId));
  return run ?? null;
}

export const pullRunRecordsInput = listInputSchema.extend({ runId: idInput });

const recordColumns = {
  recordType: { sql: pullRunRecords.recordType, filter: 'equals' },
  odooModel: { sql: pullRunRecords.odooModel, filter: 'equals' },
  action: { sql: pullRunRecords.action, filter: 'equals' },
  odooId: { sql: pullRunRecords.odooId, filter: 'equals' },
  message: { sql: pullRunRecords.message, filter: 'contains' },
} satisfies ListColumns;

export type PullRunRecordRow = typeof pullRunRecords.$inferSelect;

export async function listPullRunRecords(
  db: DbOrTx,
  input: z.infer<typeof pullRunRecordsInput>,
): Promise<ListResult<PullRunRecordRow>> {
  const where = and(
    eq(pullRunRecords.pullRunId, input.runId),
    listFilters(recordColumns, input, ['message']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select()
    .from(pullRunRecords)
    .where(where)
    .orderBy(...listOrder(recordColumns, input, [pullRunRecords.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(pullRunRecords).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/** A record's pull history: the runs that created, updated or failed it, newest first. */
export async function recordPullHistory(db: DbOrTx, recordType: string, recordIds: string[]) {
  if (recordIds.length === 0) return [];
  return db
    .select({
      id: pullRunRecords.id,
      runId: pullRunRecords.pullRunId,
      recordType: pullRunRecords.recordType,
      recordId: pullRunRecords.recordId,
      action: pullRunRecords.action,
      changedFields: pullRunRecords.changedFields,
      message: pullRunRecords.message,
      at: pullRuns.startedAt,
    })
    .from(pullRunRecords)
    .innerJoin(pullRuns, eq(pullRuns.id, pullRunRecords.pullRunId))
    .where(
      and(
        sql`${pullRunRecords.recordType} = ${recordType}`,
        sql`${pullRunRecords.recordId} IN (${sql.join(
          recordIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      ),
    )
    .orderBy(desc(pullRunRecords.id))
    .limit(50);
}
