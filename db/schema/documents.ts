import { sql } from 'drizzle-orm';
import { char, check, customType, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { organisations } from './organisation';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** 25 MB: the largest document Plumbline keeps (DOMAIN §8). */
export const DOCUMENT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * The bytes of every uploaded document, once per content (keyed by SHA-256: the same invoice PDF
 * attached to two records is stored once). In PostgreSQL, so every web process and one backup hold
 * everything. Append-only (migration 0027): content never changes under its hash.
 */
export const documentBlobs = pgTable(
  'document_blobs',
  {
    sha256: char('sha256', { length: 64 }).primaryKey(),
    sizeBytes: integer('size_bytes').notNull(),
    /** What the content is, sniffed from its bytes on upload (never the file name's claim). */
    contentType: text('content_type').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'document_blobs_size',
      sql`${table.sizeBytes} > 0 AND ${table.sizeBytes} <= ${sql.raw(String(DOCUMENT_MAX_BYTES))} AND octet_length(${table.content}) = ${table.sizeBytes}`,
    ),
    check('document_blobs_hash', sql`encode(sha256(${table.content}), 'hex') = ${table.sha256}`),
  ],
);

/** One document attached to one record (a claim, a change order, a milestone, a vendor). */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    /** What it is for the record: 'invoice', 'evidence', 'photo', 'delivery_note', 'other'… */
    kind: text('kind').notNull().default('other'),
    blobSha256: char('blob_sha256', { length: 64 })
      .notNull()
      .references(() => documentBlobs.sha256),
    fileName: text('file_name').notNull(),
    uploadedById: uuid('uploaded_by_id')
      .notNull()
      .references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedById: uuid('removed_by_id').references(() => users.id),
  },
  (table) => [
    index('documents_record_idx').on(table.recordType, table.recordId),
    check('documents_file_name', sql`length(${table.fileName}) BETWEEN 1 AND 200`),
    check('documents_removed_pair', sql`(${table.removedAt} IS NULL) = (${table.removedById} IS NULL)`),
  ],
);
