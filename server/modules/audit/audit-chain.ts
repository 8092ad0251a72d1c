import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditPending, auditSeals } from '@/db/schema';
import { env } from '@/server/env';

/**
 * The audit trail's chain, kept off the approval path. recordAudit only inserts the event (a trigger
 * queues it in audit_pending); the worker's sealer, one at a time under an advisory lock, takes the
 * committed events in id order shortly after commit and appends one audit_seals row each:
 *
 * - `chain_seq`: gap-free position; `prev_hash`: the previous seal's hash;
 * - `hash`: SHA-256 over the canonical form (position, link and the event's content);
 * - `mac`: HMAC-SHA256 with AUDIT_HMAC_KEY over the previous seal's mac and the canonical form. The key
 *   never enters the database, so a database owner who rewrites an event and recomputes every later
 *   hash still cannot make the seals agree. `audit:verify` recomputes all of it in application code.
 *
 * The canonical form takes every value as PostgreSQL renders it as text (jsonb, uuid, timestamps); it
 * is the string the old in-row digest (audit_event_digest, migration 0001) hashed, so the chain
 * written before migration 0021 verifies as its prefix.
 */

/** Held by the sealer for its transaction: one writer at a time extends the chain. */
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

/** An event's content as the canonical form reads it (alias `e` for audit_events). */
export type AuditEventContent = Omit<CanonicalAuditRow, 'chainSeq' | 'prevHash'> & { id: number };

export const eventContentColumns: SQL = sql.raw(`
  e.id, e.actor_id::text AS "actorId", e.actor_role AS "actorRole", e.action, e.entity_type AS "entityType",
  e.entity_id AS "entityId", e.from_state AS "fromState", e.to_state AS "toState",
  e.changed_fields::text AS "changedFields", e.comment, e.correlation_id::text AS "correlationId",
  to_char(e.occurred_at AT TIME ZONE 'UTC', '${CANONICAL_TIMESTAMP_FORMAT}') AS "occurredAt"`);

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
  return createHmac('sha256', key)
    .update(`${previousSeal ?? NULL_MARK}|${canonical}`, 'utf8')
    .digest('hex');
}

export function sameHex(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The seal key (AUDIT_HMAC_KEY; a development default outside production). */
export function auditKey(): Buffer {
  const key = env().AUDIT_HMAC_KEY;
  if (!key)
    throw new Error(
      'AUDIT_HMAC_KEY is required in production: the worker seals the audit trail with it (keep it outside the database)',
    );
  return Buffer.from(key, 'utf8');
}

export type SealHead = { chainSeq: number; hash: string; mac: string | null };

/** The last seal: the chain's head (null when nothing is sealed yet). */
export async function sealHead(db: Pick<Db, 'execute'>): Promise<SealHead | null> {
  const result = await db.execute<{ chainSeq: string; hash: string; mac: string | null }>(
    sql`SELECT chain_seq::text AS "chainSeq", hash, mac FROM audit_seals ORDER BY chain_seq DESC LIMIT 1`,
  );
  const row = result.rows[0];
  return row ? { chainSeq: Number(row.chainSeq), hash: row.hash, mac: row.mac } : null;
}

/**
 * Seals what is committed and queued, in id order, up to `limit` events per call; returns how many.
 * Events of a transaction still open are not visible yet and are sealed by a later call (the chain's
 * order is the order of sealing). Safe to run from several workers: one holds the lock at a time.
 */
export async function sealAuditEvents(
  db: Db,
  options: { key?: Buffer; limit?: number } = {},
): Promise<number> {
  const key = options.key ?? auditKey();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    // statements after the lock: their snapshots see every seal committed before we got it
    const events = await tx.execute<AuditEventContent>(
      sql`SELECT ${eventContentColumns} FROM audit_pending p JOIN audit_events e ON e.id = p.event_id ORDER BY e.id LIMIT ${options.limit ?? 1_000}`,
    );
    if (events.rows.length === 0) return 0;
    let head = await sealHead(tx);
    const seals = events.rows.map((event) => {
      const chainSeq = (head?.chainSeq ?? 0) + 1;
      const prevHash = head?.hash ?? 'GENESIS';
      const canonical = canonicalAuditString({ ...event, chainSeq: String(chainSeq), prevHash });
      const seal = {
        chainSeq,
        eventId: Number(event.id),
        prevHash,
        hash: auditDigest(canonical),
        mac: auditSeal(key, head?.mac ?? null, canonical),
      };
      head = { chainSeq, hash: seal.hash, mac: seal.mac };
      return seal;
    });
    await tx.insert(auditSeals).values(seals);
    await tx.delete(auditPending).where(
      inArray(
        auditPending.eventId,
        seals.map((seal) => seal.eventId),
      ),
    );
    return seals.length;
  });
}

/** Seals until nothing committed is left (start script after seeding, tests, the worker's stop). */
export async function sealAllAuditEvents(db: Db, options: { key?: Buffer } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await sealAuditEvents(db, options);
    total += sealed;
    if (sealed === 0) return total;
  }
}
