import type { Db, DbOrTx } from '@/db/client';
import type { OdooClient } from '@/server/odoo/client';

/**
 * One sync handler per record type (change order, claim, milestone…). The engine (engine.ts) runs
 * it, records the attempt and decides retries; the handler only makes Odoo match the record.
 *
 * THE CONTRACT — handlers are LEVEL-TRIGGERED (DOMAIN.md §6):
 * 1. A sync request names a record, not an action. `sync` reads the record's CURRENT state from the
 *    database and makes Odoo match it (create the draft if missing, post it if released, cancel it
 *    if rejected). It never trusts the payload or a previous attempt to say what to do.
 * 2. Before creating anything, it searches Odoo by the record's deterministic reference (`ref` on
 *    moves, a `[CO-0007]` prefix on lines, …) and ADOPTS what it finds. That is how a lost answer
 *    ("maybe succeeded", a worker killed after Odoo committed) is resolved: the next run finds the
 *    document and links it instead of creating a second one. Never resend a create blindly.
 * 3. It is therefore safe to run twice, concurrently with a newer request, or out of order.
 * 4. It lets Odoo errors (OdooError from server/odoo/errors.ts) propagate: the engine classifies them
 *    (transient → retry with backoff; ambiguous → re-run soon; business → exception; configuration →
 *    blocked). It catches nothing it cannot fully handle.
 * 5. It returns the Odoo documents it made or adopted as `links`; the engine stores them in
 *    `sync_links` in the same transaction as the attempt row, so a crash between the Odoo call and
 *    the commit leaves nothing half-recorded (rule 2 repairs it on the next run).
 * 6. It never writes the record's approval state; sync_status is set by the engine through
 *    `setSyncStatus`, and only that.
 */
export type SyncStatus = 'not_required' | 'pending' | 'synced' | 'failed' | 'blocked';

export type SyncContext = {
  db: Db;
  odoo: OdooClient;
  recordId: string;
  /** 1 for the first run of a request; grows with each retry. */
  attempt: number;
  /** The approval event (audit correlation id) that caused this sync, when known. */
  correlationId: string | null;
};

export type SyncLinkInput = { purpose: string; odooModel: string; odooId: number; reference: string };

export type SyncResult = {
  /** What was done, in a few words for the timeline: 'create vendor bill', 'adopt', 'no change'. */
  operation: string;
  odooModel?: string;
  odooId?: number;
  links?: SyncLinkInput[];
};

export type SyncRecordDescription = {
  /** The record's human reference (CO-0007, CLM-0012), also its Odoo idempotency key. */
  reference: string;
  /** Drives record-level access (policy.projectScope); null = organisation-wide record. */
  projectId: string | null;
  /** numeric string; sets the severity of exceptions about this record. */
  amountAtStake: string | null;
  syncStatus: SyncStatus;
};

/** One record of a batch (see SyncHandler.syncBatch). */
export type SyncBatchItem = { recordId: string; attempt: number; correlationId: string | null };

export type SyncBatchContext = { db: Db; odoo: OdooClient; items: SyncBatchItem[] };

/** What became of one record of a batch: its result, or the error its own sync would have thrown. */
export type SyncBatchOutcome = { result: SyncResult } | { error: unknown };

export type SyncHandler = {
  recordType: string;
  sync(ctx: SyncContext): Promise<SyncResult>;
  /**
   * OPTIONAL, for throughput: the same contract as `sync` (level-triggered, search before create,
   * adopt, errors propagate, links returned) for several records of this type at once, so Odoo is
   * asked once per batch (one search_read for every reference, one createMany for the missing
   * documents) instead of once per record. The engine only batches jobs the worker already holds
   * (each record's job still claimed through its own per-record queue), and records each record's
   * attempt, links and status separately, exactly as after `sync`. Returns an outcome per record id;
   * a record missing from the map counts as crashed; a throw fails the whole batch (each retried).
   */
  syncBatch?(ctx: SyncBatchContext): Promise<Map<string, SyncBatchOutcome>>;
  setSyncStatus(db: DbOrTx, recordId: string, status: SyncStatus): Promise<void>;
  /** null when the record does not exist (the caller answers NOT_FOUND). */
  describe(db: DbOrTx, recordId: string): Promise<SyncRecordDescription | null>;
};

const handlers = new Map<string, SyncHandler>();

/** Called at module load by each handler file; server/sync/handlers/index.ts imports them all. */
export function registerSyncHandler(handler: SyncHandler): void {
  // re-registration replaces: Next's dev reloads and tests evaluate handler modules again
  handlers.set(handler.recordType, handler);
}

export function findSyncHandler(recordType: string): SyncHandler | undefined {
  return handlers.get(recordType);
}

export function getSyncHandler(recordType: string): SyncHandler {
  const handler = handlers.get(recordType);
  if (!handler) {
    throw new Error(
      `No sync handler registered for record type "${recordType}": import it in server/sync/handlers/index.ts.`,
    );
  }
  return handler;
}

export function registeredRecordTypes(): string[] {
  return [...handlers.keys()];
}
