import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  auditDigest,
  auditSeal,
  canonicalAuditString,
  eventContentColumns,
  sameHex,
  type AuditEventContent,
} from './audit-chain';
import type { AuditAnchor } from './audit-anchor';

export type AuditVerification =
  | { ok: true; checked: number; sealed: number; unsealed: number; pending: number; anchor: AnchorVerdict }
  | { ok: false; checked: number; brokenId: number | null; chainSeq: number; reason: string };

/** What the anchor outside the database said: `none` when no anchor was given or none was written yet. */
export type AnchorVerdict = { status: 'none' } | { status: 'matched'; chainSeq: number; anchoredAt: string };

/** A seal and its event's content (null content: the sealed event is gone). */
type ChainRow = Partial<AuditEventContent> & {
  chainSeq: string;
  eventId: string;
  prevHash: string;
  hash: string;
  mac: string | null;
  present: boolean;
};

/** Queued events not sealed after this long are named: the worker seals within seconds. */
const PENDING_GRACE_SECONDS = 300;

const BATCH = 5_000;

/**
 * Recomputes the whole trail in application code, from the rows as PostgreSQL renders them: every
 * seal's position (gap-free from 1), link (the previous seal's hash), content hash and keyed seal
 * (HMAC with AUDIT_HMAC_KEY, which the database never holds), and that every event is sealed (or
 * queued for a few seconds). An event rewritten with every later hash recomputed fails its seal; a
 * sealed event deleted, or a seal removed in the middle, is named. With the anchor (DATA_DIR/
 * audit-anchors, written by the worker), a deletion of the newest rows and a truncation are named too.
 *
 * Seals carried over from the old in-row chain (migration 0021) have no keyed seal: they are accepted
 * only as the chain's prefix, linked into the keyed seals by hash.
 */
export async function verifyAuditChain(
  db: DbOrTx,
  options: { key: Buffer; anchor?: AuditAnchor | null },
): Promise<AuditVerification> {
  let checked = 0;
  let sealed = 0;
  let previous: ChainRow | undefined;
  let anchorRow: ChainRow | undefined;
  const anchor = options.anchor ?? null;
  const broken = (eventId: number | null, chainSeq: number, reason: string): AuditVerification => ({
    ok: false,
    checked,
    brokenId: eventId,
    chainSeq,
    reason,
  });

  for (;;) {
    const after = previous ? Number(previous.chainSeq) : 0;
    const batch = await db.execute<ChainRow>(sql`
      SELECT s.chain_seq::text AS "chainSeq", s.event_id::text AS "eventId", s.prev_hash AS "prevHash", s.hash, s.mac,
             e.id IS NOT NULL AS present, ${eventContentColumns}
      FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
      WHERE s.chain_seq > ${after} ORDER BY s.chain_seq LIMIT ${BATCH}`);
    for (const row of batch.rows) {
      const position = checked + 1;
      const eventId = Number(row.eventId);
      if (Number(row.chainSeq) !== position) {
        return broken(
          eventId,
          position,
          `chain position ${position} is missing (seal removed); the next seal found is at ${row.chainSeq}`,
        );
      }
      if (!row.present) return broken(eventId, position, 'the sealed event is gone (deleted)');
      if (row.prevHash !== (previous?.hash ?? 'GENESIS'))
        return broken(
          eventId,
          position,
          'previous-hash link broken (a seal before it was edited or removed)',
        );
      const canonical = canonicalAuditString({
        ...(row as AuditEventContent),
        chainSeq: row.chainSeq,
        prevHash: row.prevHash,
      });
      if (!sameHex(row.hash, auditDigest(canonical)))
        return broken(eventId, position, 'event contents do not match its hash (edited)');
      if (row.mac === null) {
        if (sealed > 0)
          return broken(
            eventId,
            position,
            'no keyed seal after keyed sealing began (written outside the application)',
          );
      } else {
        if (!sameHex(row.mac, auditSeal(options.key, previous?.mac ?? null, canonical))) {
          return broken(
            eventId,
            position,
            'keyed seal does not match (event rewritten and its hashes recomputed, or sealed with another key)',
          );
        }
        sealed += 1;
      }
      if (anchor && position === anchor.chainSeq) anchorRow = row;
      previous = row;
      checked += 1;
    }
    if (batch.rows.length < BATCH) break;
  }

  // every event is in the chain once, or queued for a short while
  const rest = await db.execute<{
    duplicated: number;
    pending: number;
    stale: number | null;
    stranded: number | null;
  }>(sql`
    SELECT (SELECT count(*)::int FROM (SELECT event_id FROM audit_seals GROUP BY event_id HAVING count(*) > 1) d) AS duplicated,
           (SELECT count(*)::int FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)) AS pending,
           (SELECT min(e.id) FROM audit_events e JOIN audit_pending p ON p.event_id = e.id
             WHERE e.occurred_at < now() - make_interval(secs => ${PENDING_GRACE_SECONDS})) AS stale,
           (SELECT min(e.id) FROM audit_events e
             WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)) AS stranded`);
  const state = rest.rows[0]!;
  if (state.duplicated > 0)
    return broken(null, checked, `${state.duplicated} event(s) sealed more than once`);
  if (state.stranded !== null)
    return broken(
      Number(state.stranded),
      checked + 1,
      'event neither sealed nor queued for sealing (inserted outside the application, or its queue entry removed)',
    );
  if (state.stale !== null)
    return broken(
      Number(state.stale),
      checked + 1,
      `event queued but not sealed for over ${PENDING_GRACE_SECONDS / 60} minutes (is the worker running?)`,
    );

  const ok = { ok: true as const, checked, sealed, unsealed: checked - sealed, pending: state.pending };
  if (!anchor) return { ...ok, anchor: { status: 'none' } };
  if (checked === 0)
    return broken(
      null,
      anchor.chainSeq,
      `the trail is empty but was anchored at position ${anchor.chainSeq} on ${anchor.anchoredAt} (truncated)`,
    );
  if (!anchorRow) {
    return broken(
      null,
      anchor.chainSeq,
      `the trail ends at position ${checked} but was anchored at position ${anchor.chainSeq} on ${anchor.anchoredAt} (newest rows deleted)`,
    );
  }
  if (anchorRow.hash !== anchor.hash || anchorRow.mac !== anchor.mac) {
    return broken(
      Number(anchorRow.eventId),
      anchor.chainSeq,
      `the seal at anchored position ${anchor.chainSeq} differs from the one anchored on ${anchor.anchoredAt} (replaced)`,
    );
  }
  return { ...ok, anchor: { status: 'matched', chainSeq: anchor.chainSeq, anchoredAt: anchor.anchoredAt } };
}
