import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { documents, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';
import { getChangeOrderDetail } from '@/server/modules/change-orders/change-order.queries';
import { getClaimDetail } from '@/server/modules/claims/claim.queries';
import { getMilestoneDetail } from '@/server/modules/milestones/milestone.queries';
import { getOwnVendor, getVendor } from '@/server/modules/vendors/vendor.queries';

/**
 * Who may see and add a record's documents: exactly who may read the record (its own module's detail
 * query decides, with its permission and project scope), and, to add or remove one, who may edit it.
 * An unknown type, a missing record and a record out of scope are the same NOT_FOUND.
 */
type Access = {
  /** Any one of these reaches the record's documents (the contractor's permission, the portal's). */
  read: readonly Permission[];
  write: readonly Permission[];
  /**
   * null when the actor may not see it (or it does not exist); the record's reference otherwise, and
   * whether a subcontractor may still add to it (only while it is their draft).
   */
  visible: (
    db: DbOrTx,
    actor: Actor,
    id: string,
  ) => Promise<{ reference: string; openToSubcontractor?: boolean } | null>;
};

export const documentRecordTypes = {
  claim: {
    // a subcontractor reaches their own vendor's claims (getClaimDetail's one visibility rule)
    read: ['claim.read', 'portal.read'],
    write: ['claim.edit', 'portal.claim.write'],
    visible: async (db, actor, id) => {
      const claim = await getClaimDetail(db, actor, id);
      return claim ? { reference: claim.reference, openToSubcontractor: claim.status === 'draft' } : null;
    },
  },
  change_order: {
    read: ['change_order.read'],
    write: ['change_order.edit'],
    visible: async (db, actor, id) => {
      const co = await getChangeOrderDetail(db, actor, id);
      return co ? { reference: co.reference } : null;
    },
  },
  milestone: {
    read: ['milestone.read'],
    write: ['milestone.edit'],
    visible: async (db, actor, id) => {
      const milestone = await getMilestoneDetail(db, actor, id);
      return milestone ? { reference: milestone.reference } : null;
    },
  },
  vendor: {
    // a subcontractor: their own vendor's (portal.read), the certificates they submit
    read: ['vendor.read', 'portal.read'],
    // a vendor's documents are its compliance certificates: who may submit them may upload them
    write: ['compliance.submit'],
    visible: async (db, actor, id) => {
      if (actor.role === 'subcontractor') {
        const own = await getOwnVendor(db, actor, id);
        return own ? { reference: own.name, openToSubcontractor: true } : null;
      }
      const vendor = await getVendor(db, actor, id);
      return vendor ? { reference: vendor.name } : null;
    },
  },
} satisfies Record<string, Access>;

export type DocumentRecordType = keyof typeof documentRecordTypes;

export function isDocumentRecordType(value: string): value is DocumentRecordType {
  return Object.hasOwn(documentRecordTypes, value);
}

const holdsAny = (actor: Actor, permissions: readonly Permission[]) =>
  permissions.some((permission) => hasPermission(actor.role, permission));

/** May the actor add documents to records of this type at all (the record itself decides the rest)? */
export function mayAddTo(actor: Actor, recordType: string): boolean {
  return isDocumentRecordType(recordType) && holdsAny(actor, documentRecordTypes[recordType].write);
}

/**
 * Which of a record's documents the actor sees: everyone who reads the record sees all of them, except
 * a subcontractor, who sees what their own vendor's people uploaded and the contractor's certificates —
 * never the contractor's working papers on the same claim.
 */
export function documentScope(actor: Actor): SQL {
  if (actor.role !== 'subcontractor') return sql`true`;
  if (!actor.vendorId) return sql`false`;
  return sql`(${documents.kind} = 'certificate' OR ${documents.uploadedById} IN (SELECT ${users.id} FROM ${users} WHERE ${users.vendorId} = ${actor.vendorId}))`;
}

/** The record, if the actor may `mode` its documents; NOT_FOUND (never FORBIDDEN's leak) otherwise. */
export async function assertDocumentAccess(
  db: DbOrTx,
  actor: Actor,
  recordType: string,
  recordId: string,
  mode: 'read' | 'write',
): Promise<{ reference: string }> {
  const access: Access | undefined = isDocumentRecordType(recordType)
    ? documentRecordTypes[recordType]
    : undefined;
  if (!access || !holdsAny(actor, access.read)) throw new DomainError('NOT_FOUND', 'Record not found.');
  const record = await access.visible(db, actor, recordId);
  if (!record) throw new DomainError('NOT_FOUND', 'Record not found.');
  if (mode === 'write' && !holdsAny(actor, access.write))
    throw new DomainError('FORBIDDEN', 'You may read these documents but not add or remove them.');
  if (mode === 'write' && actor.role === 'subcontractor' && !record.openToSubcontractor)
    throw new DomainError(
      'FORBIDDEN',
      `${record.reference} has been submitted: documents are added while the claim is your draft.`,
    );
  return { reference: record.reference };
}
