import type { ZodType } from 'zod';
import { appRouter, type createCaller } from '@/server/api/root';
import type { SecurityWorld } from './security-world';

/**
 * One valid input per tRPC procedure, naming records of the security world's target project (P-1003),
 * for the sweeps that must cover every procedure: cross-project NOT_FOUND, the field-level canary
 * scan, the input probes and the HTTP CSRF sweep. A procedure missing here fails
 * `server/api/procedure-samples.router.test.ts`, which lists it: add its sample when you add it.
 *
 * `scope` says what the input's ids name:
 * - `project`: a record of one project (or the project itself). A caller who is not a member of that
 *   project must get NOT_FOUND, with nothing of the record in the error.
 * - `project-filter`: a list filtered by a project's id. An outsider gets NOT_FOUND or an empty page
 *   (the same answer as for an id that does not exist: no existence oracle), never a row.
 * - `organisation`: organisation-wide records (users, vendors, pull runs, the Odoo connection); `why`
 *   says so. Whoever holds the permission may see them all.
 * - `none`: no record id at all (lists scoped by the caller, the session, settings); a list must still
 *   show an outsider nothing of the target project.
 */
export type Scope = 'project' | 'project-filter' | 'organisation' | 'none';
export type ProcedureSample = { input: (w: SecurityWorld) => unknown; scope: Scope; why?: string };

const list = { page: 0, pageSize: 200 };
const co = (w: SecurityWorld) => ({
  changeOrderId: w.target.changeOrderId,
  version: w.target.changeOrderVersion,
});
const submittedCo = (w: SecurityWorld) => ({
  changeOrderId: w.target.submittedChangeOrderId,
  version: w.target.submittedChangeOrderVersion,
});
const claim = (w: SecurityWorld) => ({ claimId: w.target.claimId, version: w.target.claimVersion });
const milestone = (w: SecurityWorld) => ({
  milestoneId: w.target.milestoneId,
  version: w.target.milestoneVersion,
});
const claimRef = (w: SecurityWorld) => ({ recordType: 'claim', recordId: w.target.claimId });
const coFields = (w: SecurityWorld) => ({
  kind: 'client' as const,
  title: 'Security sweep change order',
  reason: 'other' as const,
  description: 'Raised by the security sweep.',
  scheduleImpactDays: 0,
  lines: [
    {
      costCodeId: w.target.costCodeId,
      description: 'Sweep line',
      quantity: '2',
      unit: 'item',
      unitCost: '10.00',
      sellAmount: '25.00',
    },
  ],
  documents: [{ title: 'Drawing', url: 'https://docs.example.com/d/1' }],
});
const milestoneFields = {
  name: 'Security sweep milestone',
  plannedDate: '2026-09-30',
  amountBasis: 'fixed' as const,
  fixedAmount: '100.00',
  percentOfContract: null,
  evidence: [],
};
const retention = {
  retentionRate: '0.05',
  retentionMaterialsRate: '0.05',
  retentionReducedRate: null,
  retentionReducedAfterPercent: null,
  retentionCapBasis: 'original' as const,
  retentionCapRate: '0.05',
  retentionCapAmount: null,
};

const ORG_USERS = 'users and memberships are organisation-wide (admin only)';
const VENDORS =
  'a vendor works for many projects: its portal access is organisation-wide (QS: vendors of their projects)';
const ORG_ODOO = 'the Odoo connection and pull runs are organisation-wide';

