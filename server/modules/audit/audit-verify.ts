import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

export type AuditVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenId: number; chainSeq: number; reason: string };

/**
 * Recomputes the chain in the database with the same digest function the insert trigger uses, so
 * the two can never disagree on canonical form. Reports the first row whose hash, link or position
 * does not hold: an edited row, a removed row or a reordered one.
 */
export async function verifyAuditChain(db: DbOrTx): Promise<AuditVerification> {
  const result = await db.execute<{
    id: number;
    chain_seq: number;
    hash_ok: boolean;
    link_ok: boolean;
    seq_ok: boolean;
    total: number;
  }>(sql`
    WITH chain AS (
      SELECT a.id, a.chain_seq,
             a.hash = audit_event_digest(a) AS hash_ok,
             a.prev_hash = coalesce(lag(a.hash) OVER w, 'GENESIS') AS link_ok,
             a.chain_seq = row_number() OVER w AS seq_ok
      FROM audit_events a
      WINDOW w AS (ORDER BY a.chain_seq)
    )
    SELECT id, chain_seq, hash_ok, link_ok, seq_ok, (SELECT count(*) FROM audit_events)::int AS total
    FROM chain
    WHERE NOT (hash_ok AND link_ok AND seq_ok)
    ORDER BY chain_seq
    LIMIT 1
  `);
  const broken = result.rows[0];
  if (!broken) {
    const count = await db.execute<{ total: number }>(sql`SELECT count(*)::int AS total FROM audit_events`);
    return { ok: true, checked: count.rows[0]?.total ?? 0 };
  }
  const reason = !broken.hash_ok
    ? 'row contents do not match its hash (edited)'
    : !broken.link_ok
      ? 'previous-hash link broken (a row before it was edited or removed)'
      : 'chain position out of sequence (a row was removed)';
  return { ok: false, checked: broken.total, brokenId: broken.id, chainSeq: broken.chain_seq, reason };
}
