import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { mfaRecoveryCodes, partners, pendingChanges, userMfa, users } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { isRole } from '@/server/auth/roles';
import { DomainError } from '@/server/errors';
import { recordAudit, type ChangedFields } from '@/server/modules/audit/audit.service';
import { requestSync } from '@/server/sync/enqueue';
import {
  bankFingerprint,
  dualControlDefinitions,
  dualControlKinds,
  pendingChangeState,
  requestRefusal,
  type DualControlKind,
} from './dual-control';

/**
 * The one pending-change mechanism: a request (who, what kind, about which record, the values to
 * apply, what people are shown) waits for a second person; confirming applies it in the same
 * transaction, where the database guards (migration `dual_control_guards`) check that a confirmed
 * request for exactly these values exists. Rejecting or cancelling changes nothing else.
 */
export type ChangeSummary = { subject: string; changes: ChangedFields };

const entityTypeOf = (kind: DualControlKind) =>
  dualControlDefinitions[kind].subjectTable === 'partners' ? 'partner' : 'user';

export async function requestChange(
  tx: Tx,
  actor: Actor,
  input: {
    kind: DualControlKind;
    subjectId: string;
    payload: Record<string, unknown>;
    summary: ChangeSummary;
  },
): Promise<{ id: string }> {
  const refusal = requestRefusal(input.kind, input.subjectId, actor);
  if (refusal) throw new DomainError('FORBIDDEN', refusal);
  const [row] = await tx
    .insert(pendingChanges)
    .values({
      organisationId: actor.organisationId,
      kind: input.kind,
      subjectId: input.subjectId,
      payload: input.payload,
      summary: input.summary,
      requestedById: actor.id,
    })
    .onConflictDoNothing()
    .returning({ id: pendingChanges.id });
  if (!row) {
    throw new DomainError(
      'CONFLICT',
      `${dualControlDefinitions[input.kind].label} of ${input.summary.subject}: a change is already waiting for a second person. Confirm, reject or cancel it first.`,
    );
  }
  await recordAudit(tx, {
    actor,
    action: 'change.request',
    entityType: entityTypeOf(input.kind),
    entityId: input.subjectId,
    toState: 'pending',
    changedFields: input.summary.changes,
    comment: `${dualControlDefinitions[input.kind].label}: waiting for a second person (request ${row.id})`,
  });
  return row;
}

type ChangeRow = typeof pendingChanges.$inferSelect & { kind: DualControlKind };

async function lockChange(tx: Tx, actor: Actor, changeId: string): Promise<ChangeRow> {
  const [row] = await tx
    .select()
    .from(pendingChanges)
    .where(and(eq(pendingChanges.id, changeId), eq(pendingChanges.organisationId, actor.organisationId)))
    .for('update');
  if (!row || !(dualControlKinds as readonly string[]).includes(row.kind))
    throw new DomainError('NOT_FOUND', 'Change not found.');
  return row as ChangeRow;
}

/** The second person confirms (the change takes effect now) or rejects it. */
export async function decideChange(
  db: Db,
  actor: Actor,
  input: { changeId: string; decision: 'confirm' | 'reject'; comment?: string | null },
): Promise<{ status: 'confirmed' | 'rejected' }> {
  return db.transaction(async (tx) => {
    const change = await lockChange(tx, actor, input.changeId);
    const state = pendingChangeState(change, actor);
    if (!state.canDecide)
      throw new DomainError(
        state.whyNotCode ?? 'FORBIDDEN',
        state.whyNot ?? 'You may not decide this change.',
      );
    const label = dualControlDefinitions[change.kind].label;
    if (input.decision === 'reject') {
      await tx
        .update(pendingChanges)
        .set({
          status: 'rejected',
          decidedById: actor.id,
          decidedAt: new Date(),
          comment: input.comment ?? null,
        })
        .where(eq(pendingChanges.id, change.id));
      await recordAudit(tx, {
        actor,
        action: 'change.reject',
        entityType: entityTypeOf(change.kind),
        entityId: change.subjectId,
        fromState: 'pending',
        toState: 'rejected',
        comment: `${label} (request ${change.id})${input.comment ? `: ${input.comment}` : ''}`,
      });
      return { status: 'rejected' as const };
    }
    const [xact] = (await tx.execute<{ n: string }>(sql`SELECT current_xact_number()::text AS n`)).rows;
    await tx
      .update(pendingChanges)
      .set({
        status: 'confirmed',
        decidedById: actor.id,
        decidedAt: new Date(),
        comment: input.comment ?? null,
        appliedXact: Number(xact!.n),
      })
      .where(eq(pendingChanges.id, change.id));
    const effect = await applyChange(tx, change);
    await recordAudit(tx, {
      actor,
      action: effect.action,
      entityType: entityTypeOf(change.kind),
      entityId: change.subjectId,
      fromState: effect.fromState,
      toState: effect.toState,
      changedFields: effect.changes,
      comment: `${label}: asked for by ${change.requestedById}, confirmed (request ${change.id})${input.comment ? `: ${input.comment}` : ''}`,
    });
    return { status: 'confirmed' as const };
  });
}

