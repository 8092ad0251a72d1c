import type { DbOrTx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';
import { getChangeOrderDetail } from '@/server/modules/change-orders/change-order.queries';
import { getClaimDetail } from '@/server/modules/claims/claim.queries';
import { getMilestoneDetail } from '@/server/modules/milestones/milestone.queries';
import { getVendor } from '@/server/modules/vendors/vendor.queries';

/**
 * Who may see and add a record's documents: exactly who may read the record (its own module's detail
 * query decides, with its permission and project scope), and, to add or remove one, who may edit it.
 * An unknown type, a missing record and a record out of scope are the same NOT_FOUND.
 */
type Access = {
  read: Permission;
  write: Permission;
  /** null when the actor may not see it (or it does not exist); the record's reference otherwise. */
  visible: (db: DbOrTx, actor: Actor, id: string) => Promise<{ reference: string } | null>;
};

export const documentRecordTypes = {
  claim: {
    read: 'claim.read',
    write: 'claim.edit',
    visible: async (db, actor, id) => {
      const claim = await getClaimDetail(db, actor, id);
      return claim ? { reference: claim.reference } : null;
    },
  },
  change_order: {
    read: 'change_order.read',
    write: 'change_order.edit',
    visible: async (db, actor, id) => {
      const co = await getChangeOrderDetail(db, actor, id);
      return co ? { reference: co.reference } : null;
    },
  },
  milestone: {
    read: 'milestone.read',
    write: 'milestone.edit',
    visible: async (db, actor, id) => {
      const milestone = await getMilestoneDetail(db, actor, id);
      return milestone ? { reference: milestone.reference } : null;
    },
  },
  vendor: {
    read: 'vendor.read',
    // a vendor's documents are its compliance certificates: who may submit them may upload them
    write: 'compliance.submit',
    visible: async (db, actor, id) => {
      const vendor = await getVendor(db, actor, id);
      return vendor ? { reference: vendor.name } : null;
    },
  },
} satisfies Record<string, Access>;

export type DocumentRecordType = keyof typeof documentRecordTypes;

export function isDocumentRecordType(value: string): value is DocumentRecordType {
  return Object.hasOwn(documentRecordTypes, value);
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
  if (!access || !hasPermission(actor.role, access.read))
    throw new DomainError('NOT_FOUND', 'Record not found.');
  const record = await access.visible(db, actor, recordId);
  if (!record) throw new DomainError('NOT_FOUND', 'Record not found.');
  if (mode === 'write' && !hasPermission(actor.role, access.write))
    throw new DomainError('FORBIDDEN', 'You may read these documents but not add or remove them.');
  return record;
}
