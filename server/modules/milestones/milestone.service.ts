import type { Db } from '@/db/client';
import { milestones } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { noteAuthor } from '@/server/modules/approvals/approvals';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import {
  amountColumns,
  compareAndSet,
  formatMilestoneReference,
  loadMilestoneForUpdate,
  nextMilestoneNumber,
  writeEvidence,
} from './milestone.records';
import { assertMilestoneOdooLinks } from './milestone-odoo-links';
import type { CreateMilestoneInput, MilestoneFields, UpdateMilestoneInput } from './milestone.schemas';

const ENTITY = 'milestone';

function editableColumns(fields: MilestoneFields) {
  return {
    name: fields.name,
    plannedDate: fields.plannedDate,
    ...amountColumns(fields),
    odooSaleLineId: fields.odooSaleLineId ?? null,
    odooMilestoneId: fields.odooMilestoneId ?? null,
  };
}

/** A PM or QS adds a milestone to a project's contract; numbered per project, audited with its money. */
export async function createMilestone(
  db: Db,
  input: CreateMilestoneInput,
  actor: Actor,
): Promise<{ id: string; reference: string }> {
  if (!hasPermission(actor.role, 'milestone.create'))
    throw new DomainError('FORBIDDEN', 'You may not create milestones.');
  return db.transaction(async (tx) => {
    await assertProjectVisible(tx, actor, input.projectId);
    const columns = editableColumns(input);
    await assertMilestoneOdooLinks(tx, actor.organisationId, input.projectId, columns);
    const { number, projectCode } = await nextMilestoneNumber(tx, input.projectId);
    const reference = formatMilestoneReference(projectCode, number);
    const [row] = await tx
      .insert(milestones)
      .values({ projectId: input.projectId, number, reference, ...columns, createdById: actor.id })
      .returning({ id: milestones.id });
    if (!row) throw new Error('milestone insert returned no row');
    await writeEvidence(tx, row.id, input.evidence);
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'creator');
    await recordAudit(tx, {
      actor,
      action: 'milestone.create',
      entityType: ENTITY,
      entityId: row.id,
      toState: 'planned',
      changedFields: {
        amountBasis: { old: null, new: columns.amountBasis },
        fixedAmount: { old: null, new: columns.fixedAmount },
        percentOfContract: { old: null, new: columns.percentOfContract },
        plannedDate: { old: null, new: columns.plannedDate },
      },
    });
    return { id: row.id, reference };
  });
}

/** Only a planned milestone is edited (after a rejection it is planned again); money changes are audited. */
export async function updateMilestone(db: Db, input: UpdateMilestoneInput, actor: Actor): Promise<void> {
  if (!hasPermission(actor.role, 'milestone.edit'))
    throw new DomainError('FORBIDDEN', 'You may not edit milestones.');
  await db.transaction(async (tx) => {
    const row = await loadMilestoneForUpdate(tx, actor, input.milestoneId);
    if (row.status !== 'planned')
      throw new DomainError(
        'INVALID_TRANSITION',
        `Only a planned milestone can be edited; ${row.reference} is ${row.status.replace('_', ' ')}.`,
      );
    const columns = editableColumns(input);
    // only links that change are read from Odoo; the sync checks every link again before it writes
    await assertMilestoneOdooLinks(tx, actor.organisationId, row.projectId, {
      odooSaleLineId: columns.odooSaleLineId !== row.odooSaleLineId ? columns.odooSaleLineId : null,
      odooMilestoneId: columns.odooMilestoneId !== row.odooMilestoneId ? columns.odooMilestoneId : null,
    });
    await compareAndSet(tx, row, input.version, columns);
    await writeEvidence(tx, row.id, input.evidence);
    await noteAuthor(tx, ENTITY, row.id, actor.id, 'editor');
    await recordAudit(tx, {
      actor,
      action: 'milestone.edit',
      entityType: ENTITY,
      entityId: row.id,
      changedFields: {
        ...diffFields(row, columns),
        evidence: { old: null, new: `${input.evidence.length} links` },
      },
    });
  });
}
