import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { partners } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { hasPermission } from '@/server/auth/permissions';
import { DomainError } from '@/server/errors';
import { dateInput, idInput, versionInput } from '@/server/lib/validation';
import { diffFields } from '@/server/modules/audit/audit.service';
import { bankFingerprint } from '@/server/modules/approvals/dual-control';
import { requestChange } from '@/server/modules/approvals/pending-change.service';

const isoDate = dateInput.nullable();
const bankText = z.string().trim().max(100).nullable().optional();

export const updateVendorComplianceInput = z
  .object({
    vendorId: idInput,
    version: versionInput,
    insuranceExpiresOn: isoDate,
    licenceExpiresOn: isoDate,
    /** Left out: the tax certificate's date stays as it is. */
    taxCertificateExpiresOn: isoDate.optional(),
    bankAccountName: bankText,
    bankAccountNumber: bankText,
  })
  .strict();

/**
 * Compliance data Odoo does not hold (insurance and licence expiry, bank details): Plumbline's own,
 * never touched by a pull. A change takes effect only when a second person confirms it (DOMAIN §1
 * dual control): this asks for it — one request for bank details, one for the expiry dates — and
 * changes nothing on the vendor yet. Bank values appear in requests and audit rows only as their
 * fingerprint and last four characters.
 */
export async function updateVendorCompliance(
  db: Db,
  input: z.infer<typeof updateVendorComplianceInput>,
  actor: Actor,
): Promise<{ version: number; pendingChangeIds: string[] }> {
  const touchesBank = input.bankAccountName !== undefined || input.bankAccountNumber !== undefined;
  if (touchesBank && !hasPermission(actor.role, 'vendor.read_bank'))
    throw new DomainError('FORBIDDEN', 'You may not change bank details.');
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(partners)
      .where(and(eq(partners.id, input.vendorId), eq(partners.organisationId, actor.organisationId)))
      .for('update');
    if (!before) throw new DomainError('NOT_FOUND', 'Vendor not found.');
    if (before.version !== input.version)
      throw new DomainError('CONFLICT', 'The vendor was changed by someone else. Reload and try again.');
    const pendingChangeIds: string[] = [];
    // every compliance date in the request (the guard compares all three with what is confirmed)
    const dates = {
      insuranceExpiresOn: input.insuranceExpiresOn,
      licenceExpiresOn: input.licenceExpiresOn,
      taxCertificateExpiresOn:
        input.taxCertificateExpiresOn === undefined
          ? before.taxCertificateExpiresOn
          : input.taxCertificateExpiresOn,
    };
    const dateChanges = diffFields(
      {
        insuranceExpiresOn: before.insuranceExpiresOn,
        licenceExpiresOn: before.licenceExpiresOn,
        taxCertificateExpiresOn: before.taxCertificateExpiresOn,
      },
      dates,
    );
    if (Object.keys(dateChanges).length > 0) {
      const { id } = await requestChange(tx, actor, {
        kind: 'vendor_compliance',
        subjectId: before.id,
        payload: dates,
        summary: { subject: before.name, changes: dateChanges },
      });
      pendingChangeIds.push(id);
    }
    const bank = {
      bankAccountName:
        input.bankAccountName === undefined ? before.bankAccountName : input.bankAccountName || null,
      bankAccountNumber:
        input.bankAccountNumber === undefined ? before.bankAccountNumber : input.bankAccountNumber || null,
    };
    if (
      bank.bankAccountName !== before.bankAccountName ||
      bank.bankAccountNumber !== before.bankAccountNumber
    ) {
      const changes = {
        bankAccountName: {
          old: bankFingerprint(before.bankAccountName),
          new: bankFingerprint(bank.bankAccountName),
        },
        bankAccountNumber: {
          old: bankFingerprint(before.bankAccountNumber),
          new: bankFingerprint(bank.bankAccountNumber),
        },
      };
      const { id } = await requestChange(tx, actor, {
        kind: 'vendor_bank',
        subjectId: before.id,
        payload: bank,
        summary: { subject: before.name, changes },
      });
      pendingChangeIds.push(id);
    }
    return { version: before.version, pendingChangeIds };
  });
}
