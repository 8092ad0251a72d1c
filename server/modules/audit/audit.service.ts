import { sql } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import { AUDIT_CHAIN_LOCK, CANONICAL_TIMESTAMP_FORMAT, auditKey, auditSeal, canonicalAuditString } from './audit-chain';
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
 * change commit or roll back together. Under the chain lock it reads the head, seals the new row with
 * the application's key (audit-chain.ts) and inserts it; the database trigger assigns the position and
 * the unkeyed hash, and must agree with the position sealed here.
 */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<{ id: number }> {
  // the lock lives until commit: handed the pool, open the transaction here
  if ('$client' in tx) return tx.transaction((inner) => recordAudit(inner, input));
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const changedFields = input.changedFields && Object.keys(input.changedFields).length > 0 ? input.changedFields : null;
  // a statement after the lock: its snapshot sees every chain row committed before we got the lock
  const head = await tx.execute<{
    chainSeq: string | null;
    hash: string | null;
    mac: string | null;
    occurredAt: string;
    actorId: string | null;
    changedFields: string | null;
    correlationId: string | null;
  }>(sql`
    SELECT last.chain_seq::text AS "chainSeq", last.hash, last.mac,
           to_char(now() AT TIME ZONE 'UTC', ${CANONICAL_TIMESTAMP_FORMAT}) AS "occurredAt",
           ${input.actor.id}::uuid::text AS "actorId",
           ${changedFields === null ? null : JSON.stringify(changedFields)}::jsonb::text AS "changedFields",
           ${input.correlationId ?? null}::uuid::text AS "correlationId"
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT chain_seq, hash, mac FROM audit_events ORDER BY chain_seq DESC NULLS LAST LIMIT 1) AS last ON true
  `);
  const rendered = head.rows[0];
  if (!rendered) throw new Error('audit head query returned no row');
  const chainSeq = String(Number(rendered.chainSeq ?? '0') + 1);
  const canonical = canonicalAuditString({
    chainSeq,
    prevHash: rendered.hash ?? 'GENESIS',
    actorId: rendered.actorId,
    actorRole: input.actor.role,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    fromState: input.fromState ?? null,
    toState: input.toState ?? null,
    changedFields: rendered.changedFields,
    comment: input.comment ?? null,
    correlationId: rendered.correlationId,
    occurredAt: rendered.occurredAt,
  });
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
      changedFields,
      comment: input.comment ?? null,
      correlationId: input.correlationId ?? null,
      mac: auditSeal(auditKey(), rendered.mac, canonical),
    })
    .returning({ id: auditEvents.id, chainSeq: auditEvents.chainSeq });
  if (!row) throw new Error('audit insert returned no row');
  if (String(row.chainSeq) !== chainSeq) throw new Error(`audit chain position ${row.chainSeq} differs from the sealed ${chainSeq}`);
  return { id: row.id };
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
