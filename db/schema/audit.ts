import { bigint, bigserial, uniqueIndex, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained. A trigger (migration 0001) computes prev_hash/hash and another refuses
 * UPDATE, DELETE and TRUNCATE for every role; `npm run audit:verify` recomputes the chain.
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
    /** Gap-free position in the hash chain, assigned by the trigger under a lock (ids can commit out of order). */
    chainSeq: bigint('chain_seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    /**
     * Keyed seal: HMAC-SHA256 over the previous seal and this row's canonical form, computed by the
     * application with AUDIT_HMAC_KEY (never stored in the database). A database owner who rewrites a
     * row and recomputes `hash` cannot recompute this (server/modules/audit/audit-chain.ts).
     */
    mac: text('mac'),
  },
  (table) => [
    index('audit_events_entity_idx').on(table.entityType, table.entityId, table.id),
    index('audit_events_actor_idx').on(table.actorId, table.id),
    uniqueIndex('audit_events_chain_seq_unique').on(table.chainSeq),
  ],
);