/** The requester withdraws a change nobody has decided yet. */
export async function cancelChange(db: Db, actor: Actor, changeId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const change = await lockChange(tx, actor, changeId);
    if (!pendingChangeState(change, actor).canCancel)
      throw new DomainError(
        'FORBIDDEN',
        'Only the person who asked for a change may cancel it, while it is pending.',
      );
    await tx
      .update(pendingChanges)
      .set({ status: 'cancelled', decidedById: actor.id, decidedAt: new Date() })
      .where(eq(pendingChanges.id, change.id));
    await recordAudit(tx, {
      actor,
      action: 'change.cancel',
      entityType: entityTypeOf(change.kind),
      entityId: change.subjectId,
      fromState: 'pending',
      toState: 'cancelled',
      comment: `request ${change.id}`,
    });
  });
}

type Effect = { action: string; fromState?: string; toState?: string; changes: ChangedFields };

/** Locks the vendor, applies the confirmed fields and bumps its version; returns the row as it was. */
async function updateVendor(tx: Tx, vendorId: string, next: Partial<typeof partners.$inferInsert>) {
  const [before] = await tx.select().from(partners).where(eq(partners.id, vendorId)).for('update');
  if (!before) throw new DomainError('NOT_FOUND', 'Vendor not found.');
  await tx
    .update(partners)
    .set({ ...next, version: sql`${partners.version} + 1`, updatedAt: new Date() })
    .where(eq(partners.id, before.id));
  return before;
}

async function applyChange(tx: Tx, change: ChangeRow): Promise<Effect> {
  const payload = change.payload as Record<string, unknown>;
  switch (change.kind) {
    case 'vendor_bank': {
      const next = {
        bankAccountName: (payload.bankAccountName as string | null) ?? null,
        bankAccountNumber: (payload.bankAccountNumber as string | null) ?? null,
      };
      const before = await updateVendor(tx, change.subjectId, next);
      // never the number itself: its fingerprint and last four, before and after
      return {
        action: 'vendor.bank_change',
        changes: {
          bankAccountName: {
            old: bankFingerprint(before.bankAccountName),
            new: bankFingerprint(next.bankAccountName),
          },
          bankAccountNumber: {
            old: bankFingerprint(before.bankAccountNumber),
            new: bankFingerprint(next.bankAccountNumber),
          },
        },
      };
    }
    case 'vendor_compliance': {
      const next: Partial<typeof partners.$inferInsert> = {
        insuranceExpiresOn: (payload.insuranceExpiresOn as string | null) ?? null,
        licenceExpiresOn: (payload.licenceExpiresOn as string | null) ?? null,
      };
      // a request asked for before the tax certificate date existed leaves that date as it is
      if (Object.hasOwn(payload, 'taxCertificateExpiresOn'))
        next.taxCertificateExpiresOn = (payload.taxCertificateExpiresOn as string | null) ?? null;
      const before = await updateVendor(tx, change.subjectId, next);
      // the vendor's "Compliance: expired" tag in Odoo follows its dates (vendor-compliance.sync.ts)
      if (before.odooId !== null) await requestSync(tx, { recordType: 'vendor', recordId: before.id });
      return {
        action: 'vendor.compliance_change',
        changes: {
          insuranceExpiresOn: { old: before.insuranceExpiresOn, new: next.insuranceExpiresOn ?? null },
          licenceExpiresOn: { old: before.licenceExpiresOn, new: next.licenceExpiresOn ?? null },
          ...('taxCertificateExpiresOn' in next
            ? {
                taxCertificateExpiresOn: {
                  old: before.taxCertificateExpiresOn,
                  new: next.taxCertificateExpiresOn ?? null,
                },
              }
            : {}),
        },
      };
    }
    case 'role_grant': {
      const role = payload.role;
      if (!isRole(role)) throw new DomainError('VALIDATION', 'The requested role is not known.');
      const [before] = await tx.select().from(users).where(eq(users.id, change.subjectId)).for('update');
      if (!before) throw new DomainError('NOT_FOUND', 'User not found.');
      const activate = payload.activate === true;
      await tx
        .update(users)
        .set({
          role,
          isActive: activate ? true : before.isActive,
          sessionVersion: sql`${users.sessionVersion} + 1`,
          version: sql`${users.version} + 1`,
          updatedAt: new Date(),
        })
        .where(eq(users.id, before.id));
      const changes: ChangedFields = { role: { old: before.role, new: role } };
      if (activate && !before.isActive) changes.isActive = { old: false, new: true };
      return {
        action: 'user.role_grant',
        fromState: before.isActive ? 'active' : 'inactive',
        toState: activate || before.isActive ? 'active' : 'inactive',
        changes,
      };
    }
    case 'mfa_reset': {
      await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, change.subjectId));
      await tx.delete(userMfa).where(eq(userMfa.userId, change.subjectId));
      await tx
        .update(users)
        .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(eq(users.id, change.subjectId));
      return { action: 'mfa.reset_confirm', fromState: 'mfa_enabled', toState: 'mfa_reset', changes: {} };
    }
  }
}

