import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditDigest, auditSeal, canonicalAuditString, canonicalColumns, sameHex, type CanonicalAuditRow } from './audit-chain';
import type { AuditAnchor } from './audit-anchor';

export type AuditVerification =
  | { ok: true; checked: number; sealed: number; unsealed: number; anchor: AnchorVerdict }
  | { ok: false; checked: number; brokenId: number | null; chainSeq: number; reason: string };

/** What the anchor outside the database said: `none` when no anchor was given or none was written yet. */
export type AnchorVerdict = { status: 'none' } | { status: 'matched'; chainSeq: number; anchoredAt: string };

type ChainRow = CanonicalAuditRow & { id: number; hash: string | null; mac: string | null };

const BATCH = 5_000;

/**
 * Recomputes the whole trail in application code, from the rows as PostgreSQL renders them:
 * position (gap-free from 1), link (each row names the previous row's hash), content hash, and the
 * keyed seal (HMAC with AUDIT_HMAC_KEY, which the database never holds). A row rewritten with every
 * later hash recomputed fails its seal; rows removed in the middle break the positions. With the
 * anchor (DATA_DIR/audit-anchors, written by the worker), a deletion of the newest rows and a
 * truncation are named too: the anchored head must still be there, unchanged.
 *
 * Rows written before the seal existed (migration 0021) carry no seal: they are accepted only as a
 * prefix of the chain, linked into the sealed rows by hash.
 */
export async function verifyAuditChain(db: DbOrTx, options: { key: Buffer; anchor?: AuditAnchor | null }): Promise<AuditVerification> {
  let checked = 0;
  let sealed = 0;
  let previous: ChainRow | undefined;
  let anchorRow: ChainRow | undefined;
  const anchor = options.anchor ?? null;
  const broken = (row: ChainRow | undefined, chainSeq: number, reason: string): AuditVerification => ({
    ok: false,
    checked,
    brokenId: row?.id ?? null,
    chainSeq,
    reason,
  });

  for (;;) {
    const after = previous ? Number(previous.chainSeq) : 0;
    const batch = await db.execute<ChainRow>(
      sql`SELECT ${canonicalColumns} FROM audit_events WHERE chain_seq > ${after} ORDER BY chain_seq LIMIT ${BATCH}`,
    );
    for (const row of batch.rows) {
      const position = checked + 1;
      if (Number(row.chainSeq) !== position) {
        return broken(row, position, `chain position ${position} is missing (row removed); the next row found is at ${row.chainSeq}`);
      }
      const expectedPrev = previous?.hash ?? 'GENESIS';
      if (row.prevHash !== expectedPrev) return broken(row, position, 'previous-hash link broken (a row before it was edited or removed)');
      const canonical = canonicalAuditString(row);
      if (!sameHex(row.hash, auditDigest(canonical))) return broken(row, position, 'row contents do not match its hash (edited)');
      if (row.mac === null) {
        if (sealed > 0) return broken(row, position, 'row has no keyed seal after sealing began (inserted or rewritten outside the application)');
      } else {
        if (!sameHex(row.mac, auditSeal(options.key, previous?.mac ?? null, canonical))) {
          return broken(row, position, 'keyed seal does not match (row rewritten and its hashes recomputed, or sealed with another key)');
        }
        sealed += 1;
      }
      if (anchor && position === anchor.chainSeq) anchorRow = row;
      previous = row;
      checked += 1;
    }
    if (batch.rows.length < BATCH) break;
  }

  // rows the ordered walk never saw: no position at all
  const total = await db.execute<{ total: number; unplaced: number }>(
    sql`SELECT count(*)::int AS total, count(*) FILTER (WHERE chain_seq IS NULL)::int AS unplaced FROM audit_events`,
  );
  const unplaced = total.rows[0]?.unplaced ?? 0;
  if (unplaced > 0) return broken(undefined, checked + 1, `${unplaced} row(s) outside the chain (no position)`);

  if (!anchor) return { ok: true, checked, sealed, unsealed: checked - sealed, anchor: { status: 'none' } };
  if (checked === 0) {
    return broken(undefined, anchor.chainSeq, `the trail is empty but was anchored at position ${anchor.chainSeq} on ${anchor.anchoredAt} (truncated)`);
  }
  if (!anchorRow) {
    return broken(
      undefined,
      anchor.chainSeq,
      `the trail ends at position ${checked} but was anchored at position ${anchor.chainSeq} on ${anchor.anchoredAt} (newest rows deleted)`,
    );
  }
  if (anchorRow.hash !== anchor.hash || anchorRow.mac !== anchor.mac) {
    return broken(anchorRow, anchor.chainSeq, `the row at anchored position ${anchor.chainSeq} differs from the one anchored on ${anchor.anchoredAt} (replaced)`);
  }
  return { ok: true, checked, sealed, unsealed: checked - sealed, anchor: { status: 'matched', chainSeq: anchor.chainSeq, anchoredAt: anchor.anchoredAt } };
}
