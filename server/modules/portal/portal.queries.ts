import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  auditEvents,
  claims,
  partners,
  projects,
  sovLines,
  subcontracts,
  users,
  vendorInvitations,
} from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { vendorScope } from '@/server/auth/policy';
import { getClaimDetail } from '@/server/modules/claims/claim.queries';
import {
  APPROVED_STATES,
  certifiedBySovLine,
  OPEN_STATES,
  previousApprovedClaim,
} from '@/server/modules/claims/claim.records';
import { formatMoney, sumMoney, toMoney } from '@/server/lib/money';
import { getVendor } from '@/server/modules/vendors/vendor.queries';

/**
 * What a subcontractor reads (issue 19): their own vendor's subcontracts, SOV, claims, certificates and
 * payment status — a projection that names every field it returns, so budgets, cost codes, sell
 * amounts, approval comments and other vendors never reach them. Which rows: vendorScope
 * (server/auth/policy.ts); a claim through getClaimDetail, whose one visibility rule covers both.
 */

const ownSubcontracts = (actor: Actor) =>
  and(eq(projects.organisationId, actor.organisationId), vendorScope(actor, subcontracts.vendorId));

export type PortalSubcontractRow = {
  id: string;
  reference: string;
  title: string;
  projectCode: string;
  projectName: string;
  currency: string;
  scheduledAmount: string;
  certifiedToDateAmount: string;
  remainingAmount: string;
  openClaim: { id: string; reference: string; status: string } | null;
};

export async function listOwnSubcontracts(db: DbOrTx, actor: Actor): Promise<PortalSubcontractRow[]> {
  const rows = await db
    .select({
      id: subcontracts.id,
      reference: subcontracts.reference,
      title: subcontracts.title,
      projectCode: projects.code,
      projectName: projects.name,
      currency: projects.currency,
      scheduled: sql<string>`coalesce((SELECT sum(${sovLines.scheduledAmount}) FROM ${sovLines} WHERE ${sovLines.subcontractId} = ${subcontracts.id}), 0)::text`,
    })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .where(ownSubcontracts(actor))
    .orderBy(asc(projects.code), asc(subcontracts.reference));
  return Promise.all(
    rows.map(async (row) => {
      const certified = await certifiedToDate(db, row.id);
      const [open] = await db
        .select({ id: claims.id, reference: claims.reference, status: claims.status })
        .from(claims)
        .where(and(eq(claims.subcontractId, row.id), inArray(claims.status, [...OPEN_STATES])))
        .limit(1);
      return {
        id: row.id,
        reference: row.reference,
        title: row.title,
        projectCode: row.projectCode,
        projectName: row.projectName,
        currency: row.currency,
        scheduledAmount: formatMoney(row.scheduled),
        certifiedToDateAmount: certified.total,
        remainingAmount: formatMoney(toMoney(row.scheduled).minus(certified.total)),
        openClaim: open ?? null,
      };
    }),
  );
}

/** Certified to date per SOV line: the last claim that reached approved (DOMAIN §4's "previous"). */
async function certifiedToDate(db: DbOrTx, subcontractId: string) {
  const last = await previousApprovedClaim(db, subcontractId, 2_147_483_647);
  const byLine = await certifiedBySovLine(db, last?.id);
  return { byLine, total: formatMoney(sumMoney([...byLine.values()])) };
}

export type PortalClaimRow = {
  id: string;
  reference: string;
  revision: number;
  subcontractId: string;
  subcontractReference: string;
  projectCode: string;
  periodEnd: string;
  status: string;
  currency: string;
  claimedToDateAmount: string;
  certifiedToDateAmount: string | null;
  dueAmount: string | null;
  submittedAt: Date | null;
  payment: PaymentStage;
};

/** Where the money is, in the subcontractor's words (DOMAIN §4: approved → bill → posted → paid). */
export type PaymentStage = 'not_yet_approved' | 'approved' | 'bill_in_odoo' | 'posted' | 'paid' | 'rejected';

function paymentStage(claim: { status: string; odooBillId: number | null }): PaymentStage {
  if (claim.status === 'paid') return 'paid';
  if (claim.status === 'posted') return 'posted';
  if (claim.status === 'rejected') return 'rejected';
  if ((APPROVED_STATES as readonly string[]).includes(claim.status))
    return claim.odooBillId !== null ? 'bill_in_odoo' : 'approved';
  return 'not_yet_approved';
}

