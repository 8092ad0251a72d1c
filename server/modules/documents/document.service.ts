import { createHash } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { requestSync } from '@/server/sync/enqueue';
import { DOCUMENT_MAX_BYTES, claims, documentBlobs, documents, milestones, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { assertDocumentAccess, documentScope, mayAddTo } from './document-access';
import type { DocumentView, UploadDocumentInput } from './document.schemas';
import { nameForType, sniffDocument } from './document-sniff';

export { DOCUMENT_MAX_BYTES };

/**
 * Keeps one uploaded file on one record: the size and the type are checked (the type from the bytes),
 * then, in one transaction, the bytes once per content (SHA-256, de-duplicated), the document row and
 * its audit row. Only someone who may edit the record adds to it.
 */
export async function uploadDocument(
  db: Db,
  input: UploadDocumentInput,
  bytes: Buffer,
  actor: Actor,
): Promise<{ id: string; sha256: string; contentType: string; fileName: string; deduplicated: boolean }> {
  if (bytes.byteLength > DOCUMENT_MAX_BYTES)
    throw new DomainError('VALIDATION', 'The file is larger than 25 MB. Upload a smaller file.', {
      field: 'file',
    });
  const sniffed = await sniffDocument(bytes);
  if (!sniffed.ok) throw new DomainError('VALIDATION', sniffed.message, { field: 'file' });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fileName = nameForType(input.fileName, sniffed.contentType);
  return db.transaction(async (tx) => {
    await assertDocumentAccess(tx, actor, input.recordType, input.recordId, 'write');
    const inserted = await tx
      .insert(documentBlobs)
      .values({ sha256, sizeBytes: bytes.byteLength, contentType: sniffed.contentType, content: bytes })
      .onConflictDoNothing({ target: documentBlobs.sha256 })
      .returning({ sha256: documentBlobs.sha256 });
    const [row] = await tx
      .insert(documents)
      .values({
        organisationId: actor.organisationId,
        recordType: input.recordType,
        recordId: input.recordId,
        kind: input.kind,
        blobSha256: sha256,
        fileName,
        uploadedById: actor.id,
      })
      .returning({ id: documents.id });
    if (!row) throw new Error('document insert returned no row');
    await recordAudit(tx, {
      actor,
      action: 'document.upload',
      entityType: input.recordType,
      entityId: input.recordId,
      changedFields: {
        document: {
          old: null,
          new: {
            id: row.id,
            fileName,
            kind: input.kind,
            sha256,
            sizeBytes: bytes.byteLength,
          },
        },
      },
    });
    await requestAttachmentSync(tx, input);
    return {
      id: row.id,
      sha256,
      contentType: sniffed.contentType,
      fileName,
      deduplicated: inserted.length === 0,
    };
  });
}

/** The record's documents (not removed), newest first, if the actor may read the record. */
export async function listDocuments(
  db: DbOrTx,
  actor: Actor,
  recordType: string,
  recordId: string,
): Promise<{ documents: DocumentView[]; canUpload: boolean }> {
  await assertDocumentAccess(db, actor, recordType, recordId, 'read');
  // may add now: the permission, and the record's own state (a subcontractor's submitted claim is closed)
  const canUpload =
    mayAddTo(actor, recordType) &&
    (await assertDocumentAccess(db, actor, recordType, recordId, 'write').then(
      () => true,
      () => false,
    ));
  const rows = await db
    .select({
      id: documents.id,
      kind: documents.kind,
      fileName: documents.fileName,
      contentType: documentBlobs.contentType,
      sizeBytes: documentBlobs.sizeBytes,
      sha256: documents.blobSha256,
      uploadedAt: documents.uploadedAt,
      uploadedById: documents.uploadedById,
      uploadedByName: users.name,
    })
    .from(documents)
    .innerJoin(documentBlobs, eq(documentBlobs.sha256, documents.blobSha256))
    .innerJoin(users, eq(users.id, documents.uploadedById))
    .where(
      and(
        eq(documents.organisationId, actor.organisationId),
        eq(documents.recordType, recordType),
        eq(documents.recordId, recordId),
        isNull(documents.removedAt),
        documentScope(actor),
      ),
    )
    .orderBy(desc(documents.uploadedAt));
  return {
    documents: rows.map(({ uploadedById, ...row }) => ({
      ...row,
      canRemove: canUpload && uploadedById === actor.id,
    })),
    canUpload,
  };
}

/**
 * A document's bytes for the download route, authorised exactly like its record: a document of a
 * record the actor cannot read, a removed one and an unknown id are the same NOT_FOUND.
 */
export async function readDocumentForDownload(
  db: DbOrTx,
  actor: Actor,
  documentId: string,
): Promise<{ fileName: string; contentType: string; content: Buffer; sha256: string }> {
  const [row] = await db
    .select({
      recordType: documents.recordType,
      recordId: documents.recordId,
      fileName: documents.fileName,
      contentType: documentBlobs.contentType,
      content: documentBlobs.content,
      sha256: documents.blobSha256,
    })
    .from(documents)
    .innerJoin(documentBlobs, eq(documentBlobs.sha256, documents.blobSha256))
    .where(
      and(
        eq(documents.id, documentId),
        eq(documents.organisationId, actor.organisationId),
        isNull(documents.removedAt),
        documentScope(actor),
      ),
    );
  if (!row) throw new DomainError('NOT_FOUND', 'Document not found.');
  await assertDocumentAccess(db, actor, row.recordType, row.recordId, 'read').catch(() => {
    throw new DomainError('NOT_FOUND', 'Document not found.');
  });
  return { fileName: row.fileName, contentType: row.contentType, content: row.content, sha256: row.sha256 };
}

/** Its uploader takes a document off a record (kept, marked removed, audited); nobody else may. */
export async function removeDocument(db: Db, documentId: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(documents)
      .where(
        and(
          eq(documents.id, documentId),
          eq(documents.organisationId, actor.organisationId),
          isNull(documents.removedAt),
        ),
      )
      .for('update');
    if (!row) throw new DomainError('NOT_FOUND', 'Document not found.');
    await assertDocumentAccess(tx, actor, row.recordType, row.recordId, 'write');
    if (row.uploadedById !== actor.id)
      throw new DomainError('FORBIDDEN', 'Only the person who uploaded a document may remove it.');
    await tx
      .update(documents)
      .set({ removedAt: new Date(), removedById: actor.id })
      .where(eq(documents.id, documentId));
    await recordAudit(tx, {
      actor,
      action: 'document.remove',
      entityType: row.recordType,
      entityId: row.recordId,
      changedFields: { document: { old: { id: row.id, fileName: row.fileName }, new: null } },
    });
  });
}

/**
 * A subcontractor's invoice added to a claim whose vendor bill exists (or evidence to a milestone
 * whose customer invoice exists) goes to Odoo with the record's next sync: ask for it now, in the
 * upload's transaction (the handlers attach it, once: document-odoo.ts).
 */
async function requestAttachmentSync(tx: Tx, input: UploadDocumentInput): Promise<void> {
  if (input.recordType === 'claim' && input.kind === 'invoice') {
    const [claim] = await tx
      .select({ billId: claims.odooBillId })
      .from(claims)
      .where(eq(claims.id, input.recordId));
    if (claim?.billId != null) await requestSync(tx, { recordType: 'claim', recordId: input.recordId });
  } else if (input.recordType === 'milestone' && input.kind === 'evidence') {
    const [milestone] = await tx
      .select({ invoiceId: milestones.odooInvoiceId })
      .from(milestones)
      .where(eq(milestones.id, input.recordId));
    if (milestone?.invoiceId != null)
      await requestSync(tx, { recordType: 'milestone', recordId: input.recordId });
  }
}
