import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { contractRevisions, milestoneEvidence, milestones, projects } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { compareAndSet as compareAndSetRecord, lockForUpdate } from '@/server/modules/workflow/record-writes';
import { formatMoney, Money, sumMoney } from '@/server/lib/money';
import { calculateMilestoneAmount, type MilestoneAmountBasis } from './milestone.calc';
import type { MilestoneFields } from './milestone.schemas';

export type MilestoneRow = typeof milestones.$inferSelect;

/** Statuses whose amount counts as billed against the contract (gross, before retention). */
export const BILLED_STATUSES = ['released', 'invoiced', 'paid'] as const;
/** Statuses in which a milestone is still to be released: past its planned date, it is overdue. */
export const OPEN_STATUSES = ['planned', 'completion_claimed', 'verified'] as const;

/** Loads a milestone for a write, locked; one of a project the actor cannot see is NOT_FOUND. */
export function loadMilestoneForUpdate(tx: Tx, actor: Actor, milestoneId: string): Promise<MilestoneRow> {
  return lockForUpdate(tx, milestones, actor, milestoneId, 'Milestone');
}

/** Compare-and-set on status and version: zero rows means someone else moved the milestone first. */
export function compareAndSet(
  tx: Tx,
  row: MilestoneRow,
  expectedVersion: number,
  changes: Partial<typeof milestones.$inferInsert>,
): Promise<MilestoneRow> {
  return compareAndSetRecord(tx, milestones, row, expectedVersion, changes);
}

/** "P-1001-MS-003": unique across the organisation, so it is also the invoice's `ref` in Odoo. */
export function formatMilestoneReference(projectCode: string, number: number): string {
  return `${projectCode}-MS-${String(number).padStart(3, '0')}`;
}

/** The form speaks percent ("25"), the table stores a fraction ("0.2500"). */
export function percentToFraction(percent: string): string {
  return new Money(percent).dividedBy(100).toFixed(4);
}
export function fractionToPercent(fraction: string): string {
  return new Money(fraction).times(100).toFixed(2);
}

export function amountBasisOf(
  row: Pick<MilestoneRow, 'amountBasis' | 'fixedAmount' | 'percentOfContract'>,
): MilestoneAmountBasis {
  if (row.amountBasis === 'fixed') return { basis: 'fixed', amount: row.fixedAmount ?? '0' };
  return { basis: 'percent', percentOfContract: fractionToPercent(row.percentOfContract ?? '0') };
}

/** The columns a form's amount writes, validated by the same calculation the release uses. */
export function amountColumns(
  fields: Pick<MilestoneFields, 'amountBasis' | 'fixedAmount' | 'percentOfContract'>,
) {
  if (fields.amountBasis === 'fixed') {
    if (!fields.fixedAmount) throw new DomainError('VALIDATION', 'Enter the milestone amount.');
    calculateMilestoneAmount({
      amount: { basis: 'fixed', amount: fields.fixedAmount },
      revisedContractValue: '0',
    });
    return {
      amountBasis: 'fixed' as const,
      fixedAmount: formatMoney(fields.fixedAmount),
      percentOfContract: null,
    };
  }
  if (!fields.percentOfContract)
    throw new DomainError('VALIDATION', 'Enter the percentage of the contract value.');
  calculateMilestoneAmount({
    amount: { basis: 'percent', percentOfContract: fields.percentOfContract },
    revisedContractValue: '0',
  });
  return {
    amountBasis: 'percent' as const,
    fixedAmount: null,
    percentOfContract: percentToFraction(fields.percentOfContract),
  };
}

/** Original contract value plus every approved client change order (contract_revisions). */
export async function revisedContractValue(db: DbOrTx, projectId: string): Promise<string> {
  const [project] = await db
    .select({ original: projects.originalContractAmount })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new DomainError('NOT_FOUND', 'Project not found.');
  const revisions = await db
    .select({ amount: contractRevisions.amount })
    .from(contractRevisions)
    .where(eq(contractRevisions.projectId, projectId));
  return formatMoney(sumMoney([project.original, ...revisions.map((r) => r.amount)]));
}

/** Gross amount of the project's other milestones already released, invoiced or paid. */
export async function alreadyBilled(
  db: DbOrTx,
  projectId: string,
  exceptMilestoneId: string,
): Promise<string> {
  const rows = await db
    .select({ amount: milestones.invoiceAmount })
    .from(milestones)
    .where(
      and(
        eq(milestones.projectId, projectId),
        ne(milestones.id, exceptMilestoneId),
        inArray(milestones.status, [...BILLED_STATUSES]),
      ),
    );
  return formatMoney(sumMoney(rows.map((r) => r.amount ?? '0')));
}

/** The milestone's amount today: the stored one once released, else priced on the revised contract. */
export function currentAmount(
  row: Pick<MilestoneRow, 'amountBasis' | 'fixedAmount' | 'percentOfContract' | 'invoiceAmount'>,
  revisedContract: string,
): string {
  if (row.invoiceAmount !== null) return row.invoiceAmount;
  return calculateMilestoneAmount({ amount: amountBasisOf(row), revisedContractValue: revisedContract });
}

export async function writeEvidence(
  tx: Tx,
  milestoneId: string,
  evidence: MilestoneFields['evidence'],
): Promise<void> {
  await tx.delete(milestoneEvidence).where(eq(milestoneEvidence.milestoneId, milestoneId));
  if (evidence.length > 0)
    await tx
      .insert(milestoneEvidence)
      .values(evidence.map((e) => ({ milestoneId, title: e.title, url: e.url })));
}

/** Next number per project; the project row lock serialises concurrent creators. */
export async function nextMilestoneNumber(
  tx: Tx,
  projectId: string,
): Promise<{ number: number; projectCode: string }> {
  const [project] = await tx
    .select({ code: projects.code })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for('update');
  if (!project) throw new DomainError('NOT_FOUND', 'Project not found.');
  const [last] = await tx
    .select({ n: sql<number>`coalesce(max(${milestones.number}), 0)::int` })
    .from(milestones)
    .where(eq(milestones.projectId, projectId));
  return { number: (last?.n ?? 0) + 1, projectCode: project.code };
}
