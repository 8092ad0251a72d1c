import { z } from 'zod';
import { dateInput, idInput, versionInput } from '@/server/lib/validation';

export const complianceTypes = ['insurance', 'licence', 'tax'] as const;
export type ComplianceType = (typeof complianceTypes)[number];
export const complianceTypeLabels: Record<ComplianceType, string> = {
  insurance: 'Insurance certificate',
  licence: 'Licence',
  tax: 'Tax certificate',
};

/** What the one rule (compliance.ts) answers for a certificate or a vendor on a day. */
export const complianceStates = ['current', 'expiring', 'expired', 'missing'] as const;
export type ComplianceState = (typeof complianceStates)[number];
export const complianceStateLabels: Record<ComplianceState, string> = {
  current: 'Current',
  expiring: 'Expiring within 30 days',
  expired: 'Expired',
  missing: 'Not recorded',
};

export const complianceDocumentStatuses = ['submitted', 'accepted', 'rejected'] as const;
export type ComplianceDocumentStatus = (typeof complianceDocumentStatuses)[number];

export const submitComplianceDocumentInput = z
  .object({
    vendorId: idInput,
    documentId: idInput,
    type: z.enum(complianceTypes, { message: 'Choose what the certificate is: insurance, licence or tax.' }),
    expiresOn: dateInput,
  })
  .strict();
export type SubmitComplianceDocumentInput = z.infer<typeof submitComplianceDocumentInput>;

export const reviewComplianceDocumentInput = z
  .object({
    complianceDocumentId: idInput,
    version: versionInput,
    decision: z.enum(['accept', 'reject'], { message: 'Accept or reject the certificate.' }),
    reason: z.string().trim().max(500, 'Keep the reason under 500 characters.').optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.decision === 'reject' && !input.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Say why the certificate is rejected.' });
  });
export type ReviewComplianceDocumentInput = z.infer<typeof reviewComplianceDocumentInput>;

export const vendorComplianceInput = z.object({ vendorId: idInput }).strict();

/** A compliance document as the register shows it. */
export type ComplianceDocumentView = {
  id: string;
  vendorId: string;
  documentId: string;
  fileName: string;
  type: ComplianceType;
  expiresOn: string;
  /** The one rule's state of this certificate's date today. */
  dateState: ComplianceState;
  status: ComplianceDocumentStatus;
  submittedByName: string;
  submittedAt: Date;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  rejectionReason: string | null;
  /** The dual-control request accepting asked for: pending until an executive confirms it. */
  pendingChangeStatus: string | null;
  version: number;
  canReview: boolean;
  whyNotReview: string | null;
};

export type VendorComplianceView = {
  vendorId: string;
  vendorName: string;
  on: string;
  state: ComplianceState;
  reason: string | null;
  items: { type: ComplianceType; expiresOn: string | null; state: ComplianceState }[];
  documents: ComplianceDocumentView[];
  canSubmit: boolean;
  syncStatus: string;
};

/** The finance register across vendors: one row per vendor. */
export type ComplianceRegisterRow = {
  vendorId: string;
  vendorName: string;
  state: ComplianceState;
  insuranceExpiresOn: string | null;
  licenceExpiresOn: string | null;
  taxCertificateExpiresOn: string | null;
  awaitingReview: number;
  syncStatus: string;
};
