import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { env } from '@/server/env';
import {
  approvalState,
  loadSubject,
  thresholdsOfProject,
  type ApprovalRecordType,
  type ApprovalSubject,
} from '@/server/modules/approvals/approvals';
import {
  renderApprovalWaiting,
  renderClaimCertified,
  renderClaimPaid,
  renderClaimRejected,
  renderClaimSubmitted,
  renderComplianceUploaded,
  type VendorClaimFacts,
} from './notification-templates';
import { queueNotification, type QueueResult } from './notification.service';
import {
  approversWaiting,
  financeUsers,
  quantitySurveyorsOfProject,
  vendorContacts,
  type Recipient,
} from './recipients';

/**
 * The events Plumbline mails about (issue 19), one helper each, every one called INSIDE the
 * transaction of its event. Each reads the facts it needs itself, so a caller passes ids only.
 */

/** Where a subcontractor's contact reads their claim (the subcontractor portal). */
export function vendorClaimPath(claimId: string): string {
  return `/sub/claims/${claimId}`;
}

function link(path: string): string {
  return `${env().appOrigin}${path}`;
}

type ClaimFacts = {
  id: string;
  reference: string;
  revision: number;
  status: string;
  due_amount: string | null;
  claimed_to_date_amount: string | null;
  rejection_reason: string | null;
  project_id: string;
  project_code: string;
  currency: string;
  organisation_id: string;
  subcontract_reference: string;
  vendor_id: string;
  vendor_name: string;
};

async function claimFacts(db: DbOrTx, claimId: string): Promise<ClaimFacts> {
  const result = await db.execute<ClaimFacts>(sql`
    SELECT c.id, c.reference, c.revision, c.status::text AS status, c.due_amount::text AS due_amount,
      c.claimed_to_date_amount::text AS claimed_to_date_amount, c.rejection_reason,
      p.id AS project_id, p.code AS project_code, p.currency, p.organisation_id,
      s.reference AS subcontract_reference, v.id AS vendor_id, v.name AS vendor_name
    FROM claims c JOIN projects p ON p.id = c.project_id
    JOIN subcontracts s ON s.id = c.subcontract_id JOIN partners v ON v.id = s.vendor_id
    WHERE c.id = ${claimId}::uuid`);
  const row = result.rows[0];
  if (!row) throw new Error(`Claim ${claimId} not found for its notification.`);
  return row;
}

/** Only the vendor's own claim: reference, its subcontract, its own amount due, the reason. */
function vendorFacts(claim: ClaimFacts, withAmount: boolean): VendorClaimFacts {
  return {
    claimReference: claim.reference,
    revision: claim.revision,
    subcontractReference: claim.subcontract_reference,
    dueAmount: withAmount ? claim.due_amount : null,
    currency: claim.currency,
    reason: claim.rejection_reason,
    link: link(vendorClaimPath(claim.id)),
  };
}

/** Claim submitted → the project's quantity surveyors (internal: the claimed amount may be said). */
export async function notifyClaimSubmitted(tx: DbOrTx, claimId: string): Promise<QueueResult> {
  const claim = await claimFacts(tx, claimId);
  return queueNotification(tx, {
    event: 'claim_submitted',
    organisationId: claim.organisation_id,
    recordType: 'claim',
    recordId: claim.id,
    recipients: await quantitySurveyorsOfProject(tx, claim.project_id),
    render: () =>
      renderClaimSubmitted({
        claimReference: claim.reference,
        revision: claim.revision,
        projectCode: claim.project_code,
        vendorName: claim.vendor_name,
        subcontractReference: claim.subcontract_reference,
        claimedToDate: claim.claimed_to_date_amount,
        currency: claim.currency,
        link: link(`/projects/${claim.project_id}/claims/${claim.id}`),
      }),
  });
}

/**
 * Certified, rejected or paid → the vendor's subcontractor contacts. A claim row is certified,
 * rejected and paid at most once (a revision is a new row), so the record id is the event.
 */
export async function notifyClaimOutcome(
  tx: DbOrTx,
  claimId: string,
  outcome: 'claim_certified' | 'claim_rejected' | 'claim_paid',
): Promise<QueueResult> {
  const claim = await claimFacts(tx, claimId);
  const facts = vendorFacts(claim, outcome !== 'claim_rejected');
  const render =
    outcome === 'claim_certified'
      ? renderClaimCertified
      : outcome === 'claim_rejected'
        ? renderClaimRejected
        : renderClaimPaid;
  return queueNotification(tx, {
    event: outcome,
    organisationId: claim.organisation_id,
    recordType: 'claim',
    recordId: claim.id,
    recipients: await vendorContacts(tx, claim.vendor_id),
    render: () => render(facts),
  });
}

type WaitingFacts = {
  reference: string;
  title: string;
  amount: string | null;
  project_id: string;
  project_code: string;
  currency: string;
  organisation_id: string;
};

async function waitingFacts(db: DbOrTx, type: ApprovalRecordType, recordId: string): Promise<WaitingFacts> {
  const query =
    type === 'change_order'
      ? sql`SELECT r.reference, r.title, r.routing_amount::text AS amount, p.id AS project_id, p.code AS project_code,
              p.currency, p.organisation_id
            FROM change_orders r JOIN projects p ON p.id = r.project_id WHERE r.id = ${recordId}::uuid`
      : type === 'claim'
        ? sql`SELECT r.reference, v.name AS title, coalesce(r.due_amount, r.claimed_to_date_amount)::text AS amount,
                p.id AS project_id, p.code AS project_code, p.currency, p.organisation_id
              FROM claims r JOIN projects p ON p.id = r.project_id
              JOIN subcontracts s ON s.id = r.subcontract_id JOIN partners v ON v.id = s.vendor_id
              WHERE r.id = ${recordId}::uuid`
        : sql`SELECT r.reference, r.name AS title, NULL::text AS amount, p.id AS project_id,
                p.code AS project_code, p.currency, p.organisation_id
              FROM milestones r JOIN projects p ON p.id = r.project_id WHERE r.id = ${recordId}::uuid`;
  const row = (await db.execute<WaitingFacts>(query)).rows[0];
  if (!row) throw new Error(`${type} ${recordId} not found for its notification.`);
  return row;
}

