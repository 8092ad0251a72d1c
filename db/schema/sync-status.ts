import { pgEnum } from 'drizzle-orm/pg-core';

/**
 * Approval state and sync state are separate: a failed sync never undoes an approval. Its own module
 * so the tables that carry it (partners, claims…) need not import the sync tables (which import users).
 */
export const syncStatusEnum = pgEnum('sync_status', [
  'not_required',
  'pending',
  'synced',
  'failed',
  'blocked',
]);
