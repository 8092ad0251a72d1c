import { z } from 'zod';
import { passwordInput } from '@/server/modules/users/user.schemas';
import { claimedLineInput } from '@/server/modules/claims/claim.schemas';
import { dateInput, idInput, moneyInput, nameInput, versionInput } from '@/server/lib/validation';

/**
 * The subcontractor portal (issue 19): inputs of the vendor's own contacts, and of the contractor's
 * people who invite them. Pure (no server imports beyond other schemas): the client imports these.
 */

/** What a subcontractor declares when submitting; stored as the time and person who made it. */
export const DECLARATION_TEXT =
  'I declare that the work and materials claimed here have been carried out or delivered to site for this subcontract, that the amounts are a true statement of our entitlement to date, and that the attached invoice is ours.';

/** What an invitation link that cannot be used says, by why (the page and the accept route alike). */
export const invitationRefusals = {
  unknown: 'This invitation link is not valid. Ask the contractor for a new invitation.',
  used: 'This invitation has already been used. Sign in with the password you chose.',
  revoked: 'This invitation was withdrawn. Ask the contractor for a new invitation.',
  expired: 'This invitation has expired (links work for seven days). Ask the contractor for a new one.',
  vendor_inactive: 'Portal access for your company is switched off. Ask the contractor.',
} as const;

/** Seven days: how long an invitation link stays valid. */
export const INVITATION_DAYS = 7;

const invoiceNumber = z
  .string()
  .trim()
  .max(64, 'Your invoice number has at most 64 characters.')
  .regex(/^[\p{L}\p{N} ./_#-]*$/u, 'Use letters, digits, spaces and . / _ # - in the invoice number.');

export const portalStartClaimInput = z.object({ subcontractId: idInput, periodEnd: dateInput }).strict();

export const portalSaveClaimInput = z
  .object({
    claimId: idInput,
    version: versionInput,
    lines: z.array(claimedLineInput).max(500),
    materialsClaimedToDate: moneyInput.default('0'),
    invoiceNumber: invoiceNumber.optional(),
  })
  .strict();

export const portalSubmitClaimInput = z
  .object({
    claimId: idInput,
    version: versionInput,
    invoiceNumber: invoiceNumber.pipe(z.string().min(1, 'Enter your invoice number for this claim.')),
    declaration: z.literal(true, { message: 'Confirm the declaration to submit the claim.' }),
  })
  .strict();

export const portalClaimActionInput = z.object({ claimId: idInput, version: versionInput }).strict();

export const inviteContactInput = z
  .object({
    vendorId: idInput,
    email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(320),
    name: nameInput,
  })
  .strict();

export const acceptInvitationInput = z
  .object({
    token: z
      .string()
      .min(20, 'This invitation link is incomplete.')
      .max(200, 'This invitation link is not valid.'),
    name: nameInput,
    password: passwordInput,
    confirmPassword: z.string().max(1000),
  })
  .strict()
  .refine((value) => value.password === value.confirmPassword, {
    message: 'The two passwords differ.',
    path: ['confirmPassword'],
  });

export const invitationActionInput = z.object({ invitationId: idInput }).strict();
export const contactActiveInput = z
  .object({ userId: idInput, version: versionInput, active: z.boolean() })
  .strict();
export const vendorAccessInput = z
  .object({ vendorId: idInput, version: versionInput, active: z.boolean() })
  .strict();

/** Where the money is, in the subcontractor's words (DOMAIN §4: approved → bill → posted → paid). */
export const paymentStageLabels: Record<string, string> = {
  not_yet_approved: 'Not approved yet',
  approved: 'Approved: the bill is being raised in Odoo',
  bill_in_odoo: 'Bill in Odoo (draft)',
  posted: 'Posted in Odoo: awaiting payment',
  paid: 'Paid',
  rejected: 'Rejected',
};

export type PortalSaveClaimInput = z.infer<typeof portalSaveClaimInput>;
export type PortalSubmitClaimInput = z.infer<typeof portalSubmitClaimInput>;
export type InviteContactInput = z.infer<typeof inviteContactInput>;
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client.
export type {
  PortalClaim,
  PortalClaimRow,
  PortalSubcontract,
  PortalSubcontractRow,
  VendorAccess,
} from './portal.queries';
export type { InvitationView } from './invitation.service';
