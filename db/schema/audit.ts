import {
  bigint,
  bigserial,
  uniqueIndex,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Append-only: triggers refuse UPDATE, DELETE and TRUNCATE for every role, and the application's role
 * may only SELECT and INSERT. Rows are chained after commit by the worker into `audit_seals`
 * (server/modules/audit/audit-chain.ts); `npm run audit:verify` recomputes the chain. chain_seq,
 * prev_hash and hash here are the in-row chain of rows written before migration 0021 (copied into
 * audit_seals by it); newer rows leave them null.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    changedFields: jsonb('changed_fields').$type<Record<string, { old: unknown; new: unknown }>>(),
    comment: text('comment'),
    correlationId: uuid('correlation_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    /** Rows before migration 0021 only: their position in the old in-row chain (now in audit_seals). */
    chainSeq: bigint('chain_seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (table) => [
    index('audit_events_entity_idx').on(table.entityType, table.entityId, table.id),
    index('audit_events_actor_idx').on(table.actorId, table.id),
    uniqueIndex('audit_events_chain_seq_unique').on(table.chainSeq),
  ],
);

/**
 * The chain over audit_events, in the order the worker sealed them (shortly after each commit, one
 * sealer at a time): position, link, SHA-256 of the canonical form and the keyed seal — HMAC-SHA256
 * with AUDIT_HMAC_KEY, which the database never holds. Append-only like the events.
 */
export const auditSeals = pgTable(
  'audit_seals',
  {
    chainSeq: bigint('chain_seq', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => auditEvents.id),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** Null only for rows chained before keyed seals existed (copied by migration 0021). */
    mac: text('mac'),
    sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('audit_seals_event_unique').on(table.eventId)],
);

/** Events committed but not yet sealed: filled by a trigger on audit_events, emptied by the sealer. */
export const auditPending = pgTable('audit_pending', {
  eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
});
