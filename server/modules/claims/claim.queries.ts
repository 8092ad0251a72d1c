import { organisationTimeZone } from '@/server/lib/org-time';
import { aliasedTable, and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  approvalDecisions,
  claimDeductions,
  claimLines,
  claims,
  costCodes,
  partners,
  projects,
  sovLines,
  subcontracts,
  users,
} from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { projectScope, subcontractScope } from '@/server/auth/policy';
import { isDomainError } from '@/server/errors';
import {
  listFilters,
  listOrder,
  listPaging,
  type ListColumns,
  type ListInput,
  type ListResult,
} from '@/server/lib/list';
import type { InboxItem } from '@/server/modules/inbox/inbox.types';
import {
  approvalState,
  approvalView,
  loadSubjects,
  routeDefinitions,
  thresholdsOf,
  type ApprovalView,
} from '@/server/modules/approvals/approvals';
import { claimSubject } from './claim-approval.service';
import { releaseBlocks } from './claim-release.service';
import { calculateClaim } from './claim.calc';
import { buildClaimInput, retentionTermsOf, type ClaimRow } from './claim.records';
import type { ClaimCalculation, ClaimInput } from './claim.types';

const columns = {
  reference: { sql: claims.reference, filter: 'contains' },
  projectCode: { sql: projects.code, filter: 'contains' },
  subcontractReference: { sql: subcontracts.reference, filter: 'contains' },
  vendorName: { sql: partners.name, filter: 'contains' },
  type: { sql: claims.type, filter: 'equals' },
  status: { sql: claims.status, filter: 'equals' },
  periodEnd: { sql: claims.periodEnd, filter: 'contains' },
  certifiedToDateAmount: { sql: claims.certifiedToDateAmount },
  dueAmount: { sql: claims.dueAmount },
  syncStatus: { sql: claims.syncStatus, filter: 'equals' },
  updatedAt: { sql: claims.updatedAt },
} satisfies ListColumns;

export type ClaimListRow = {
  id: string;
  projectId: string;
  projectCode: string;
  subcontractReference: string;
  vendorName: string;
  reference: string;
  revision: number;
  type: string;
  status: string;
  periodEnd: string;
  certifiedToDateAmount: string | null;
  dueAmount: string | null;
  syncStatus: string;
  currency: string;
  updatedAt: Date;
};

