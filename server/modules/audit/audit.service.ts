import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';

export type ChangedFields = Record<string, { old: unknown; new: unknown }>;

export type AuditInput = {
  actor: Actor | { id: null; role: 'system' };
  action: string;
  entityType: string;
  entityId: string;
  fromState?: string | null;
  toState?: string | null;
  changedFields?: ChangedFields | null;
  comment?: string | null;
  correlationId?: string | null;
};

/**
 * Appends one audit row. Call it inside the transaction that makes the change, so the row and the
 * change commit or roll back together. No lock and no key here: a trigger queues the row and the
 * worker seals it into the chain shortly after commit (audit-chain.ts), so approvals on different
 * records commit in parallel.
 */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<{ id: number }> {
  const [row] = await tx
    .insert(auditEvents)
    .values({
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      fromState: input.fromState ?? null,
      toState: input.toState ?? null,
      changedFields:
        input.changedFields && Object.keys(input.changedFields).length > 0 ? input.changedFields : null,
      comment: input.comment ?? null,
      correlationId: input.correlationId ?? null,
    })
    .returning({ id: auditEvents.id });
  if (!row) throw new Error('audit insert returned no row');
  return row;
}

/** The fields whose values differ, with old and new values; secrets must be masked by the caller. */
export function diffFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): ChangedFields {
  const changed: ChangedFields = {};
  for (const key of Object.keys(after)) {
    const oldValue = before[key];
    const newValue = after[key];
    if (newValue !== undefined && JSON.stringify(oldValue) !== JSON.stringify(newValue)) {
      changed[key] = { old: oldValue ?? null, new: newValue };
    }
  }
  return changed;
}
