import { and, eq, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { projectMembers, projects } from '@/db/schema';
import type { DbOrTx } from '@/db/client';
import { DomainError } from '@/server/errors';
import { toMoney } from '@/server/lib/money';
import type { Actor } from './actor';
import type { Role } from './roles';

/**
 * The one record-level policy: which projects a person sees, and the segregation-of-duties rules.
 * Permissions (who may attempt an action at all) live in permissions.ts; this decides on a record.
 */
const ORGANISATION_WIDE: readonly Role[] = ['finance', 'executive', 'admin'];

export function seesAllProjects(actor: Actor): boolean {
  return ORGANISATION_WIDE.includes(actor.role);
}

/**
 * A WHERE fragment limiting rows to the actor's projects; organisation-wide roles see every one. A
 * subcontractor sees no project: what they read is scoped to their vendor (vendorScope), through the
 * portal module's own queries, never through the internal ones.
 */
export function projectScope(actor: Actor, projectIdColumn: AnyColumn | SQL): SQL {
  if (actor.role === 'subcontractor') return sql`false`;
  if (seesAllProjects(actor)) return sql`true`;
  return sql`${projectIdColumn} IN (SELECT ${projectMembers.projectId} FROM ${projectMembers} WHERE ${projectMembers.userId} = ${actor.id})`;
}

/** Another project's record answers NOT_FOUND, never FORBIDDEN: its existence is not leaked. */
export async function assertProjectVisible(db: DbOrTx, actor: Actor, projectId: string): Promise<void> {
  const [row] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(
      and(
        eq(projects.id, projectId),
        eq(projects.organisationId, actor.organisationId),
        projectScope(actor, projects.id),
      ),
    )
    .limit(1);
  if (!row) throw new DomainError('NOT_FOUND', 'Project not found.');
}

/**
 * The records of one vendor (a subcontract's, a claim's through its subcontract) that the actor may
 * act on as that vendor: a subcontractor, only their own vendor's; nobody else through this door.
 * Fails closed (a subcontractor without a vendor sees nothing).
 */
export function vendorScope(actor: Actor, vendorIdColumn: AnyColumn | SQL): SQL {
  if (actor.role !== 'subcontractor' || !actor.vendorId) return sql`false`;
  return sql`${vendorIdColumn} = ${actor.vendorId}`;
}

/**
 * Which subcontracts and claims the actor sees: the contractor's people by project, a subcontractor by
 * vendor. The one rule every claim query and lock asks (claim.queries.ts, claim.records.ts).
 */
export function subcontractScope(
  actor: Actor,
  projectIdColumn: AnyColumn | SQL,
  vendorIdColumn: AnyColumn | SQL,
): SQL {
  return actor.role === 'subcontractor'
    ? vendorScope(actor, vendorIdColumn)
    : projectScope(actor, projectIdColumn);
}

/**
 * May the actor act on this subcontract's claims? The contractor's people: when they see its project;
 * a subcontractor: when it is their vendor's. Anything else is NOT_FOUND, never FORBIDDEN.
 */
export async function assertSubcontractVisible(
  db: DbOrTx,
  actor: Actor,
  subcontract: { projectId: string; vendorId: string },
): Promise<void> {
  if (actor.role !== 'subcontractor') return assertProjectVisible(db, actor, subcontract.projectId);
  if (!actor.vendorId || subcontract.vendorId !== actor.vendorId)
    throw new DomainError('NOT_FOUND', 'Subcontract not found.');
  const [row] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.id, subcontract.projectId), eq(projects.organisationId, actor.organisationId)))
    .limit(1);
  if (!row) throw new DomainError('NOT_FOUND', 'Subcontract not found.');
}

// Segregation of duties on approval steps (no self-approval, one step per person) lives with the
// approval routes in server/modules/approvals/approvals.ts, the one approvals module every workflow asks;
// the database enforces the same rules again (approval_decisions indexes and trigger).

export function assertWithinLimit(amount: string, limit: string, what: string): void {
  if (toMoney(amount).abs().greaterThan(toMoney(limit))) {
    throw new DomainError('APPROVAL_LIMIT_EXCEEDED', `${what} is above your approval limit of ${limit}.`);
  }
}
