import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { organisations } from './organisation';

/**
 * One row per sign-in. The session token carries this row's id; every request re-reads it, so
 * signing out (revokedAt) ends the session server-side even though the cookie is a JWT.
 * `mfaVerifiedAt`: when the holder last proved the second factor in this session (sign-in,
 * enrolment or step-up); null means this session has not.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    mfaVerifiedAt: timestamp('mfa_verified_at', { withTimezone: true }),
  },
  (table) => [index('user_sessions_user_idx').on(table.userId)],
);

/** A user's TOTP factor (RFC 6238). The secret is AES-256-GCM encrypted with ENCRYPTION_KEY. */
export const userMfa = pgTable('user_mfa', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretCiphertext: text('secret_ciphertext').notNull(),
  secretIv: text('secret_iv').notNull(),
  secretTag: text('secret_tag').notNull(),
  /** Null while enrolment is started but not yet confirmed with a first code. */
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  /** The last accepted TOTP time step: a code is never accepted twice, nor an older one. */
  lastUsedStep: integer('last_used_step'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Ten one-time recovery codes per enrolment, stored as SHA-256 hashes (the codes are random, 50 bits). */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('mfa_recovery_codes_hash_unique').on(table.userId, table.codeHash)],
);

/** Organisation-wide security settings (one row per organisation, created on first change). */
export const organisationSecurity = pgTable('organisation_security', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  requireMfaForAll: boolean('require_mfa_for_all').notNull().default(false),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
