import { and, count, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '@/db/client';
import { complianceDocuments, documents, partners, pendingChanges, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { seesAllProjects } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { requestChange } from '@/server/modules/approvals/pending-change.service';
import {
  complianceDateColumn,
  itemComplianceStateSql,
  vendorComplianceOn,
  vendorComplianceStateSql,
} from './compliance';
import type {
  ComplianceDocumentView,
  ComplianceRegisterRow,
  ReviewComplianceDocumentInput,
  SubmitComplianceDocumentInput,
  VendorComplianceView,
} from './compliance.schemas';
import { notifyComplianceDocumentUploaded } from '@/server/modules/notifications/notification-events';
import { getOwnVendor, getVendor } from './vendor.queries';

const ENTITY = 'partner';

/**
 * Who may submit a compliance certificate for a vendor: THE one check (the upload, the submit and the
 * register's "Add" button ask it). Today internal staff holding `compliance.submit` who can see the
 * vendor. The subcontractor role (a user scoped to one vendor, `users.vendor_id`) extends it here:
 * `actor.role === 'subcontractor' && actor.vendorId === vendorId`.
 */
export async function canSubmitComplianceFor(db: DbOrTx, actor: Actor, vendorId: string): Promise<boolean> {
  if (!hasPermission(actor.role, 'compliance.submit')) return false;
  return (await complianceVendor(db, actor, vendorId)) !== null;
}

/**
 * The vendor whose compliance the actor may see: the contractor's people, a vendor they see (getVendor's
 * rule); a subcontractor, only their own vendor (never through getVendor, whose detail is internal).
 */
async function complianceVendor(
  db: DbOrTx,
  actor: Actor,
  vendorId: string,
): Promise<{ complianceSyncStatus: string } | null> {
  return actor.role === 'subcontractor' ? getOwnVendor(db, actor, vendorId) : getVendor(db, actor, vendorId);
}

/** Who may review (accept or reject) a submitted certificate, and why not (null: may). */
export function reviewRefusal(
  actor: Pick<Actor, 'id' | 'role'>,
  doc: { status: string; submittedById: string },
): { code: 'FORBIDDEN' | 'INVALID_TRANSITION' | 'SELF_APPROVAL'; message: string } | null {
  if (!hasPermission(actor.role, 'compliance.review'))
    return { code: 'FORBIDDEN', message: 'Finance reviews compliance certificates.' };
  if (doc.status !== 'submitted')
    return { code: 'INVALID_TRANSITION', message: `This certificate is already ${doc.status}.` };
  if (doc.submittedById === actor.id)
    return {
      code: 'SELF_APPROVAL',
      message: 'You submitted this certificate: another finance person reviews it.',
    };
  return null;
}

/**
 * A certificate submitted for review: the document (already uploaded to the vendor through the
 * documents module) with what it certifies and until when. Changes no date yet.
 */
export async function submitComplianceDocument(
  db: Db,
  input: SubmitComplianceDocumentInput,
  actor: Actor,
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    if (!(await canSubmitComplianceFor(tx, actor, input.vendorId)))
      throw new DomainError('NOT_FOUND', 'Vendor not found.');
    const [doc] = await tx
      .select({ id: documents.id, fileName: documents.fileName })
      .from(documents)
      .where(
        and(
          eq(documents.id, input.documentId),
          eq(documents.organisationId, actor.organisationId),
          eq(documents.recordType, 'vendor'),
          eq(documents.recordId, input.vendorId),
          sql`${documents.removedAt} IS NULL`,
        ),
      );
    if (!doc)
      throw new DomainError('VALIDATION', 'Upload the certificate to this vendor first.', {
        field: 'documentId',
      });
    const [already] = await tx
      .select({ id: complianceDocuments.id })
      .from(complianceDocuments)
      .where(eq(complianceDocuments.documentId, doc.id));
    if (already)
      throw new DomainError('CONFLICT', 'This document was already submitted as a certificate.', {
        field: 'documentId',
      });
    const [row] = await tx
      .insert(complianceDocuments)
      .values({
        organisationId: actor.organisationId,
        vendorId: input.vendorId,
        documentId: doc.id,
        type: input.type,
        expiresOn: input.expiresOn,
        submittedById: actor.id,
      })
      .returning({ id: complianceDocuments.id });
    if (!row) throw new Error('compliance document insert returned no row');
    // finance hears of it (issue 19 notifications), in this transaction: queued once, sent by the worker
    await notifyComplianceDocumentUploaded(tx, {
      organisationId: actor.organisationId,
      vendorId: input.vendorId,
      documentId: doc.id,
      documentKind: input.type,
      fileName: doc.fileName,
      expiresOn: input.expiresOn,
    });
    await recordAudit(tx, {
      actor,
      action: 'compliance.submit',
      entityType: ENTITY,
      entityId: input.vendorId,
      toState: 'submitted',
      changedFields: {
        certificate: {
          old: null,
          new: { id: row.id, type: input.type, expiresOn: input.expiresOn, fileName: doc.fileName },
        },
      },
    });
    return row;
  });
}

