import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import { logger } from '@/server/lib/logger';
import { sealAllAuditEvents } from './audit-chain';

/**
 * The audit head anchored outside the database: one JSON line per new head in
 * DATA_DIR/audit-anchors/<database>.jsonl, and the same in the log. Whoever owns the database can
 * delete the newest rows or truncate the table, and no hash inside the database can show it; the
 * anchor can: `audit:verify` requires the anchored row to be there, with the anchored seal.
 */
export type AuditAnchor = {
  anchoredAt: string;
  database: string;
  chainSeq: number;
  hash: string;
  mac: string | null;
};

export function anchorFile(database: string, dataDir = env().DATA_DIR): string {
  return path.resolve(dataDir, 'audit-anchors', `${database.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
}

/** The newest anchor of this database, or null when none was written. */
export function readAuditAnchor(file: string): AuditAnchor | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as AuditAnchor) : null;
}

export type AnchorOutcome =
  | { status: 'anchored'; anchor: AuditAnchor }
  | { status: 'unchanged' | 'empty' }
  | { status: 'regressed'; previous: AuditAnchor; message: string };

/**
 * Writes the current head when it moved. Never moves the anchor backwards: a head below the last
 * anchor, or a different row at the anchored position, is logged as an error and left for
 * `audit:verify` to name.
 */
export async function anchorAuditHead(
  db: DbOrTx,
  options: { dataDir?: string } = {},
): Promise<AnchorOutcome> {
  const result = await db.execute<{
    database: string;
    chainSeq: string | null;
    hash: string | null;
    mac: string | null;
  }>(sql`
    SELECT current_database() AS database, head.chain_seq::text AS "chainSeq", head.hash, head.mac
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT chain_seq, hash, mac FROM audit_seals ORDER BY chain_seq DESC LIMIT 1) AS head ON true
  `);
  const head = result.rows[0];
  if (!head) return { status: 'empty' };
  const file = anchorFile(head.database, options.dataDir);
  const previous = readAuditAnchor(file);
  if (previous) {
    const atPrevious =
      head.chainSeq !== null && Number(head.chainSeq) >= previous.chainSeq
        ? (
            await db.execute<{ mac: string | null; hash: string | null }>(
              sql`SELECT mac, hash FROM audit_seals WHERE chain_seq = ${previous.chainSeq}`,
            )
          ).rows[0]
        : undefined;
    if (!atPrevious || atPrevious.hash !== previous.hash || atPrevious.mac !== previous.mac) {
      const message = `audit trail no longer holds the row anchored at position ${previous.chainSeq} (${previous.anchoredAt}); the head is now ${head.chainSeq ?? 'empty'}`;
      logger().error({ auditAnchor: previous, head: head.chainSeq }, message);
      return { status: 'regressed', previous, message };
    }
    if (Number(head.chainSeq) === previous.chainSeq) return { status: 'unchanged' };
  }
  if (head.chainSeq === null || head.hash === null) return { status: 'empty' };
  const anchor: AuditAnchor = {
    anchoredAt: new Date().toISOString(),
    database: head.database,
    chainSeq: Number(head.chainSeq),
    hash: head.hash,
    mac: head.mac,
  };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
  logger().info({ auditAnchor: anchor }, `audit head anchored at position ${anchor.chainSeq}`);
  return { status: 'anchored', anchor };
}

/**
 * The worker's audit keeper: seals queued events every `sealIntervalMs` (the chain stays seconds
 * behind the commits) and anchors the head every `anchorIntervalMs`. Returns a stop that seals and
 * anchors one last time. Intervals of 0 turn either off.
 */
export function startAuditKeeper(
  db: Db,
  options: { sealIntervalMs: number; anchorIntervalMs: number },
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let lastAnchor = 0;
  const tick = (final = false) => {
    running = running
      .then(async () => {
        if (options.sealIntervalMs > 0 || final) await sealAllAuditEvents(db);
        if (options.anchorIntervalMs > 0 && (final || Date.now() - lastAnchor >= options.anchorIntervalMs)) {
          lastAnchor = Date.now();
          await anchorAuditHead(db);
        }
      })
      .catch((error: unknown) => logger().error({ err: error }, 'audit sealing or anchoring failed'));
  };
  const every = [options.sealIntervalMs, options.anchorIntervalMs].filter((ms) => ms > 0);
  if (every.length === 0) return async () => {};
  tick();
  const timer = setInterval(tick, Math.min(...every));
  timer.unref();
  return async () => {
    clearInterval(timer);
    tick(true);
    await running;
  };
}