export async function listOwnClaims(
  db: DbOrTx,
  actor: Actor,
  filter: { subcontractId?: string } = {},
): Promise<PortalClaimRow[]> {
  const rows = await db
    .select({
      claim: claims,
      subcontractReference: subcontracts.reference,
      projectCode: projects.code,
      currency: projects.currency,
    })
    .from(claims)
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .where(
      and(
        ownSubcontracts(actor),
        filter.subcontractId ? eq(claims.subcontractId, filter.subcontractId) : undefined,
      ),
    )
    .orderBy(desc(claims.createdAt), desc(claims.revision))
    .limit(500);
  return rows.map(({ claim, subcontractReference, projectCode, currency }) => ({
    id: claim.id,
    reference: claim.reference,
    revision: claim.revision,
    subcontractId: claim.subcontractId,
    subcontractReference,
    projectCode,
    periodEnd: claim.periodEnd,
    status: claim.status,
    currency,
    claimedToDateAmount: claim.claimedToDateAmount,
    certifiedToDateAmount: claim.certifiedToDateAmount,
    dueAmount: claim.status === 'draft' || claim.status === 'submitted' ? null : claim.dueAmount,
    submittedAt: claim.submittedAt,
    payment: paymentStage(claim),
  }));
}

export async function getOwnSubcontract(db: DbOrTx, actor: Actor, subcontractId: string) {
  const [row] = await db
    .select({
      subcontract: subcontracts,
      projectCode: projects.code,
      projectName: projects.name,
      currency: projects.currency,
    })
    .from(subcontracts)
    .innerJoin(projects, eq(projects.id, subcontracts.projectId))
    .where(and(eq(subcontracts.id, subcontractId), ownSubcontracts(actor)));
  if (!row) return null;
  const sov = await db
    .select({
      id: sovLines.id,
      lineNo: sovLines.lineNo,
      description: sovLines.description,
      scheduledAmount: sovLines.scheduledAmount,
      fromChangeOrder: sql<boolean>`${sovLines.changeOrderId} IS NOT NULL`,
    })
    .from(sovLines)
    .where(eq(sovLines.subcontractId, subcontractId))
    .orderBy(asc(sovLines.lineNo));
  const certified = await certifiedToDate(db, subcontractId);
  const sc = row.subcontract;
  return {
    id: sc.id,
    reference: sc.reference,
    title: sc.title,
    projectCode: row.projectCode,
    projectName: row.projectName,
    currency: row.currency,
    retentionRate: sc.retentionRate,
    lines: sov.map((line) => {
      const previous = certified.byLine.get(line.id) ?? '0.00';
      return {
        ...line,
        previousCertifiedAmount: formatMoney(previous),
        remainingAmount: formatMoney(toMoney(line.scheduledAmount).minus(previous)),
      };
    }),
    scheduledAmount: formatMoney(sumMoney(sov.map((l) => l.scheduledAmount))),
    certifiedToDateAmount: certified.total,
    claims: await listOwnClaims(db, actor, { subcontractId }),
  };
}
export type PortalSubcontract = NonNullable<Awaited<ReturnType<typeof getOwnSubcontract>>>;

/**
 * One of the subcontractor's claims: what they claimed and what was certified, line by line, with the
 * reasons for every cut; deductions with their reasons; retention; what is due; where the money is.
 */