/** Kinds this person takes part in (asks for or confirms): the only ones they see. */
function kindsFor(actor: Actor): DualControlKind[] {
  return dualControlKinds.filter(
    (k) =>
      dualControlDefinitions[k].requesterRoles.includes(actor.role) ||
      dualControlDefinitions[k].confirmerRoles.includes(actor.role),
  );
}

export type PendingChangeView = {
  id: string;
  kind: DualControlKind;
  kindLabel: string;
  subjectId: string;
  summary: ChangeSummary;
  status: string;
  requestedBy: string;
  requestedById: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
  canDecide: boolean;
  canCancel: boolean;
  whyNot: string | null;
};

/** The second person's list: what waits (or was decided), who asked, what changes — bank details only as fingerprint and last 4. */
export async function listPendingChanges(
  db: DbOrTx,
  actor: Actor,
  input: { status: 'pending' | 'decided'; kind?: DualControlKind; subjectId?: string },
): Promise<PendingChangeView[]> {
  const kinds = kindsFor(actor).filter((k) => !input.kind || k === input.kind);
  if (kinds.length === 0) return [];
  const requester = alias(users, 'requester');
  const decider = alias(users, 'decider');
  const rows = await db
    .select({
      id: pendingChanges.id,
      kind: pendingChanges.kind,
      subjectId: pendingChanges.subjectId,
      summary: pendingChanges.summary,
      status: pendingChanges.status,
      requestedById: pendingChanges.requestedById,
      requestedAt: pendingChanges.requestedAt,
      decidedAt: pendingChanges.decidedAt,
      comment: pendingChanges.comment,
      requestedBy: requester.name,
      decidedBy: decider.name,
    })
    .from(pendingChanges)
    .innerJoin(requester, eq(requester.id, pendingChanges.requestedById))
    .leftJoin(decider, eq(decider.id, pendingChanges.decidedById))
    .where(
      and(
        eq(pendingChanges.organisationId, actor.organisationId),
        inArray(pendingChanges.kind, kinds),
        input.status === 'pending'
          ? eq(pendingChanges.status, 'pending')
          : sql`${pendingChanges.status} <> 'pending'`,
        input.subjectId ? eq(pendingChanges.subjectId, input.subjectId) : undefined,
      ),
    )
    .orderBy(desc(pendingChanges.requestedAt))
    .limit(200);
  return rows.map(({ requestedBy, decidedBy, ...change }) => {
    const kind = change.kind as DualControlKind;
    const state = pendingChangeState({ ...change, kind }, actor);
    return {
      id: change.id,
      kind,
      kindLabel: dualControlDefinitions[kind].label,
      subjectId: change.subjectId,
      summary: change.summary as ChangeSummary,
      status: change.status,
      requestedBy,
      requestedById: change.requestedById,
      requestedAt: change.requestedAt,
      decidedBy: decidedBy ?? null,
      decidedAt: change.decidedAt,
      comment: change.comment,
      canDecide: state.canDecide,
      canCancel: state.canCancel,
      whyNot: state.whyNot,
    };
  });
}

/** A bank change waiting for its second person: the finance release of this vendor's claims waits too. */
export async function pendingBankChangeOf(
  db: DbOrTx,
  vendorId: string,
): Promise<{ id: string; requestedAt: Date } | null> {
  const [row] = await db
    .select({ id: pendingChanges.id, requestedAt: pendingChanges.requestedAt })
    .from(pendingChanges)
    .where(
      and(
        eq(pendingChanges.kind, 'vendor_bank'),
        eq(pendingChanges.subjectId, vendorId),
        eq(pendingChanges.status, 'pending'),
      ),
    );
  return row ?? null;
}

/** The kind of a change (the router's step-up asks before confirming new bank details). */
export async function kindOfChange(
  db: DbOrTx,
  actor: Actor,
  changeId: string,
): Promise<DualControlKind | null> {
  const [row] = await db
    .select({ kind: pendingChanges.kind })
    .from(pendingChanges)
    .where(and(eq(pendingChanges.id, changeId), eq(pendingChanges.organisationId, actor.organisationId)));
  return (row?.kind as DualControlKind | undefined) ?? null;
}
