import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { approvalState, type ApprovalSubject, type RouteStep } from '@/server/modules/approvals/approvals';
import { seesAllProjects } from '@/server/auth/policy';
import type { Role } from '@/server/auth/roles';

/**
 * Who receives a notification (issue 19). Every list is active people of the organisation only; a
 * subcontractor's contact additionally needs an active vendor. Role literals are compared as text
 * (`role::text`): the 'subcontractor' enum value is added in a migration that may run in the same
 * transaction as the ones reading it.
 */
export type Recipient = { id: string; email: string; name: string; role: Role };

async function rows(db: DbOrTx, query: ReturnType<typeof sql>): Promise<Recipient[]> {
  const result = await db.execute<Recipient>(query);
  return result.rows;
}

/** The quantity surveyors who are members of the project. */
export function quantitySurveyorsOfProject(db: DbOrTx, projectId: string): Promise<Recipient[]> {
  return rows(
    db,
    sql`SELECT u.id, u.email, u.name, u.role::text AS role
        FROM users u JOIN project_members m ON m.user_id = u.id
        JOIN projects p ON p.id = m.project_id AND p.organisation_id = u.organisation_id
        WHERE m.project_id = ${projectId}::uuid AND u.role::text = 'quantity_surveyor' AND u.is_active
        ORDER BY u.email`,
  );
}

/** The vendor's subcontractor contacts (active, of an active vendor). */
export function vendorContacts(db: DbOrTx, vendorId: string): Promise<Recipient[]> {
  return rows(
    db,
    sql`SELECT u.id, u.email, u.name, u.role::text AS role
        FROM users u JOIN partners v ON v.id = u.vendor_id AND v.organisation_id = u.organisation_id
        WHERE u.vendor_id = ${vendorId}::uuid AND u.role::text = 'subcontractor' AND u.is_active AND v.is_active
        ORDER BY u.email`,
  );
}

/** The organisation's finance people. */
export function financeUsers(db: DbOrTx, organisationId: string): Promise<Recipient[]> {
  return rows(
    db,
    sql`SELECT u.id, u.email, u.name, u.role::text AS role FROM users u
        WHERE u.organisation_id = ${organisationId}::uuid AND u.role::text = 'finance' AND u.is_active
        ORDER BY u.email`,
  );
}

/** The vendor a claim is for (claim → subcontract → vendor). */
export async function vendorOfClaim(db: DbOrTx, claimId: string): Promise<string | null> {
  const result = await db.execute<{ vendor_id: string }>(
    sql`SELECT s.vendor_id FROM claims c JOIN subcontracts s ON s.id = c.subcontract_id WHERE c.id = ${claimId}::uuid`,
  );
  return result.rows[0]?.vendor_id ?? null;
}

/**
 * Everyone who may take the step now waiting on the record — asked of the approvals module
 * (`approvalState`) for each person of the step's role who sees the project, exactly as the inbox
 * asks it, so an author, someone who already took a step, or a non-member is never told to act.
 */
export async function approversWaiting(
  db: DbOrTx,
  subject: ApprovalSubject,
  project: { id: string; organisationId: string },
): Promise<{ step: RouteStep | null; recipients: Recipient[] }> {
  const pending = approvalState(subject, { id: '00000000-0000-0000-0000-000000000000', role: 'admin' });
  const step = pending.pendingStep;
  if (!step || step.awaits !== subject.status) return { step: null, recipients: [] };
  const candidates = (
    await db.execute<Recipient & { is_member: boolean }>(
      sql`SELECT u.id, u.email, u.name, u.role::text AS role,
            EXISTS (SELECT 1 FROM project_members m WHERE m.user_id = u.id AND m.project_id = ${project.id}::uuid) AS is_member
          FROM users u
          WHERE u.organisation_id = ${project.organisationId}::uuid AND u.is_active AND u.role::text = ${step.role}
          ORDER BY u.email`,
    )
  ).rows
    // project scope as the one policy says (organisation-wide roles see every project)
    .filter(
      (person) => person.is_member || seesAllProjects({ ...person, organisationId: project.organisationId }),
    )
    .map(({ is_member: _member, ...person }) => person);
  return {
    step,
    recipients: candidates.filter((person) => approvalState(subject, person).canAct),
  };
}
