import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { claims, subcontracts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { idInput, moneyInput, rateInput, versionInput } from '@/server/lib/validation';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';

const percentInput = z
  .string()
  .trim()
  .regex(/^(100(\.0{1,4})?|\d{1,2}(\.\d{1,4})?)$/, 'Enter a percentage between 0 and 100, e.g. 50.');

/** Retention terms (DOMAIN §4): rates as fractions ("0.05"); the reduced-rate threshold as a percent complete ("50"). */
export const updateRetentionInput = z
  .object({
    subcontractId: idInput,
    version: versionInput,
    retentionRate: rateInput,
    retentionMaterialsRate: rateInput,
    retentionReducedRate: rateInput.nullable(),
    retentionReducedAfterPercent: percentInput.nullable(),
    retentionCapBasis: z.enum(['original', 'revised', 'fixed']),
    retentionCapRate: rateInput,
    retentionCapAmount: moneyInput.nullable(),
  })
  .strict()
  .refine((v) => (v.retentionReducedRate === null) === (v.retentionReducedAfterPercent === null), {
    message: 'A reduced rate needs the percent complete it starts at, and the other way round.',
    path: ['retentionReducedAfterPercent'],
  });

/** "0.05" → "0.0500": pads a decimal string to the column's scale (no arithmetic), so diffs compare like with like. */
function scaled(value: string | null, decimals: number): string | null {
  if (value === null) return null;
  const [whole = '0', fraction = ''] = value.split('.');
  return `${whole}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
}

/**
 * Finance edits a subcontract's retention terms, audited with the fields it changed; compare-and-set
 * on version. Refused while a claim of the subcontract sits between certification and a posted bill:
 * those figures were certified under the current terms, and its bill is built from them.
 */
export async function updateRetentionTerms(
  db: Db,
  input: z.infer<typeof updateRetentionInput>,
  actor: Actor,
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(subcontracts)
      .where(eq(subcontracts.id, input.subcontractId))
      .for('update');
    if (!row) throw new DomainError('NOT_FOUND', 'Subcontract not found.');
    await assertProjectVisible(tx, actor, row.projectId);
    if (input.retentionCapBasis === 'fixed' && input.retentionCapAmount === null) {
      throw new DomainError('VALIDATION', 'A fixed cap needs its amount.');
    }
    const [inFlight] = await tx
      .select({ reference: claims.reference, status: claims.status })
      .from(claims)
      .where(
        and(eq(claims.subcontractId, row.id), inArray(claims.status, ['certified', 'approved', 'released'])),
      )
      .limit(1);
    if (inFlight) {
      throw new DomainError(
        'CONFLICT',
        `${inFlight.reference} is ${inFlight.status} under the current terms; change them once its bill is posted (or after it is rejected).`,
      );
    }
    const next = {
      retentionRate: scaled(input.retentionRate, 4)!,
      retentionMaterialsRate: scaled(input.retentionMaterialsRate, 4)!,
      retentionReducedRate: scaled(input.retentionReducedRate, 4),
      retentionReducedAfterPercent: scaled(input.retentionReducedAfterPercent, 4),
      retentionCapBasis: input.retentionCapBasis,
      retentionCapRate: scaled(input.retentionCapRate, 4)!,
      retentionCapAmount: input.retentionCapBasis === 'fixed' ? scaled(input.retentionCapAmount, 2) : null,
    };
    const changes = diffFields(row, next);
    const [updated] = await tx
      .update(subcontracts)
      .set({ ...next, version: sql`${subcontracts.version} + 1`, updatedAt: new Date() })
      .where(and(eq(subcontracts.id, row.id), eq(subcontracts.version, input.version)))
      .returning({ version: subcontracts.version });
    if (!updated)
      throw new DomainError(
        'CONFLICT',
        `${row.reference} was changed by someone else. Reload it and try again.`,
      );
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor,
        action: 'subcontract.update_retention',
        entityType: 'subcontract',
        entityId: row.id,
        changedFields: changes,
      });
    }
    return { version: updated.version };
  });
}