/**
 * Finance reviews a submitted certificate. Accepting asks — through the one dual-control mechanism —
 * for the vendor's expiry date of that type to become the certificate's; the date changes only when
 * an executive confirms it under Pending changes (the database refuses anything else). Rejecting needs
 * a reason and changes nothing on the vendor.
 */
export async function reviewComplianceDocument(
  db: Db,
  input: ReviewComplianceDocumentInput,
  actor: Actor,
): Promise<{ status: 'accepted' | 'rejected'; pendingChangeId: string | null }> {
  return db.transaction(async (tx) => {
    const [doc] = await tx
      .select()
      .from(complianceDocuments)
      .where(
        and(
          eq(complianceDocuments.id, input.complianceDocumentId),
          eq(complianceDocuments.organisationId, actor.organisationId),
        ),
      )
      .for('update');
    if (!doc || !(await getVendor(tx, actor, doc.vendorId)))
      throw new DomainError('NOT_FOUND', 'Certificate not found.');
    const refusal = reviewRefusal(actor, doc);
    if (refusal) throw new DomainError(refusal.code, refusal.message);
    if (doc.version !== input.version)
      throw new DomainError('CONFLICT', 'The certificate was changed by someone else. Reload and try again.');
    if (input.decision === 'reject') {
      await tx
        .update(complianceDocuments)
        .set({
          status: 'rejected',
          reviewedById: actor.id,
          reviewedAt: new Date(),
          rejectionReason: input.reason ?? '',
          version: sql`${complianceDocuments.version} + 1`,
        })
        .where(eq(complianceDocuments.id, doc.id));
      await recordAudit(tx, {
        actor,
        action: 'compliance.reject',
        entityType: ENTITY,
        entityId: doc.vendorId,
        fromState: 'submitted',
        toState: 'rejected',
        comment: `${doc.type} certificate ${doc.id}: ${input.reason ?? ''}`,
      });
      return { status: 'rejected' as const, pendingChangeId: null };
    }
    const [vendor] = await tx.select().from(partners).where(eq(partners.id, doc.vendorId)).for('update');
    if (!vendor) throw new DomainError('NOT_FOUND', 'Certificate not found.');
    const dates = {
      insuranceExpiresOn: vendor.insuranceExpiresOn,
      licenceExpiresOn: vendor.licenceExpiresOn,
      taxCertificateExpiresOn: vendor.taxCertificateExpiresOn,
      [complianceDateColumn[doc.type as keyof typeof complianceDateColumn]]: doc.expiresOn,
    };
    const column = complianceDateColumn[doc.type as keyof typeof complianceDateColumn];
    const { id: pendingChangeId } = await requestChange(tx, actor, {
      kind: 'vendor_compliance',
      subjectId: vendor.id,
      payload: dates,
      summary: {
        subject: vendor.name,
        changes: { [column]: { old: vendor[column], new: doc.expiresOn } },
      },
    });
    await tx
      .update(complianceDocuments)
      .set({
        status: 'accepted',
        reviewedById: actor.id,
        reviewedAt: new Date(),
        pendingChangeId,
        version: sql`${complianceDocuments.version} + 1`,
      })
      .where(eq(complianceDocuments.id, doc.id));
    await recordAudit(tx, {
      actor,
      action: 'compliance.accept',
      entityType: ENTITY,
      entityId: doc.vendorId,
      fromState: 'submitted',
      toState: 'accepted',
      comment: `${doc.type} certificate ${doc.id} accepted; expiry ${doc.expiresOn} waits for confirmation (request ${pendingChangeId})`,
    });
    return { status: 'accepted' as const, pendingChangeId };
  });
}