const recordLabels: Record<ApprovalRecordType, string> = {
  change_order: 'Change order',
  claim: 'Claim',
  milestone: 'Milestone',
};

const recordPaths: Record<ApprovalRecordType, string> = {
  change_order: 'change-orders',
  claim: 'claims',
  milestone: 'billing',
};

/**
 * Approval waiting → each person who may take the step now pending (the approvals module decides,
 * as for the inbox). Pass the subject as it is AFTER the transaction's change (status and decisions).
 * One mail per record, cycle and step; a person who chose the daily digest gets it there instead.
 */
export async function notifyApprovalWaiting(tx: DbOrTx, subject: ApprovalSubject): Promise<QueueResult> {
  const facts = await waitingFacts(tx, subject.type, subject.id);
  const { step, recipients } = await approversWaiting(tx, subject, {
    id: facts.project_id,
    organisationId: facts.organisation_id,
  });
  if (!step) return { queued: [], skipped: [], held: [], duplicates: 0 };
  return queueNotification(tx, {
    event: 'approval_waiting',
    organisationId: facts.organisation_id,
    recordType: subject.type,
    recordId: subject.id,
    occurrence: `c${subject.cycle}:s${step.step}`,
    recipients,
    render: () =>
      renderApprovalWaiting({
        recordLabel: recordLabels[subject.type],
        reference: facts.reference,
        title: facts.title,
        projectCode: facts.project_code,
        stepLabel: step.label,
        amount: facts.amount,
        currency: facts.currency,
        link: link(`/projects/${facts.project_id}/${recordPaths[subject.type]}/${subject.id}`),
      }),
  });
}

/**
 * Whether an "approval waiting" notification still waits for its recipient: the same step of the
 * same cycle is pending and the approvals module says they may take it. The digest lists only those
 * (what waits now), so a step someone else took since is not announced.
 */
export async function stillWaitsFor(
  db: DbOrTx,
  held: { recordType: string | null; recordId: string | null; dedupeKey: string },
  recipient: { id: string; role: Recipient['role'] },
): Promise<boolean> {
  if (held.recordType !== 'change_order' && held.recordType !== 'claim') return true;
  if (!held.recordId) return false;
  const table = held.recordType === 'change_order' ? sql`change_orders` : sql`claims`;
  const amount =
    held.recordType === 'change_order'
      ? sql`r.routing_amount`
      : sql`coalesce(r.due_amount, r.claimed_to_date_amount, 0)`;
  const row = (
    await db.execute<{
      status: string;
      created_by_id: string;
      submitted_by_id: string | null;
      amount: string;
      project_id: string;
    }>(
      sql`SELECT r.status::text AS status, r.created_by_id, r.submitted_by_id, ${amount}::text AS amount, r.project_id
          FROM ${table} r WHERE r.id = ${held.recordId}::uuid`,
    )
  ).rows[0];
  if (!row) return false;
  // anything waiting has its route fixed (at submission, at certification): the provisional one is unused
  const subject = await loadSubject(db, held.recordType, {
    id: held.recordId,
    status: row.status,
    authorIds: [row.created_by_id, row.submitted_by_id],
    provisional: {
      amount: row.amount,
      reason: 'provisional',
      thresholds: await thresholdsOfProject(db, row.project_id),
    },
  });
  const state = approvalState(subject, recipient);
  return (
    state.canAct &&
    state.pendingStep !== null &&
    held.dedupeKey.endsWith(`:c${subject.cycle}:s${state.pendingStep.step}`)
  );
}

export type ComplianceUploadedInput = {
  organisationId: string;
  vendorId: string;
  /** The uploaded document (documents.id): one notification per document and finance person. */
  documentId: string;
  /** 'insurance', 'tax', 'licence'… as the compliance module names it. */
  documentKind: string;
  fileName: string;
  expiresOn?: string | null;
};

/**
 * For the compliance module: a vendor's certificate was uploaded → the organisation's finance people,
 * to review and accept it. Call it in the upload's transaction.
 */
export async function notifyComplianceDocumentUploaded(
  tx: DbOrTx,
  input: ComplianceUploadedInput,
): Promise<QueueResult> {
  const vendor = (
    await tx.execute<{ name: string }>(
      sql`SELECT name FROM partners WHERE id = ${input.vendorId}::uuid AND organisation_id = ${input.organisationId}::uuid`,
    )
  ).rows[0];
  if (!vendor) throw new Error(`Vendor ${input.vendorId} not found for its notification.`);
  return queueNotification(tx, {
    event: 'compliance_uploaded',
    organisationId: input.organisationId,
    recordType: 'document',
    recordId: input.documentId,
    recipients: await financeUsers(tx, input.organisationId),
    render: () =>
      renderComplianceUploaded({
        vendorName: vendor.name,
        documentKind: input.documentKind,
        fileName: input.fileName,
        expiresOn: input.expiresOn ?? null,
        link: link(`/vendors/${input.vendorId}`),
      }),
  });
}
