import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './organisation';
import { partners } from './partners';
import { projects } from './projects';

export const roleEnum = pgEnum('role', [
  'quantity_surveyor',
  'project_manager',
  'finance',
  'executive',
  'admin',
  'subcontractor',
]);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: roleEnum('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    /** Bumped on deactivation, role change and password change: every older session dies. */
    sessionVersion: integer('session_version').notNull().default(1),
    /** Set by an admin's password reset (a one-time password): the user must choose a new one before anything else. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    version: integer('version').notNull().default(1),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /**
     * A subcontractor contact's vendor (issue 19): set exactly when the role is 'subcontractor'. Every
     * record such a user reads or writes is scoped to this vendor (server/auth/policy.ts).
     */
    vendorId: uuid('vendor_id').references(() => partners.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_email_unique').on(sql`lower(${table.email})`),
    index('users_vendor_idx')
      .on(table.vendorId)
      .where(sql`${table.vendorId} IS NOT NULL`),
    // ::text, not the enum literal: a value added by ALTER TYPE cannot be used in the transaction
    // that adds it, and drizzle applies all pending migrations in one transaction.
    check(
      'users_vendor_iff_subcontractor',
      sql`(${table.role}::text = 'subcontractor') = (${table.vendorId} IS NOT NULL)`,
    ),
  ],
);

/**
 * An invitation for a vendor's contact to the subcontractor portal (issue 19): single use, valid for
 * seven days. Only the SHA-256 of the token is stored; the token itself is only in the email.
 */
export const vendorInvitations = pgTable(
  'vendor_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    vendorId: uuid('vendor_id')
      .notNull()
      .references(() => partners.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    tokenSha256: char('token_sha256', { length: 64 }).notNull(),
    invitedById: uuid('invited_by_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedById: uuid('revoked_by_id').references(() => users.id),
  },
  (table) => [
    uniqueIndex('vendor_invitations_token_unique').on(table.tokenSha256),
    index('vendor_invitations_vendor_idx').on(table.vendorId, table.createdAt),
    check(
      'vendor_invitations_accepted',
      sql`(${table.acceptedAt} IS NULL) = (${table.acceptedUserId} IS NULL)`,
    ),
    check('vendor_invitations_expiry', sql`${table.expiresAt} > ${table.createdAt}`),
  ],
);

export const projectMembers = pgTable(
  'project_members',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.userId] }),
    index('project_members_user_idx').on(table.userId),
  ],
);

/** Every sign-in attempt, without the password: feeds throttling and the security log. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    reason: text('reason').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('login_attempts_email_ip_idx').on(table.email, table.ip, table.attemptedAt),
    index('login_attempts_ip_idx').on(table.ip, table.attemptedAt),
  ],
);
