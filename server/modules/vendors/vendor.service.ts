import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { partners } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';
import { dateInput, idInput, versionInput } from '@/server/lib/validation';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';

const isoDate = dateInput.nullable();
const bankText = z.string().trim().max(100).nullable().optional();

export const updateVendorComplianceInput = z
  .object({
    vendorId: idInput,
    version: versionInput,
    insuranceExpiresOn: isoDate,
    licenceExpiresOn: isoDate,
    bankAccountName: bankText,
    bankAccountNumber: bankText,
  })
  .strict();

/**
 * Compliance data Odoo does not hold (insurance and licence expiry, bank details): Plumbline's own,
 * never touched by a pull. Audited; bank values are masked in the audit row (the audit log is read
 * by roles that may not see them).
 */
export async function updateVendorCompliance(
  db: Db,
  input: z.infer<typeof updateVendorComplianceInput>,
  actor: Actor,
) {
  const touchesBank = input.bankAccountName !== undefined || input.bankAccountNumber !== undefined;
  if (touchesBank && !hasPermission(actor.role, 'vendor.read_bank'))
    throw new DomainError('FORBIDDEN', 'You may not change bank details.');
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(partners)
      .where(and(eq(partners.id, input.vendorId), eq(partners.organisationId, actor.organisationId)));
    if (!before) throw new DomainError('NOT_FOUND', 'Vendor not found.');
    const next = {
      insuranceExpiresOn: input.insuranceExpiresOn,
      licenceExpiresOn: input.licenceExpiresOn,
      ...(input.bankAccountName !== undefined ? { bankAccountName: input.bankAccountName || null } : {}),
      ...(input.bankAccountNumber !== undefined
        ? { bankAccountNumber: input.bankAccountNumber || null }
        : {}),
    };
    const changes = diffFields(before, next);
    for (const key of ['bankAccountName', 'bankAccountNumber'] as const) {
      if (changes[key]) changes[key] = { old: '[bank detail]', new: '[bank detail changed]' };
    }
    const [updated] = await tx
      .update(partners)
      .set({ ...next, version: sql`${partners.version} + 1`, updatedAt: new Date() })
      .where(and(eq(partners.id, input.vendorId), eq(partners.version, input.version)))
      .returning({ version: partners.version });
    if (!updated)
      throw new DomainError('CONFLICT', 'The vendor was changed by someone else. Reload and try again.');
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor,
        action: 'vendor.update_compliance',
        entityType: 'partner',
        entityId: input.vendorId,
        changedFields: changes,
      });
    }
    return { version: updated.version };
  });
}
