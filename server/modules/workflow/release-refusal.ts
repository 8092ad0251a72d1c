import type { Tx } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { raiseException, resolveExceptionsFor } from '@/server/modules/exceptions/exception-raise.service';

/**
 * The refusal recorder of a finance release (claims and milestones, DOMAIN §4–5), one helper: each
 * cause of a refused release opens (or counts again on) its own exception — one open exception per
 * (record, cause) — and the refusal is audited; a release that goes through resolves them all. The
 * caller's transaction commits the refusal before `releaseRefused` is thrown, so the queue keeps it.
 */
export type ReleaseRefusal<Cause extends string> = { cause: Cause; message: string };

export type RefusedRecord = {
  /** 'claim' | 'milestone': the record type of the exceptions and the audit entity. */
  entity: string;
  row: { id: string; reference: string; projectId: string; status: string };
  amountAtStake: string | null;
};

/** The exception cause of one refusal reason, e.g. `claim_release.insurance_expired`. */
export function releaseRefusalCause(entity: string, cause: string): string {
  return `${entity}_release.${cause}`;
}

export async function recordReleaseRefusal<Cause extends string>(
  tx: Tx,
  record: RefusedRecord,
  actor: Actor,
  refusals: readonly ReleaseRefusal<Cause>[],
  guidance: Readonly<Record<Cause, string>>,
): Promise<void> {
  const { entity, row } = record;
  for (const refusal of refusals) {
    await raiseException(tx, {
      category: 'rule_breach',
      cause: releaseRefusalCause(entity, refusal.cause),
      recordType: entity,
      recordId: row.id,
      recordReference: row.reference,
      projectId: row.projectId,
      amountAtStake: record.amountAtStake,
      title: `Release of ${row.reference} refused: ${refusal.cause.replace(/_/g, ' ')}`,
      detail: refusal.message,
      guidance: guidance[refusal.cause],
    });
  }
  await recordAudit(tx, {
    actor,
    action: `${entity}.release_refused`,
    entityType: entity,
    entityId: row.id,
    fromState: row.status,
    toState: row.status,
    comment: refusals.map((r) => r.message).join(' '),
    changedFields: { causes: { old: null, new: refusals.map((r) => r.cause) } },
  });
}

/** A release went through: every refusal exception of the record is resolved. */
export async function resolveReleaseRefusals<Cause extends string>(
  tx: Tx,
  record: Pick<RefusedRecord, 'entity' | 'row'>,
  guidance: Readonly<Record<Cause, string>>,
  note: string,
): Promise<void> {
  for (const cause of Object.keys(guidance)) {
    await resolveExceptionsFor(
      tx,
      record.entity,
      record.row.id,
      releaseRefusalCause(record.entity, cause),
      note,
    );
  }
}

/** The error the person sees once the refusal committed: every reason, and the causes for the screen. */
export function releaseRefused(refusals: readonly ReleaseRefusal<string>[]): DomainError {
  return new DomainError('RELEASE_REFUSED', `Release refused: ${refusals.map((r) => r.message).join(' ')}`, {
    causes: refusals.map((r) => r.cause),
  });
}
