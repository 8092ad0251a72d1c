import type { Db, DbOrTx, Tx } from '@/db/client';
import type { OdooClient } from '@/server/odoo/client';

/**
 * One sync handler per record type (change order, claim, milestone…). The engine (engine.ts) runs
 * it, records the attempt and decides retries; the handler only makes Odoo match the record and says
 * what Plumbline must remember of it.
 *
 * THE CONTRACT — handlers are LEVEL-TRIGGERED (DOMAIN.md §6):
 * 1. A sync request names a record, not an action. The handler reads the record's CURRENT state from
 *    the database and makes Odoo match it (create the draft if missing, post it if released, cancel
 *    it if rejected). It never trusts the payload or a previous attempt to say what to do.
 * 2. Before creating anything, it searches Odoo by the record's deterministic reference (`ref` on
 *    moves, a `[CO-0007]` prefix on lines, …) and ADOPTS what it finds. That is how a lost answer
 *    ("maybe succeeded", a worker killed after Odoo committed) is resolved: the next run finds the
 *    document and links it instead of creating a second one. Never resend a create blindly.
 * 3. It is therefore safe to run twice, concurrently with a newer request, or out of order.
 * 4. It lets Odoo errors (OdooError from server/odoo/errors.ts) propagate as a record's `error`: the
 *    engine classifies them (failure.ts: transient → retry with backoff; ambiguous → re-run soon;
 *    business → exception; configuration → blocked). It catches nothing it cannot fully handle.
 * 5. It WRITES NOTHING to PostgreSQL. It returns what it did: the Odoo documents it made or adopted
 *    (`links`) and the domain writes that follow from Odoo's answer (`effects`: an SOV line learning
 *    its Odoo line, a claim following its bill, a drift exception). The engine applies them in the
 *    transaction that records the attempt row, the links, the sync status and the end of the request,
 *    so a crash anywhere before that commit leaves nothing half-recorded (rule 2 repairs it on the
 *    next run), and a crash after it leaves everything.
 * 6. It never writes the record's approval state or sync_status itself; sync_status is set by the
 *    engine through `setSyncStatus`, and only that.
 *
 * There is ONE entry point, `syncBatch`, for one record or many: the engine calls it with the records
 * one claim took, and `syncOne` (below) is `syncBatch` of one item. A handler that talks to Odoo one
 * record at a time builds it with `eachRecord`.
 */
export type SyncStatus = 'not_required' | 'pending' | 'synced' | 'failed' | 'blocked';

export type SyncLinkInput = { purpose: string; odooModel: string; odooId: number; reference: string };

/**
 * A write to Plumbline's own tables that a sync decided on, run by the engine inside the attempt's
 * transaction (never by the handler). `what` names it for the history and errors ('claim follows
 * vendor bill'). An effect that throws fails its record's attempt (rolled back, counted, retried).
 */
export type SyncEffect = { what: string; apply(tx: Tx): Promise<void> };

export type SyncResult = {
  /** What was done, in a few words for the timeline: 'create vendor bill', 'adopt', 'no change'. */
  operation: string;
  odooModel?: string;
  odooId?: number;
  links?: SyncLinkInput[];
  effects?: SyncEffect[];
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

/** One record of a batch: its id, attempt number (1 for a fresh request) and the approval's correlation id. */
export type SyncBatchItem = { recordId: string; attempt: number; correlationId: string | null };

/** `db` is for reading the records; the handler writes nothing (rule 5). */
export type SyncBatchContext = { db: Db; odoo: OdooClient; items: SyncBatchItem[] };

/** What became of one record of a batch: its result, or the error a sync of it alone would have thrown. */
export type SyncBatchOutcome = { result: SyncResult } | { error: unknown };

export type SyncHandler = {
  recordType: string;
  /**
   * The handler: the contract above for the records of `items` (one or many). Returns an outcome per
   * record id; a record missing from the map counts as crashed; a throw fails every record of the call
   * (each retried).
   */
  syncBatch(ctx: SyncBatchContext): Promise<Map<string, SyncBatchOutcome>>;
  /**
   * true when `syncBatch` asks Odoo once per batch (one search_read for every reference, one
   * createMany for the missing documents): the engine then claims up to SYNC_BATCH_MAX records per
   * call. Otherwise it claims a few at a time and the handler syncs them side by side (`eachRecord`).
   */
  batched?: boolean;
  setSyncStatus(db: DbOrTx, recordId: string, status: SyncStatus): Promise<void>;
  /** null when the record does not exist (the caller answers NOT_FOUND). */
  describe(db: DbOrTx, recordId: string): Promise<SyncRecordDescription | null>;
};

/** One record's sync, for handlers that talk to Odoo one record at a time. */
export type SyncOneContext = { db: Db; odoo: OdooClient } & SyncBatchItem;

/** `syncBatch` for a handler that syncs one record at a time: the records of the call side by side. */
export function eachRecord(
  syncRecord: (ctx: SyncOneContext) => Promise<SyncResult>,
): SyncHandler['syncBatch'] {
  return async ({ db, odoo, items }) => {
    const outcomes = new Map<string, SyncBatchOutcome>();
    await Promise.all(
      items.map(async (item) => {
        try {
          outcomes.set(item.recordId, { result: await syncRecord({ db, odoo, ...item }) });
        } catch (error) {
          outcomes.set(item.recordId, { error });
        }
      }),
    );
    return outcomes;
  };
}

/**
 * One record through the one entry point: `syncBatch` of one item; its error is thrown. The effects
 * are returned, not applied (the engine applies them with the attempt; `applySyncEffects`).
 */
export async function syncOne(handler: SyncHandler, ctx: SyncOneContext): Promise<SyncResult> {
  const { db, odoo, ...item } = ctx;
  const outcome = (await handler.syncBatch({ db, odoo, items: [item] })).get(item.recordId);
  if (!outcome) throw new Error(`${handler.recordType} sync returned no outcome for ${item.recordId}`);
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}

/** Runs a result's effects, in order, in the caller's transaction (the engine's attempt transaction). */
export async function applySyncEffects(tx: Tx, result: SyncResult): Promise<void> {
  for (const effect of result.effects ?? []) await effect.apply(tx);
}

/**
 * The process's registry. On `globalThis` under a registered symbol, not in a module variable: Next
 * bundles `instrumentation.ts` (where the web server installs the handlers) separately from the route
 * bundles that look them up, so each bundle has its own copy of this module but one process.
 */
const REGISTRY = Symbol.for('plumbline.syncHandlers');
const handlers: Map<string, SyncHandler> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map<
  string,
  SyncHandler
>()) as Map<string, SyncHandler>;

/** Adds a handler to this process's registry: `installSyncHandlers()` (handlers/index.ts) at start, or a test's own. */
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
      `No sync handler registered for record type "${recordType}": list it in server/sync/handlers/index.ts, and call installSyncHandlers() when the process starts.`,
    );
  }
  return handler;
}

export function registeredRecordTypes(): string[] {
  return [...handlers.keys()];
}