export const procedureSamples: Record<string, ProcedureSample> = {
  // the subcontractor portal (issue 19): a subcontractor's "project" is its vendor; another vendor's
  // contact is the outsider (cross-project.router.test.ts)
  'portal.subcontracts': { input: () => undefined, scope: 'none' },
  'portal.claims': { input: () => undefined, scope: 'none' },
  'portal.subcontract': { input: (w) => ({ subcontractId: w.target.subcontractId }), scope: 'project' },
  'portal.claim': { input: (w) => ({ claimId: w.target.claimId }), scope: 'project' },
  'portal.startClaim': {
    input: (w) => ({ subcontractId: w.target.subcontractId, periodEnd: '2026-04-30' }),
    scope: 'project',
  },
  'portal.saveClaim': {
    input: (w) => ({
      ...claim(w),
      lines: w.target.sovLineIds.map((sovLineId) => ({ sovLineId, claimedToDate: '100.00' })),
      materialsClaimedToDate: '0',
      invoiceNumber: 'INV-1',
    }),
    scope: 'project',
  },
  'portal.submitClaim': {
    input: (w) => ({ ...claim(w), invoiceNumber: 'INV-1', declaration: true }),
    scope: 'project',
  },
  'portal.reviseClaim': { input: (w) => claim(w), scope: 'project' },
  'vendorAccess.get': {
    input: (w) => ({ vendorId: w.target.vendorId }),
    scope: 'organisation',
    why: VENDORS,
  },
  'vendorAccess.invite': {
    input: (w) => ({ vendorId: w.target.vendorId, email: 'new.contact@piling.example', name: 'New Contact' }),
    scope: 'organisation',
    why: VENDORS,
  },
  'vendorAccess.revoke': {
    input: () => ({ invitationId: '00000000-0000-4000-8000-000000000000' }),
    scope: 'organisation',
    why: VENDORS,
  },
  'vendorAccess.setContactActive': {
    input: (w) => ({ userId: w.target.subcontractor.id, version: 1, active: true }),
    scope: 'organisation',
    why: VENDORS,
  },
  'vendorAccess.setVendorActive': {
    input: (w) => ({ vendorId: w.target.vendorId, version: w.target.vendorVersion, active: true }),
    scope: 'organisation',
    why: VENDORS,
  },

  'session.me': { input: () => undefined, scope: 'none' },
  'session.myApprovals': { input: () => undefined, scope: 'none' },
  'session.changePassword': {
    input: () => ({ currentPassword: 'not-the-password', newPassword: 'a-brand-new-sweep-password' }),
    scope: 'none',
  },

  // dual control: requested changes of vendors and users are organisation-wide, like their subjects
  'pendingChanges.list': { input: () => ({ status: 'pending' }), scope: 'none' },
  'pendingChanges.confirm': {
    input: () => ({ changeId: '00000000-0000-4000-8000-000000000000' }),
    scope: 'organisation',
    why: 'requested changes are about vendors and users, organisation-wide',
  },
  'pendingChanges.reject': {
    input: () => ({ changeId: '00000000-0000-4000-8000-000000000000' }),
    scope: 'organisation',
    why: 'requested changes are about vendors and users, organisation-wide',
  },
  'pendingChanges.cancel': {
    input: () => ({ changeId: '00000000-0000-4000-8000-000000000000' }),
    scope: 'organisation',
    why: 'requested changes are about vendors and users, organisation-wide',
  },

  // one's own second factor; resets are organisation-wide (a user is not a project record)
  'mfa.status': { input: () => undefined, scope: 'none' },
  'mfa.startEnrolment': { input: () => ({}), scope: 'none' },
  'mfa.confirmEnrolment': {
    input: () => ({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', code: '000000' }),
    scope: 'none',
  },
  'mfa.stepUp': { input: () => ({ code: '000000' }), scope: 'none' },
  'mfa.requestReset': { input: (w) => ({ userId: w.spareUserId }), scope: 'organisation', why: ORG_USERS },
  'mfa.resetRequests': { input: () => undefined, scope: 'none' },
  'mfa.confirmReset': {
    input: () => ({ requestId: '00000000-0000-4000-8000-000000000000' }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'mfa.organisationRequirement': { input: () => undefined, scope: 'none' },
  'mfa.setOrganisationRequirement': { input: () => ({ requireForAll: false }), scope: 'none' },

  'users.list': { input: () => list, scope: 'none' },
  'users.get': { input: (w) => ({ userId: w.spareUserId }), scope: 'organisation', why: ORG_USERS },
  'users.create': {
    input: () => ({
      email: 'sweep.user@northbeam.example',
      name: 'Sweep User',
      role: 'quantity_surveyor',
      password: 'a-long-sweep-password',
      projectIds: [],
    }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'users.update': {
    input: (w) => ({ userId: w.spareUserId, version: w.spareUserVersion, name: 'Spare User (renamed)' }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'users.setActive': {
    input: (w) => ({ userId: w.spareUserId, version: w.spareUserVersion, active: true }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'users.resetPassword': { input: (w) => ({ userId: w.spareUserId }), scope: 'organisation', why: ORG_USERS },
  'users.projectMembers': {
    input: (w) => ({ projectId: w.target.projectId }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'users.addMembership': {
    input: (w) => ({ projectId: w.target.projectId, userId: w.spareUserId }),
    scope: 'organisation',
    why: ORG_USERS,
  },
  'users.removeMembership': {
    input: (w) => ({ projectId: w.target.projectId, userId: w.spareUserId }),
    scope: 'organisation',
    why: ORG_USERS,
  },

  'projects.list': { input: () => list, scope: 'none' },
  'projects.options': { input: () => undefined, scope: 'none' },
  'projects.get': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },

  'settings.thresholds': { input: () => undefined, scope: 'none' },
  // a stale version: the sweep reaches the service without moving the organisation's thresholds
  'settings.updateThresholds': {
    input: () => ({
      version: 999,
      pmLimitAmount: '25000.00',
      executiveLimitAmount: '250000.00',
      currency: 'GBP',
      timeZone: 'Europe/London',
    }),
    scope: 'none',
  },
  'settings.auditLog': { input: () => list, scope: 'none' },

  'changeOrders.list': {
    input: (w) => ({ ...list, projectId: w.target.projectId }),
    scope: 'project-filter',
  },
  'changeOrders.get': { input: (w) => ({ changeOrderId: w.target.changeOrderId }), scope: 'project' },
  'changeOrders.formOptions': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'changeOrders.preview': {
    input: (w) => ({ kind: 'client', lines: coFields(w).lines }),
    scope: 'none',
    why: 'pure arithmetic on the submitted lines; the cost code id is not read',
  },
  'changeOrders.create': {
    input: (w) => ({ projectId: w.target.projectId, ...coFields(w) }),
    scope: 'project',
  },
  'changeOrders.update': { input: (w) => ({ ...co(w), ...coFields(w) }), scope: 'project' },
  'changeOrders.submit': { input: (w) => ({ ...co(w), comment: 'sweep' }), scope: 'project' },
  'changeOrders.approve': { input: (w) => ({ ...submittedCo(w), comment: 'sweep' }), scope: 'project' },
  'changeOrders.reject': { input: (w) => ({ ...submittedCo(w), comment: 'sweep' }), scope: 'project' },
  'changeOrders.void': { input: (w) => ({ ...co(w), comment: 'sweep' }), scope: 'project' },
  'changeOrders.revise': { input: (w) => ({ ...co(w), comment: 'sweep' }), scope: 'project' },
  'changeOrders.setProceeding': {
    input: (w) => ({ ...submittedCo(w), isProceeding: true }),
    scope: 'project',
  },

  'milestones.list': { input: (w) => ({ ...list, projectId: w.target.projectId }), scope: 'project-filter' },
  'milestones.get': { input: (w) => ({ milestoneId: w.target.milestoneId }), scope: 'project' },
  'milestones.odooOptions': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'milestones.create': {
    input: (w) => ({ projectId: w.target.projectId, ...milestoneFields }),
    scope: 'project',
  },
  'milestones.update': { input: (w) => ({ ...milestone(w), ...milestoneFields }), scope: 'project' },
  'milestones.claimCompletion': { input: (w) => ({ ...milestone(w), comment: 'sweep' }), scope: 'project' },
  'milestones.verify': { input: (w) => ({ ...milestone(w), comment: 'sweep' }), scope: 'project' },
  'milestones.release': { input: (w) => ({ ...milestone(w), comment: 'sweep' }), scope: 'project' },
  'milestones.reject': { input: (w) => ({ ...milestone(w), comment: 'sweep' }), scope: 'project' },

  'claims.list': {
    input: (w) => ({ ...list, projectId: w.target.projectId, subcontractId: w.target.subcontractId }),
    scope: 'project-filter',
  },
  'claims.get': { input: (w) => ({ claimId: w.target.claimId }), scope: 'project' },
  'claims.certificate': { input: (w) => ({ claimId: w.target.claimId }), scope: 'project' },
  'claims.formOptions': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'claims.create': {
    input: (w) => ({ subcontractId: w.target.subcontractId, periodEnd: '2026-04-30' }),
    scope: 'project',
  },
  'claims.createRetentionRelease': {
    input: (w) => ({
      subcontractId: w.target.subcontractId,
      periodEnd: '2026-04-30',
      stage: 'practical_completion',
    }),
    scope: 'project',
  },
  'claims.update': {
    input: (w) => ({
      ...claim(w),
      lines: w.target.sovLineIds.map((sovLineId) => ({ sovLineId, claimedToDate: '1500.00' })),
      materialsStoredToDate: '0.00',
      deductions: [{ kind: 'back_charge', description: 'Sweep', reason: 'Sweep', amount: '10.00' }],
    }),
    scope: 'project',
  },
  'claims.submit': { input: (w) => ({ ...claim(w), comment: 'sweep' }), scope: 'project' },
  'claims.certify': {
    input: (w) => ({
      ...claim(w),
      lines: w.target.sovLineIds.map((sovLineId) => ({
        sovLineId,
        certifiedToDate: '900.00',
        reason: 'Measured',
      })),
      materialsStoredToDate: '0.00',
      deductions: [],
      comment: 'sweep',
    }),
    scope: 'project',
  },
  'claims.approve': { input: (w) => ({ ...claim(w), comment: 'sweep' }), scope: 'project' },
  'claims.release': { input: (w) => ({ ...claim(w), comment: 'sweep' }), scope: 'project' },
  'claims.reject': { input: (w) => ({ ...claim(w), comment: 'sweep' }), scope: 'project' },
  'claims.revise': { input: (w) => ({ ...claim(w), comment: 'sweep' }), scope: 'project' },

  'exceptions.list': { input: () => list, scope: 'none' },
  'exceptions.forRecord': { input: claimRef, scope: 'project' },
  'exceptions.retry': {
    input: (w) => ({ exceptionId: w.target.exceptionId, version: w.target.exceptionVersion }),
    scope: 'project',
  },
  'exceptions.dismiss': {
    input: (w) => ({
      exceptionId: w.target.exceptionId,
      version: w.target.exceptionVersion,
      reason: 'sweep',
    }),
    scope: 'project',
  },
  'exceptions.summary': { input: () => undefined, scope: 'none' },
  'exceptions.assignees': {
    input: () => undefined,
    scope: 'organisation',
    why: 'the finance users an exception can be assigned to',
  },
  'exceptions.assign': {
    input: (w) => ({
      exceptionId: w.target.exceptionId,
      version: w.target.exceptionVersion,
      assigneeId: null,
    }),
    scope: 'project',
  },
  'exceptions.bulkRetry': {
    input: (w) => ({ items: [{ exceptionId: w.target.exceptionId, version: w.target.exceptionVersion }] }),
    scope: 'project',
  },
  'exceptions.bulkAssign': {
    input: (w) => ({
      items: [{ exceptionId: w.target.exceptionId, version: w.target.exceptionVersion }],
      assigneeId: null,
    }),
    scope: 'project',
  },
  'exceptions.link': {
    input: (w) => ({ exceptionId: w.target.exceptionId, version: w.target.exceptionVersion, odooId: 1 }),
    scope: 'project',
  },
  'exceptions.linkCandidates': {
    input: (w) => ({ exceptionId: w.target.exceptionId }),
    scope: 'project',
  },
  'exceptions.runRules': { input: () => ({}), scope: 'none' },
  'operations.outbox': { input: () => undefined, scope: 'none' },
  'notifications.mySettings': { input: () => undefined, scope: 'none' },
  'notifications.updateMySettings': {
    // a stale version: CONFLICT, so the sweeps' "changes nothing" holds (one's own settings only)
    input: () => ({ allOff: false, offKinds: ['claim_submitted'], approvalDigest: false, version: 999 }),
    scope: 'none',
  },
  'notifications.list': { input: () => ({ status: null }), scope: 'none' },
  'notifications.resend': {
    input: (w) => ({ notificationId: w.target.claimId }),
    scope: 'organisation',
    why: 'a notification of the organisation (an unknown id is NOT_FOUND)',
  },
  'documents.list': {
    input: (w) => ({ recordType: 'claim', recordId: w.target.claimId }),
    scope: 'project',
  },
  'documents.remove': { input: (w) => ({ documentId: w.target.documentId }), scope: 'project' },
  'syncHealth.overview': { input: () => ({ window: '24h' }), scope: 'none' },
  'syncHealth.attempts': { input: () => list, scope: 'none' },
  'syncHealth.reconciliationRuns': { input: () => undefined, scope: 'none' },
  'syncHealth.reconcile': { input: () => ({}), scope: 'none' },

  'operations.kpis': { input: () => undefined, scope: 'none' },
  'operations.slos': { input: () => undefined, scope: 'none' },
  'operations.alerts': { input: () => ({ limit: 20 }), scope: 'none' },
  'operations.updateSlo': {
    input: () => ({ workflow: 'claim', objectivePercent: 99, threshold: 5, windowDays: 7, version: 0 }),
    scope: 'none',
  },

  'sync.history': { input: claimRef, scope: 'project' },
  'sync.retry': { input: claimRef, scope: 'project' },

  'odoo.status': { input: () => undefined, scope: 'none' },
  'odoo.connection': { input: () => undefined, scope: 'none' },
  // no secret: the saved one is kept (and the canary scan checks it never comes back)
  'odoo.saveConnection': {
    input: (w) => ({
      url: w.odooUrl ?? 'http://127.0.0.1:9/',
      database: 'northbeam',
      login: 'admin',
      authMethod: 'api_key',
      version: 999,
    }),
    scope: 'none',
  },
  'odoo.testConnection': { input: () => ({}), scope: 'none' },
  'odoo.mappingOptions': { input: () => undefined, scope: 'none' },
  'odoo.saveMappings': {
    input: () => ({
      retentionPayableAccountId: null,
      retentionReceivableAccountId: null,
      purchaseJournalId: null,
      salesJournalId: null,
      changeOrderProductId: null,
      costCodePlanId: null,
    }),
    scope: 'none',
  },
  'odoo.setupGuide': { input: () => undefined, scope: 'none' },
  'odoo.setupProjects': { input: () => list, scope: 'organisation', why: ORG_ODOO },
  'odoo.unlinkedRecords': { input: () => list, scope: 'organisation', why: ORG_ODOO },
  'odoo.previewSetupRecord': {
    input: () => ({ kind: 'changeOrderProductId', name: 'Change order work (sample)' }),
    scope: 'none',
  },
  'odoo.createSetupRecord': {
    input: () => ({ kind: 'changeOrderProductId', name: 'Change order work (sample)', confirm: true }),
    scope: 'none',
  },
  'odoo.pullNow': { input: () => ({}), scope: 'none' },
  'odoo.pullRuns': { input: () => list, scope: 'none' },
  'odoo.pullRun': { input: (w) => ({ runId: w.pullRunId }), scope: 'organisation', why: ORG_ODOO },
  'odoo.pullRunRecords': {
    input: (w) => ({ ...list, runId: w.pullRunId }),
    scope: 'organisation',
    why: ORG_ODOO,
  },

  'compliance.vendor': {
    input: (w) => ({ vendorId: w.target.vendorId }),
    // like the vendor: project people see it only through a subcontract on one of their projects
    scope: 'project',
  },
  'compliance.register': { input: () => list, scope: 'none' },
  'compliance.submit': {
    input: (w) => ({
      vendorId: w.target.vendorId,
      documentId: w.target.vendorDocumentId,
      type: 'licence',
      expiresOn: '2027-12-31',
    }),
    scope: 'project',
  },
  'compliance.review': {
    input: (w) => ({ complianceDocumentId: w.target.complianceDocumentId, version: 1, decision: 'accept' }),
    scope: 'project',
  },
  'masterData.vendors': { input: () => list, scope: 'none' },
  'masterData.vendor': {
    input: (w) => ({ vendorId: w.target.vendorId }),
    // a vendor is seen by project people only through a subcontract on one of their projects
    scope: 'project',
  },
  'masterData.updateVendorCompliance': {
    input: (w) => ({
      vendorId: w.target.vendorId,
      version: w.target.vendorVersion,
      insuranceExpiresOn: '2027-12-31',
      licenceExpiresOn: null,
    }),
    scope: 'organisation',
    why: 'vendor compliance is organisation-wide (finance only)',
  },
  'masterData.subcontracts': { input: () => list, scope: 'none' },
  'masterData.subcontract': { input: (w) => ({ subcontractId: w.target.subcontractId }), scope: 'project' },
  'masterData.updateRetention': {
    input: (w) => ({
      subcontractId: w.target.subcontractId,
      version: w.target.subcontractVersion,
      ...retention,
    }),
    scope: 'project',
  },

  'cost.summary': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'cost.codes': { input: (w) => ({ ...list, projectId: w.target.projectId }), scope: 'project' },
  'cost.code': {
    input: (w) => ({ projectId: w.target.projectId, costCodeId: w.target.costCodeId }),
    scope: 'project',
  },
  'cost.records': {
    input: (w) => ({ ...list, projectId: w.target.projectId, costCodeId: w.target.costCodeId }),
    scope: 'project',
  },
  'cost.charts': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'cost.snapshots': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'cost.takeSnapshot': { input: (w) => ({ projectId: w.target.projectId }), scope: 'project' },
  'cost.setForecast': {
    input: (w) => ({
      costCodeId: w.target.costCodeId,
      version: 0,
      method: 'automatic',
      manualAmount: null,
      earnedValue: null,
      reason: 'Security sweep',
    }),
    scope: 'project',
  },

  'portfolio.list': { input: () => list, scope: 'none' },
  'portfolio.charts': { input: () => ({ currency: 'GBP' }), scope: 'none' },
};

export type ProcedureInfo = {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  permission: unknown;
  input: ZodType | undefined;
};

/** Every procedure of the app router, read from the router itself (new procedures appear here). */
export function listProcedures(): ProcedureInfo[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureInfo['type']; meta?: { permission?: unknown }; inputs: ZodType[] } }
  >;
  return Object.entries(procedures).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    permission: procedure._def.meta?.permission,
    input: procedure._def.inputs[0],
  }));
}

export function callByPath(
  caller: ReturnType<typeof createCaller>,
  path: string,
  input: unknown,
): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

/** The keys anywhere in a sample that carry a record id (`…Id`, `…Ids`), e.g. projectId, lines[].costCodeId. */
export function idKeysOf(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => idKeysOf(item, `${prefix}[]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(/Ids?$/.test(key) && !/^odoo|AccountId$|JournalId$|ProductId$|PlanId$/.test(key)
      ? [`${prefix}${key}`]
      : []),
    ...idKeysOf(inner, `${prefix}${key}.`),
  ]);
}

/** A response, or everything an error carries (message, cause chain, own properties), as one string. */
export async function everythingFrom(
  promise: Promise<unknown>,
): Promise<{ ok: boolean; code?: string; text: string }> {
  try {
    return { ok: true, text: JSON.stringify(await promise) ?? '' };
  } catch (error) {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current && depth < 5; depth++) {
      parts.push(String(current), JSON.stringify(current, Object.getOwnPropertyNames(current)));
      current = (current as { cause?: unknown }).cause;
    }
    return { ok: false, code: (error as { code?: string }).code, text: parts.join('\n') };
  }
}