/** The vendor's compliance: the one rule's answer today, and its certificates with their review. */
export async function getVendorCompliance(
  db: DbOrTx,
  actor: Actor,
  vendorId: string,
): Promise<VendorComplianceView> {
  const vendor = await complianceVendor(db, actor, vendorId);
  if (!vendor) throw new DomainError('NOT_FOUND', 'Vendor not found.');
  const compliance = (await vendorComplianceOn(db, vendorId))!;
  const submitter = alias(users, 'submitter');
  const reviewer = alias(users, 'reviewer');
  const rows = await db
    .select({
      id: complianceDocuments.id,
      vendorId: complianceDocuments.vendorId,
      documentId: complianceDocuments.documentId,
      fileName: documents.fileName,
      type: complianceDocuments.type,
      expiresOn: complianceDocuments.expiresOn,
      dateState: itemComplianceStateSql(complianceDocuments.expiresOn, compliance.on),
      status: complianceDocuments.status,
      submittedById: complianceDocuments.submittedById,
      submittedByName: submitter.name,
      submittedAt: complianceDocuments.submittedAt,
      reviewedByName: reviewer.name,
      reviewedAt: complianceDocuments.reviewedAt,
      rejectionReason: complianceDocuments.rejectionReason,
      pendingChangeStatus: pendingChanges.status,
      version: complianceDocuments.version,
    })
    .from(complianceDocuments)
    .innerJoin(documents, eq(documents.id, complianceDocuments.documentId))
    .innerJoin(submitter, eq(submitter.id, complianceDocuments.submittedById))
    .leftJoin(reviewer, eq(reviewer.id, complianceDocuments.reviewedById))
    .leftJoin(pendingChanges, eq(pendingChanges.id, complianceDocuments.pendingChangeId))
    .where(eq(complianceDocuments.vendorId, vendorId))
    .orderBy(desc(complianceDocuments.submittedAt));
  const docs: ComplianceDocumentView[] = rows.map(({ submittedById, ...row }) => {
    const whyNot = reviewRefusal(actor, { status: row.status, submittedById });
    return {
      ...row,
      type: row.type as ComplianceDocumentView['type'],
      status: row.status as ComplianceDocumentView['status'],
      canReview: whyNot === null,
      whyNotReview: whyNot?.message ?? null,
    };
  });
  return {
    vendorId,
    vendorName: compliance.vendorName,
    on: compliance.on,
    state: compliance.state,
    reason: compliance.reason,
    items: compliance.items,
    documents: docs,
    canSubmit: await canSubmitComplianceFor(db, actor, vendorId),
    syncStatus: vendor.complianceSyncStatus as VendorComplianceView['syncStatus'],
  };
}

const registerColumns = {
  vendorName: { sql: partners.name, filter: 'contains' },
  state: { sql: vendorComplianceStateSql(), filter: 'equals' },
  insuranceExpiresOn: { sql: partners.insuranceExpiresOn },
  licenceExpiresOn: { sql: partners.licenceExpiresOn },
  taxCertificateExpiresOn: { sql: partners.taxCertificateExpiresOn },
  awaitingReview: {
    sql: sql`(SELECT count(*)::int FROM ${complianceDocuments} cd WHERE cd.vendor_id = ${partners.id} AND cd.status = 'submitted')`,
  },
} satisfies ListColumns;

/** Finance's register across vendors: each vendor's state today (the one rule), dates and certificates waiting. */
export async function listComplianceRegister(
  db: DbOrTx,
  actor: Actor,
  input: ListInput,
): Promise<ListResult<ComplianceRegisterRow>> {
  if (!seesAllProjects(actor)) throw new DomainError('FORBIDDEN', 'The compliance register is for finance.');
  const where = and(
    eq(partners.organisationId, actor.organisationId),
    eq(partners.isVendor, true),
    listFilters(registerColumns, input, ['vendorName']),
  );
  const { limit, offset } = listPaging(input);
  const rows = await db
    .select({
      vendorId: partners.id,
      vendorName: partners.name,
      state: registerColumns.state.sql,
      insuranceExpiresOn: partners.insuranceExpiresOn,
      licenceExpiresOn: partners.licenceExpiresOn,
      taxCertificateExpiresOn: partners.taxCertificateExpiresOn,
      awaitingReview: sql<number>`${registerColumns.awaitingReview.sql}`,
      syncStatus: partners.complianceSyncStatus,
    })
    .from(partners)
    .where(where)
    .orderBy(...listOrder(registerColumns, input, [partners.name, partners.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await db.select({ n: count() }).from(partners).where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}
