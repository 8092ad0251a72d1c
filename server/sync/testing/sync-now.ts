import {
  applySyncEffects,
  syncOne,
  type SyncHandler,
  type SyncOneContext,
  type SyncResult,
} from '../registry';

/**
 * For tests that drive a handler directly (no worker, no attempt row): one record through the
 * handler's one entry point, then its effects applied in one transaction, as the engine applies them
 * with the attempt. Throws what the sync of that record failed with.
 */
export async function syncNow(handler: SyncHandler, ctx: SyncOneContext): Promise<SyncResult> {
  const result = await syncOne(handler, ctx);
  await ctx.db.transaction((tx) => applySyncEffects(tx, result));
  return result;
}
