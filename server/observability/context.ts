import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one unit of work (a sync job) carries across its awaits: the approval's correlation id (on
 * every log line and the outbound Odoo `X-Correlation-Id` header) and the Odoo calls it made (the
 * calls-per-record metric). Set once, where the worker hands a job to the engine (runner.ts).
 */
export type WorkContext = {
  correlationId: string | null;
  recordType: string | null;
  odooCalls: number;
  recordsRecorded: number;
};

const storage = new AsyncLocalStorage<WorkContext>();

export function currentWork(): WorkContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | null {
  return storage.getStore()?.correlationId ?? null;
}

export function runWithWork<T>(
  seed: Partial<WorkContext>,
  fn: (work: WorkContext) => Promise<T>,
): Promise<T> {
  const work: WorkContext = {
    correlationId: seed.correlationId ?? null,
    recordType: seed.recordType ?? null,
    odooCalls: 0,
    recordsRecorded: 0,
  };
  return storage.run(work, () => fn(work));
}

/** A sync job's payload names its correlation id and record type; anything unreadable gives nulls. */
export function workSeedFromPayload(payload: unknown): Partial<WorkContext> {
  if (!payload || typeof payload !== 'object') return {};
  const p = payload as Record<string, unknown>;
  return {
    correlationId: typeof p.correlationId === 'string' ? p.correlationId : null,
    recordType: typeof p.recordType === 'string' ? p.recordType : null,
  };
}
