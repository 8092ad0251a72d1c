import { z } from 'zod';
import { commentInput, dateInput, idInput, moneyInput, versionInput } from '@/server/lib/validation';

const percentInput = z
  .string()
  .trim()
  .regex(/^(100(\.0{1,4})?|\d{1,2}(\.\d{1,4})?)$/, 'Enter a percentage between 0 and 100, e.g. 42.5.');
const reasonInput = z.string().trim().max(1000, 'At most 1000 characters.');

/** Claimed to date is entered as an amount or as a percent of the line's scheduled value, not both. */
export const claimedLineInput = z
  .object({
    sovLineId: idInput,
    claimedToDate: moneyInput.optional(),
    claimedPercent: percentInput.optional(),
  })
  .strict()
  .refine(
    (line) => (line.claimedToDate === undefined) !== (line.claimedPercent === undefined),
    'Give either an amount or a percent for each line.',
  );

export const deductionInput = z
  .object({
    kind: z.enum(['back_charge', 'contra_charge']),
    description: z.string().trim().min(1, 'Describe the deduction.').max(500),
    reason: z.string().trim().min(1, 'Give the reason for the deduction.').max(1000),
    amount: moneyInput.refine((value) => /[1-9]/.test(value), 'A deduction is more than zero.'),
  })
  .strict();

export const createClaimInput = z.object({ subcontractId: idInput, periodEnd: dateInput }).strict();
export const createRetentionReleaseInput = z
  .object({
    subcontractId: idInput,
    periodEnd: dateInput,
    stage: z.enum(['practical_completion', 'end_of_defects']),
  })
  .strict();

export const updateClaimInput = z
  .object({
    claimId: idInput,
    version: versionInput,
    lines: z.array(claimedLineInput).max(500),
    materialsStoredToDate: moneyInput.default('0'),
    deductions: z.array(deductionInput).max(50).default([]),
  })
  .strict();

export const certifyLineInput = z
  .object({ sovLineId: idInput, certifiedToDate: moneyInput, reason: reasonInput.optional() })
  .strict();

export const certifyClaimInput = z
  .object({
    claimId: idInput,
    version: versionInput,
    lines: z.array(certifyLineInput).max(500),
    materialsStoredToDate: moneyInput.default('0'),
    /** Required whenever the certified materials differ from the claimed figure. */
    materialsReason: reasonInput.optional(),
    deductions: z.array(deductionInput).max(50).default([]),
    comment: commentInput.optional(),
  })
  .strict();

export const claimActionInput = z
  .object({ claimId: idInput, version: versionInput, comment: commentInput.optional() })
  .strict();
export const claimReasonedActionInput = z
  .object({ claimId: idInput, version: versionInput, comment: commentInput.min(1, 'Give a reason.') })
  .strict();

export const claimListFilters = z.object({
  projectId: idInput.optional(),
  subcontractId: idInput.optional(),
});

export type CreateClaimInput = z.infer<typeof createClaimInput>;
export type CreateRetentionReleaseInput = z.infer<typeof createRetentionReleaseInput>;
export type UpdateClaimInput = z.infer<typeof updateClaimInput>;
export type CertifyClaimInput = z.infer<typeof certifyClaimInput>;
export type ClaimActionInput = z.infer<typeof claimActionInput>;
export type DeductionInput = z.infer<typeof deductionInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { ClaimDetail, ClaimListRow } from './claim.queries';
