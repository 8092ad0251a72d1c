import { and, count, eq } from 'drizzle-orm';
import { desc } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { canSeeOdooAddress } from '@/server/modules/odoo-connection/odoo-config';
import { listFilters, listOrder, listPaging, type ListColumns, type ListInput } from '@/server/lib/list';

const columns = {
  occurredAt: { sql: auditEvents.occurredAt },
  action: { sql: auditEvents.action, filter: 'contains' },
  entityType: { sql: auditEvents.entityType, filter: 'equals' },
  entityId: { sql: auditEvents.entityId, filter: 'equals' },
  actorName: { sql: users.name, filter: 'contains' },
} satisfies ListColumns;

/** Odoo's address (URL, database, login) is for administrators: other readers of the log see that it changed. */
const ODOO_ADDRESS_FIELDS = new Set(['url', 'database', 'login']);

function redactForReader<T extends { entityType: string; changedFields: unknown }>(row: T, actor: Actor): T {
  if (
    row.entityType !== 'odoo_connection' ||
    canSeeOdooAddress(actor) ||
    !row.changedFields ||
    typeof row.changedFields !== 'object'
  )
    return row;
  const changedFields = Object.fromEntries(
    Object.entries(row.changedFields as Record<string, unknown>).map(([field, change]) =>
      ODOO_ADDRESS_FIELDS.has(field) ? [field, { old: '[hidden]', new: '[hidden]' }] : [field, change],
    ),
  );
  return { ...row, changedFields };
}

export async function listAuditEvents(db: DbOrTx, actor: Actor, input: ListInput) {
  const where = listFilters(columns, input, ['action', 'actorName']);
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      action: auditEvents.action,
      entityType: auditEvents.entityType,
      entityId: auditEvents.entityId,
      actorName: users.name,
      actorRole: auditEvents.actorRole,
      fromState: auditEvents.fromState,
      toState: auditEvents.toState,
      changedFields: auditEvents.changedFields,
      comment: auditEvents.comment,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(where)
    .orderBy(...listOrder(columns, input, [desc(auditEvents.chainSeq)]))
    .limit(limit)
    .offset(offset);
  const [total] = await db
    .select({ n: count() })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(where));
  return {
    rows: rows.map((row) => redactForReader(row, actor)),
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}