export async function getOwnClaim(db: DbOrTx, actor: Actor, claimId: string) {
  if (actor.role !== 'subcontractor') return null;
  const detail = await getClaimDetail(db, actor, claimId);
  if (!detail) return null;
  const moves = await db
    .select({ action: auditEvents.action, at: auditEvents.occurredAt })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.entityType, 'claim'),
        eq(auditEvents.entityId, claimId),
        inArray(auditEvents.action, ['claim.mark_posted', 'claim.mark_paid']),
      ),
    );
  const at = (action: string) => moves.find((m) => m.action === action)?.at ?? null;
  const calc = detail.calculation;
  const certified = detail.certifiedAt !== null && detail.status !== 'rejected';
  const isLatest = detail.revisions[detail.revisions.length - 1]?.id === detail.id;
  const stage = paymentStage(detail);
  return {
    id: detail.id,
    reference: detail.reference,
    revision: detail.revision,
    version: detail.version,
    type: detail.type,
    status: detail.status,
    periodEnd: detail.periodEnd,
    vendorInvoiceNumber: detail.vendorInvoiceNumber,
    declaredAt: detail.declaredAt,
    submittedAt: detail.submittedAt,
    certifiedAt: detail.certifiedAt,
    approvedAt: detail.approvedAt,
    releasedAt: detail.releasedAt,
    rejectionReason: detail.status === 'rejected' ? detail.rejectionReason : null,
    project: { code: detail.project.code, name: detail.project.name, currency: detail.project.currency },
    subcontract: {
      id: detail.subcontract.id,
      reference: detail.subcontract.reference,
      title: detail.subcontract.title,
      retention: detail.subcontract.retention,
    },
    lines: detail.lines.map((line) => ({
      sovLineId: line.sovLineId,
      lineNo: line.lineNo,
      description: line.description,
      fromChangeOrder: line.fromChangeOrder,
      scheduledAmount: line.scheduledAmount,
      previousCertifiedAmount: line.previousCertifiedAmount,
      claimedToDateAmount: line.claimedToDateAmount,
      certifiedToDateAmount: certified ? line.certifiedToDateAmount : null,
      certifyReason: certified ? line.certifyReason : null,
    })),
    materials: {
      claimedToDateAmount: detail.materialsClaimedToDateAmount,
      certifiedToDateAmount: certified ? detail.materialsStoredToDateAmount : null,
      reason: certified ? detail.materialsReason : null,
    },
    deductions: certified
      ? detail.deductions.map((d) => ({
          kind: d.kind,
          description: d.description,
          reason: d.reason,
          amount: d.amount,
        }))
      : [],
    figures:
      certified && calc
        ? {
            completedToDate: calc.completedToDate,
            retentionHeldToDate: calc.retention.heldToDate,
            deductionsToDate: calc.deductionsToDate,
            netToDate: calc.netToDate,
            previousNetToDate: calc.previousNetToDate,
            dueThisClaim: calc.dueThisClaim,
          }
        : null,
    claimedTotal: detail.claimedToDateAmount,
    payment: {
      stage,
      billName:
        stage === 'bill_in_odoo' || stage === 'posted' || stage === 'paid' ? detail.odooBillName : null,
      postedAt: at('claim.mark_posted'),
      paidAt: at('claim.mark_paid'),
    },
    revisions: detail.revisions,
    actions: {
      edit: detail.status === 'draft' && detail.type === 'progress',
      submit: detail.status === 'draft',
      revise: detail.status === 'rejected' && isLatest,
      certificate: certified,
      addDocuments: detail.status === 'draft',
    },
  };
}
export type PortalClaim = NonNullable<Awaited<ReturnType<typeof getOwnClaim>>>;

/** The vendor's portal access, for the contractor's finance and QS (on the vendor's page). */
export async function getVendorAccess(db: DbOrTx, actor: Actor, vendorId: string) {
  const vendor = await getVendor(db, actor, vendorId);
  if (!vendor) return null;
  const inviter = sql<string>`(SELECT ${users.name} FROM ${users} WHERE ${users.id} = ${vendorInvitations.invitedById})`;
  const [contacts, invitations] = await Promise.all([
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        isActive: users.isActive,
        version: users.version,
        lastSignInAt: users.lastSignInAt,
      })
      .from(users)
      .where(and(eq(users.vendorId, vendorId), eq(users.organisationId, actor.organisationId)))
      .orderBy(asc(users.name)),
    db
      .select({
        id: vendorInvitations.id,
        name: vendorInvitations.name,
        email: vendorInvitations.email,
        createdAt: vendorInvitations.createdAt,
        expiresAt: vendorInvitations.expiresAt,
        acceptedAt: vendorInvitations.acceptedAt,
        revokedAt: vendorInvitations.revokedAt,
        invitedByName: inviter,
      })
      .from(vendorInvitations)
      .where(eq(vendorInvitations.vendorId, vendorId))
      .orderBy(desc(vendorInvitations.createdAt))
      .limit(100),
  ]);
  const now = Date.now();
  const [flags] = await db
    .select({ isActive: partners.isActive, version: partners.version })
    .from(partners)
    .where(eq(partners.id, vendorId));
  return {
    vendorId,
    vendorName: vendor.name,
    isActive: flags?.isActive ?? false,
    version: flags?.version ?? 1,
    contacts,
    invitations: invitations.map((inv) => ({
      ...inv,
      state: inv.acceptedAt
        ? ('accepted' as const)
        : inv.revokedAt
          ? ('revoked' as const)
          : inv.expiresAt.getTime() <= now
            ? ('expired' as const)
            : ('pending' as const),
    })),
  };
}
export type VendorAccess = NonNullable<Awaited<ReturnType<typeof getVendorAccess>>>;