/** Claims across the actor's projects (or one project / subcontract); superseded revisions left out. */
export async function listClaims(
  db: DbOrTx,
  actor: Actor,
  input: ListInput & { projectId?: string; subcontractId?: string },
): Promise<ListResult<ClaimListRow>> {
  const where = and(
    eq(projects.organisationId, actor.organisationId),
    projectScope(actor, claims.projectId),
    input.projectId ? eq(claims.projectId, input.projectId) : undefined,
    input.subcontractId ? eq(claims.subcontractId, input.subcontractId) : undefined,
    sql`NOT EXISTS (SELECT 1 FROM ${claims} AS next_revision WHERE next_revision.previous_revision_id = ${claims.id})`,
    listFilters(columns, input, ['reference', 'vendorName', 'subcontractReference']),
  );
  const { limit, offset } = listPaging(input);
  const from = () =>
    db
      .select({ n: count() })
      .from(claims)
      .innerJoin(projects, eq(projects.id, claims.projectId))
      .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
      .innerJoin(partners, eq(partners.id, subcontracts.vendorId));
  const rows = await db
    .select({
      id: claims.id,
      projectId: claims.projectId,
      projectCode: projects.code,
      subcontractReference: subcontracts.reference,
      vendorName: partners.name,
      reference: claims.reference,
      revision: claims.revision,
      type: claims.type,
      status: claims.status,
      periodEnd: claims.periodEnd,
      certifiedToDateAmount: claims.certifiedToDateAmount,
      dueAmount: claims.dueAmount,
      syncStatus: claims.syncStatus,
      currency: projects.currency,
      updatedAt: claims.updatedAt,
    })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(where)
    .orderBy(...listOrder(columns, input, [desc(claims.updatedAt), claims.id]))
    .limit(limit)
    .offset(offset);
  const [total] = await from().where(where);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

async function loadVisibleClaim(db: DbOrTx, actor: Actor, claimId: string) {
  const [row] = await db
    .select({
      claim: claims,
      project: { id: projects.id, code: projects.code, name: projects.name, currency: projects.currency },
      subcontract: subcontracts,
      vendor: partners,
    })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(
      and(
        eq(claims.id, claimId),
        eq(projects.organisationId, actor.organisationId),
        subcontractScope(actor, claims.projectId, subcontracts.vendorId),
      ),
    );
  return row ?? null;
}

/** The figures to show: as certified (frozen) from certification on, a preview of the claimed ones before. */
async function calculationOf(
  db: DbOrTx,
  claim: ClaimRow,
): Promise<{
  calculation: ClaimCalculation | null;
  calculationError: string | null;
  calculationInput: ClaimInput | null;
}> {
  let input: ClaimInput;
  try {
    input = (await buildClaimInput(db, claim)).input;
  } catch (error) {
    if (isDomainError(error))
      return { calculation: null, calculationError: error.message, calculationInput: null };
    throw error;
  }
  // The grid recalculates live in the browser with the same calculateClaim, fed with this input and
  // the figures being typed. Odoo ids and analytic keys are not needed for the money: left out.
  const calculationInput: ClaimInput = {
    ...input,
    materialsAnalyticDistribution: null,
    lines: input.lines.map((l) => ({ ...l, odooPoLineId: null, analyticDistribution: null })),
  };
  try {
    return { calculation: calculateClaim(input), calculationError: null, calculationInput };
  } catch (error) {
    if (isDomainError(error)) return { calculation: null, calculationError: error.message, calculationInput };
    throw error;
  }
}

export async function getClaimDetail(db: DbOrTx, actor: Actor, claimId: string) {
  const found = await loadVisibleClaim(db, actor, claimId);
  if (!found) return null;
  const { claim } = found;
  const people = aliasedTable(users, 'people');
  const [lines, deductions, decisions, revisions, names, figures] = await Promise.all([
    db
      .select({
        line: claimLines,
        lineNo: sovLines.lineNo,
        description: sovLines.description,
        costCode: costCodes.code,
        fromChangeOrder: sql<boolean>`${sovLines.changeOrderId} IS NOT NULL`,
      })
      .from(claimLines)
      .innerJoin(sovLines, eq(sovLines.id, claimLines.sovLineId))
      .leftJoin(costCodes, eq(costCodes.id, sovLines.costCodeId))
      .where(eq(claimLines.claimId, claimId))
      .orderBy(asc(sovLines.lineNo)),
    db.select().from(claimDeductions).where(eq(claimDeductions.claimId, claimId)),
    db
      .select({
        step: approvalDecisions.step,
        stepName: approvalDecisions.stepName,
        decision: approvalDecisions.decision,
        decidedAt: approvalDecisions.decidedAt,
        comment: approvalDecisions.comment,
        role: approvalDecisions.role,
        deciderId: approvalDecisions.decidedById,
        deciderName: users.name,
      })
      .from(approvalDecisions)
      .innerJoin(users, eq(users.id, approvalDecisions.decidedById))
      .where(and(eq(approvalDecisions.recordType, 'claim'), eq(approvalDecisions.recordId, claimId)))
      .orderBy(asc(approvalDecisions.step)),
    db
      .select({ id: claims.id, revision: claims.revision, status: claims.status })
      .from(claims)
      .where(and(eq(claims.subcontractId, claim.subcontractId), eq(claims.number, claim.number)))
      .orderBy(asc(claims.revision)),
    db
      .select({ id: people.id, name: people.name })
      .from(people)
      .where(
        inArray(
          people.id,
          [claim.createdById, claim.certifiedById, claim.approvedById, claim.releasedById].filter(
            (id): id is string => !!id,
          ),
        ),
      ),
    calculationOf(db, claim),
  ]);
  const nameOf = (id: string | null) => names.find((n) => n.id === id)?.name ?? null;
  const isLatestRevision = revisions[revisions.length - 1]?.id === claimId;
  const blocks = claim.status === 'approved' ? await releaseBlocks(db, claim) : [];
  const approval = approvalView(await claimSubject(db, claim), actor);
  return {
    ...claim,
    project: found.project,
    subcontract: {
      id: found.subcontract.id,
      reference: found.subcontract.reference,
      title: found.subcontract.title,
      hasOdooLink: found.subcontract.odooPurchaseOrderId !== null,
      retention: retentionTermsOf(found.subcontract),
    },
    vendor: {
      id: found.vendor.id,
      name: found.vendor.name,
      insuranceExpiresOn: found.vendor.insuranceExpiresOn,
      licenceExpiresOn: found.vendor.licenceExpiresOn,
      hasOdooLink: found.vendor.odooId !== null,
    },
    creatorName: nameOf(claim.createdById),
    certifierName: nameOf(claim.certifiedById),
    approverName: nameOf(claim.approvedById),
    releaserName: nameOf(claim.releasedById),
    lines: lines.map((l) => ({
      ...l.line,
      lineNo: l.lineNo,
      description: l.description,
      costCode: l.costCode,
      fromChangeOrder: l.fromChangeOrder,
    })),
    deductions,
    decisions,
    revisions,
    ...figures,
    releaseBlocks: blocks,
    approval,
    actions: allowedActions(actor, claim, approval, isLatestRevision),
  };
}

export type ClaimDetail = NonNullable<Awaited<ReturnType<typeof getClaimDetail>>>;

/** What this person may do now (display only: every service re-checks). The step buttons ask the approvals module. */
function allowedActions(
  actor: Actor,
  claim: ClaimRow,
  approval: ApprovalView,
  isLatestRevision: boolean,
): string[] {
  const actions: string[] = [];
  if (claim.status === 'draft' && hasPermission(actor.role, 'claim.edit') && claim.type === 'progress')
    actions.push('edit');
  if (claim.status === 'draft' && hasPermission(actor.role, 'claim.submit')) actions.push('submit');
  if (claim.status === 'rejected' && isLatestRevision && hasPermission(actor.role, 'claim.edit'))
    actions.push('revise');
  const step = approval.pendingStep;
  if (approval.canAct && step) actions.push(stepAction[step.name] ?? step.name, 'reject');
  return actions;
}

/** The service (and button) that takes each claim step. */
const stepAction: Record<string, string> = {
  certify: 'certify',
  approve: 'approve',
  executive_approve: 'approve',
  release: 'release',
};

/** The payment certificate: only of a claim that has been certified. */
export async function getClaimCertificate(db: DbOrTx, actor: Actor, claimId: string) {
  const detail = await getClaimDetail(db, actor, claimId);
  if (!detail || !detail.calculation || !detail.certifiedAt || detail.status === 'rejected') return null;
  // the certificate's dates are the organisation's calendar days, whoever prints it and wherever
  return { ...detail, timeZone: await organisationTimeZone(db, actor.organisationId) };
}

/** "My approvals": claims in the actor's projects whose waiting step the approvals module says is theirs. */
export async function claimsAwaiting(db: DbOrTx, actor: Actor): Promise<InboxItem[]> {
  const awaiting = [
    ...new Set(routeDefinitions.claim.steps.filter((s) => s.roles.includes(actor.role)).map((s) => s.awaits)),
  ];
  if (awaiting.length === 0) return [];
  const rows = await db
    .select({
      claim: claims,
      projectCode: projects.code,
      currency: projects.currency,
      vendorName: partners.name,
    })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(
      and(
        inArray(claims.status, awaiting as ClaimRow['status'][]),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, claims.projectId),
      ),
    )
    .limit(500);
  const thresholds = await thresholdsOf(db, actor.organisationId);
  const subjects = await loadSubjects(
    db,
    'claim',
    rows.map(({ claim }) => ({
      id: claim.id,
      status: claim.status,
      authorIds: [claim.createdById, claim.submittedById],
      provisional: {
        amount: claim.dueAmount ?? claim.claimedToDateAmount ?? '0',
        reason: 'provisional until certification',
        thresholds,
      },
    })),
  );
  return rows.flatMap(({ claim, projectCode, currency, vendorName }) => {
    const state = approvalState(subjects.get(claim.id)!, actor);
    if (!state.canAct || !state.pendingStep) return [];
    const since =
      claim.status === 'submitted'
        ? claim.submittedAt
        : claim.status === 'certified'
          ? claim.certifiedAt
          : claim.approvedAt;
    return [
      {
        kind: 'claim' as const,
        id: claim.id,
        projectId: claim.projectId,
        projectCode,
        reference: claim.revision > 1 ? `${claim.reference} rev ${claim.revision}` : claim.reference,
        title: `${vendorName} · period to ${claim.periodEnd}`,
        step: state.pendingStep.label,
        amount: claim.dueAmount ?? claim.claimedToDateAmount,
        currency,
        waitingSince: since ?? claim.updatedAt,
      },
    ];
  });
}
