import { isRole, type Role } from './roles';

/**
 * The one permission table: `resource.action` → the roles that hold it. Deny by default: a
 * permission missing here, or a role not listed, is refused. Permissions with no role are taken only
 * by the system (sync worker, pull), never by a signed-in person. Every tRPC procedure names one of
 * these (the router test walks the app router and fails on a procedure without one).
 */
const QS = 'quantity_surveyor';
const PM = 'project_manager';
const FIN = 'finance';
const EXEC = 'executive';
const ADMIN = 'admin';
/** A vendor's contact (issue 19): reaches only the subcontractor portal's procedures and their own session. */
const SUB = 'subcontractor';
const EVERYONE = [QS, PM, FIN, EXEC, ADMIN] as const;
const PROJECT_PEOPLE = [QS, PM, FIN, EXEC] as const;

export const permissionTable = {
  'session.read': [...EVERYONE, SUB],
  /** One's own second factor: status, enrolment, step-up. */
  'mfa.self': [...EVERYONE, SUB],
  /** Resetting someone's second factor is dual-controlled: an admin asks, another admin or an executive confirms. */
  'mfa.reset_request': [ADMIN],
  'mfa.reset_confirm': [ADMIN, EXEC],
  /** Choosing one's own password (the only thing left to do after an admin's one-time reset). */
  'session.change_password': [...EVERYONE, SUB],
  /**
   * Dual control (DOMAIN §1): the people who ask for or confirm changes of vendor bank details and
   * compliance dates, approver-role grants and MFA resets. Which kinds each may ask for or decide is
   * the approvals module's `dualControlDefinitions`; these say only who reaches the list at all.
   */
  'change.read': [FIN, EXEC, ADMIN],
  'change.decide': [FIN, EXEC, ADMIN],
  'inbox.read': EVERYONE,
  'project.read': EVERYONE,
  'user.read': [ADMIN],
  'user.create': [ADMIN],
  'user.update': [ADMIN],
  'user.deactivate': [ADMIN],
  'user.reset_password': [ADMIN],
  'membership.read': [ADMIN],
  'membership.manage': [ADMIN],
  /** The bundled mail catcher's messages (only when no SMTP server is configured). */
  'mail.outbox.read': [ADMIN],
  /** Sending a failed or uncertain notification again (audited; an uncertain one may have arrived). */
  'mail.resend': [ADMIN],
  /** One's own mail preferences (issue 19): every signed-in person, subcontractors' contacts included. */
  'notification.self': [...EVERYONE, 'subcontractor'],
  'settings.read': [ADMIN],
  'settings.update': [ADMIN],
  'audit.read': [ADMIN, FIN, EXEC],
  'odoo.status.read': EVERYONE,
  'odoo.connection.read': [ADMIN],
  'odoo.connection.update': [ADMIN],
  'odoo.connection.test': [ADMIN],
  /** The guided setup page: read Odoo's candidates and the matching; create set-up records in Odoo. */
  'odoo.setup.read': [ADMIN],
  'odoo.setup.preview': [ADMIN],
  'odoo.setup.create': [ADMIN],
  'odoo.pull': [ADMIN, FIN],
  'pull.read': [ADMIN, FIN],
  'vendor.read': PROJECT_PEOPLE,
  'vendor.read_bank': [FIN],
  'vendor.update_compliance': [FIN],
  /**
   * Compliance certificates (server/modules/vendors/compliance.service.ts): reading a vendor's register
   * (scoped like the vendor), submitting a certificate (`canSubmitComplianceFor` decides per vendor),
   * finance's review (accepting asks for the date through dual control) and the register across vendors.
   */
  /** A subcontractor reads and submits their own vendor's certificates (compliance.service.ts decides which vendor). */
  'compliance.read': [...PROJECT_PEOPLE, SUB],
  'compliance.submit': [QS, FIN, SUB],
  'compliance.review': [FIN],
  'compliance.register.read': [FIN, EXEC],
  'subcontract.read': PROJECT_PEOPLE,
  'subcontract.update_retention': [FIN],
  'change_order.read': PROJECT_PEOPLE,
  'change_order.create': [PM, QS],
  'change_order.edit': [PM, QS],
  'change_order.submit': [PM, QS],
  'change_order.approve': [QS, PM, EXEC],
  'change_order.void': [PM],
  /**
   * Documents (server/modules/documents): reaching the list and the upload at all. Which record's
   * documents a person reads or adds is decided by that record's own read and edit permissions and
   * project scope (document-access.ts).
   */
  'document.read': [...PROJECT_PEOPLE, SUB],
  'document.write': [...PROJECT_PEOPLE, SUB],
  /**
   * The subcontractor portal (issue 19): a subcontractor reads their own vendor's subcontracts, claims,
   * certificates and payment status, and writes their own draft claims. Scoped to the vendor by
   * server/auth/policy.ts (vendorScope); what they read is the portal module's own projection.
   */
  'portal.read': [SUB],
  'portal.claim.write': [SUB],
  /** Inviting a vendor's contact to the portal, and seeing who has access. */
  'vendor.invite': [FIN, QS],
  /** Revoking an invitation, deactivating a contact or the vendor's portal access. */
  'vendor.manage_access': [FIN],
  'claim.read': PROJECT_PEOPLE,
  'claim.create': [QS, PM],
  'claim.edit': [QS, PM],
  'claim.submit': [QS, PM],
  'claim.certify': [QS],
  'claim.approve': [PM, EXEC],
  'claim.release': [FIN],
  'claim.reject': [QS, PM, EXEC, FIN],
  'claim.mark_posted': [],
  'claim.mark_paid': [],
  'milestone.read': PROJECT_PEOPLE,
  'milestone.create': [PM, QS],
  'milestone.edit': [PM, QS],
  'milestone.claim_completion': [PM],
  'milestone.verify': [QS],
  'milestone.release': [FIN],
  'milestone.reject': [QS, FIN],
  'milestone.mark_invoiced': [],
  'milestone.mark_paid': [],
  'sync.read': PROJECT_PEOPLE,
  'sync.retry': [FIN],
  'exception.read': [FIN, EXEC, ADMIN],
  'exception.act': [FIN],
  'operations.read': [FIN, EXEC, ADMIN],
  'slo.manage': [ADMIN],
  'cost.read': PROJECT_PEOPLE,
  'cost.override': [PM],
  /** An on-demand cost snapshot: a write, so not every reader's (issue 20). */
  'cost.snapshot': [PM, FIN, EXEC],
  'portfolio.read': [EXEC, FIN],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionTable;

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(permissionTable, value);
}

/** Fails closed on an unknown role or permission. */
export function hasPermission(role: unknown, permission: unknown): boolean {
  if (!isRole(role) || !isPermission(permission)) return false;
  return (permissionTable[permission] as readonly Role[]).includes(role);
}

export function rolesWith(permission: Permission): readonly Role[] {
  return permissionTable[permission];
}
