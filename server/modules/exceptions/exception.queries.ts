import { and, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { exceptions, projects, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { projectScope, seesAllProjects } from '@/server/auth/policy';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import { findVisibleRecord } from '@/server/sync/record-access';
import type { AgeBucket } from './exception.calc';
import type { RecordRefInput } from './exception.schemas';

export const ageBucket = sql<AgeBucket>`CASE
  WHEN now() - ${exceptions.firstSeenAt} < interval '1 day' THEN 'under_1d'
  WHEN now() - ${exceptions.firstSeenAt} < interval '3 days' THEN '1_3d'
  WHEN now() - ${exceptions.firstSeenAt} < interval '7 days' THEN '3_7d'
  ELSE 'over_7d' END`;

const columns = {
  title: { sql: exceptions.title, filter: 'contains' },
  recordReference: { sql: exceptions.recordReference, filter: 'contains' },
  category: { sql: exceptions.category, filter: 'equals' },
  // an enum sorts in declaration order: low < medium < high < critical
  severity: { sql: exceptions.severity, filter: 'equals' },
  status: { sql: exceptions.status, filter: 'equals' },
  projectId: { sql: exceptions.projectId, filter: 'equals' },
  ageBucket: { sql: ageBucket, filter: 'equals' },
  firstSeenAt: { sql: exceptions.firstSeenAt },
  lastSeenAt: { sql: exceptions.lastSeenAt },
  occurrences: { sql: exceptions.occurrences },
  amountAtStake: { sql: exceptions.amountAtStake },
  ownerRole: { sql: exceptions.ownerRole, filter: 'equals' },
  assigneeId: { sql: exceptions.assigneeId, filter: 'equals' },
  cause: { sql: exceptions.cause, filter: 'equals' },
} satisfies ListColumns;

const rowFields = {
  id: exceptions.id,
  category: exceptions.category,
  cause: exceptions.cause,
  severity: exceptions.severity,
  status: exceptions.status,
  ownerRole: exceptions.ownerRole,
  recordType: exceptions.recordType,
  recordId: exceptions.recordId,
  recordReference: exceptions.recordReference,
  projectId: exceptions.projectId,
  projectCode: projects.code,
  amountAtStake: exceptions.amountAtStake,
  title: exceptions.title,
  detail: exceptions.detail,
  guidance: exceptions.guidance,
  errorName: exceptions.errorName,
  occurrences: exceptions.occurrences,
  firstSeenAt: exceptions.firstSeenAt,
  lastSeenAt: exceptions.lastSeenAt,
  resolvedAt: exceptions.resolvedAt,
  resolution: exceptions.resolution,
  ageBucket,
  assigneeId: exceptions.assigneeId,
  assigneeName: users.name,
  version: exceptions.version,
};

export type ExceptionRow = {
  id: string;
  category: 'sync_failure' | 'rule_breach' | 'pull_mapping' | 'reconciliation_drift';
  cause: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: 'open' | 'resolved' | 'dismissed';
  ownerRole: string;
  recordType: string;
  recordId: string;
  recordReference: string | null;
  projectId: string | null;
  projectCode: string | null;
  amountAtStake: string | null;
  title: string;
  detail: string;
  guidance: string;
  errorName: string | null;
  occurrences: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
  ageBucket: AgeBucket;
  assigneeId: string | null;
  assigneeName: string | null;
  version: number;
};

/**
 * Exceptions the actor may see: those of projects in their scope (and organisation), plus
 * organisation-wide ones (no project) for the roles that see every project.
 */
export function visibleTo(actor: Actor): SQL {
  const ofVisibleProject = sql`${exceptions.projectId} IN (SELECT ${projects.id} FROM ${projects} WHERE ${projects.organisationId} = ${actor.organisationId} AND ${projectScope(actor, projects.id)})`;
  return seesAllProjects(actor)
    ? (or(isNull(exceptions.projectId), ofVisibleProject) as SQL)
    : ofVisibleProject;
}

/** Finance's queue: server-side filters by category, project, age bucket, status, severity. */
export async function listExceptions(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<ExceptionRow>> {
  const where = and(visibleTo(actor), listFilters(columns, input, ['title', 'recordReference']));
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select(rowFields)
    .from(exceptions)
    .leftJoin(projects, eq(projects.id, exceptions.projectId))
    .leftJoin(users, eq(users.id, exceptions.assigneeId))
    .where(where)
    // default: worst first, then oldest
    .orderBy(...listOrder(columns, input, [desc(exceptions.severity), exceptions.firstSeenAt, exceptions.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(exceptions).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/** One record's exceptions, newest first (open and closed); NOT_FOUND for a record the actor cannot see. */
export async function listExceptionsForRecord(
  db: DbOrTx,
  actor: Actor,
  input: RecordRefInput,
): Promise<ExceptionRow[]> {
  const { recordType, recordId } = input;
  await findVisibleRecord(db, actor, recordType, recordId);
  return db
    .select(rowFields)
    .from(exceptions)
    .leftJoin(projects, eq(projects.id, exceptions.projectId))
    .leftJoin(users, eq(users.id, exceptions.assigneeId))
    .where(and(visibleTo(actor), eq(exceptions.recordType, recordType), eq(exceptions.recordId, recordId)))
    .orderBy(desc(exceptions.lastSeenAt), exceptions.id)
    .limit(100);
}
