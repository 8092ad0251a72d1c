import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { env } from '@/server/env';

/**
 * The audit trail's two chains, both over one canonical form of a row:
 *
 * - `hash`: SHA-256 over the canonical form (which includes the previous row's hash), computed by the
 *   database trigger (migration 0001). It orders and links the rows; anyone can recompute it.
 * - `mac`: HMAC-SHA256 with AUDIT_HMAC_KEY over the previous row's seal and the canonical form,
 *   computed here, in the application, before the insert. The key never enters the database, so a
 *   database owner who rewrites a row and recomputes every later `hash` still cannot make the seals
 *   agree; `audit:verify` recomputes both in application code.
 *
 * The canonical form takes every value as PostgreSQL renders it as text (jsonb, uuid, timestamps), so
 * the trigger's digest and this module agree byte for byte.
 */

/** Taken by recordAudit and by the chain trigger: one writer at a time extends the chain, until commit. */
export const AUDIT_CHAIN_LOCK = 724100117;

/** One row as the canonical form reads it: every value as PostgreSQL's text, null as null. */
export type CanonicalAuditRow = {
  chainSeq: string;
  prevHash: string | null;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string;
  fromState: string | null;
  toState: string | null;
  changedFields: string | null;
  comment: string | null;
  correlationId: string | null;
  occurredAt: string;
};

/** The timestamp rendering of the canonical form (and of audit_event_digest). */
export const CANONICAL_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US';

/** The columns of audit_events rendered for the canonical form (audit:verify reads rows through it). */
export const canonicalColumns: SQL = sql.raw(`
  id, chain_seq::text AS "chainSeq", prev_hash AS "prevHash", actor_id::text AS "actorId",
  actor_role AS "actorRole", action, entity_type AS "entityType", entity_id AS "entityId",
  from_state AS "fromState", to_state AS "toState", changed_fields::text AS "changedFields",
  comment, correlation_id::text AS "correlationId",
  to_char(occurred_at AT TIME ZONE 'UTC', '${CANONICAL_TIMESTAMP_FORMAT}') AS "occurredAt", hash, mac`);

const NULL_MARK = '\\N';

/** Exactly the string audit_event_digest (migration 0001) hashes. */
export function canonicalAuditString(row: CanonicalAuditRow): string {
  const orNull = (value: string | null) => value ?? NULL_MARK;
  return [
    row.chainSeq,
    orNull(row.prevHash),
    orNull(row.actorId),
    orNull(row.actorRole),
    row.action,
    row.entityType,
    row.entityId,
    orNull(row.fromState),
    orNull(row.toState),
    orNull(row.changedFields),
    orNull(row.comment),
    orNull(row.correlationId),
    row.occurredAt,
  ].join('|');
}

export function auditDigest(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function auditSeal(key: Buffer, previousSeal: string | null, canonical: string): string {
  return createHmac('sha256', key).update(`${previousSeal ?? NULL_MARK}|${canonical}`, 'utf8').digest('hex');
}

export function sameHex(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The seal key (AUDIT_HMAC_KEY; a development default outside production). */
export function auditKey(): Buffer {
  return Buffer.from(env().AUDIT_HMAC_KEY, 'utf8');
}
