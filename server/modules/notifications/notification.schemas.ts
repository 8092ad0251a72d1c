import { z } from 'zod';
import type { NotificationStatus } from '@/db/schema';
import { idInput } from '@/server/lib/validation';

/**
 * Every kind of mail Plumbline sends to a person (issue 19). `audience` says whose eyes it is for:
 * `vendor` mail goes to a subcontractor's contacts and carries only that vendor's own claim figures
 * (notification-templates.ts, tested against forbidden figures); `internal` mail goes to the
 * contractor's people. Essential mail cannot be turned off.
 */
export const notificationKinds = [
  'claim_submitted',
  'claim_certified',
  'claim_rejected',
  'claim_paid',
  'approval_waiting',
  'approval_digest',
  'compliance_uploaded',
  'compliance_expiring',
  'account',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export type NotificationKindDefinition = {
  label: string;
  description: string;
  essential: boolean;
  /** Shown on the preferences page (the digest is governed by "approval waiting"). */
  listed: boolean;
};

export const notificationKindDefinitions: Record<NotificationKind, NotificationKindDefinition> = {
  claim_submitted: {
    label: 'Claim submitted',
    description: 'A claim on one of your projects was submitted for certification (quantity surveyors).',
    essential: false,
    listed: true,
  },
  claim_certified: {
    label: 'Claim certified',
    description: "Your company's claim was certified.",
    essential: false,
    listed: true,
  },
  claim_rejected: {
    label: 'Claim rejected',
    description: "Your company's claim was rejected, with the reason.",
    essential: false,
    listed: true,
  },
  claim_paid: {
    label: 'Claim paid',
    description: "Your company's claim was paid.",
    essential: false,
    listed: true,
  },
  approval_waiting: {
    label: 'Approval waiting',
    description: 'A change order or claim waits for your approval step.',
    essential: false,
    listed: true,
  },
  approval_digest: {
    label: 'Daily approvals digest',
    description: 'Everything that waits for you, once a day.',
    essential: false,
    listed: false,
  },
  compliance_uploaded: {
    label: 'Compliance document uploaded',
    description: 'A vendor uploaded an insurance, tax or licence certificate (finance).',
    essential: false,
    listed: true,
  },
  compliance_expiring: {
    label: 'Compliance expiring',
    description: 'A vendor insurance or licence expires within 30 days.',
    essential: false,
    listed: true,
  },
  account: {
    label: 'Account and security',
    description: 'Invitations, password and sign-in messages. Always sent.',
    essential: true,
    listed: true,
  },
};

/** The kinds a person may turn off one by one. */
export const optionalKinds = notificationKinds.filter(
  (kind) => !notificationKindDefinitions[kind].essential && notificationKindDefinitions[kind].listed,
);

export const notificationStatusLabels: Record<NotificationStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped (turned off)',
  uncertain: 'Uncertain: check before resending',
  held: 'Held for digest',
  digested: 'Sent in digest',
};

export const updateNotificationSettingsInput = z
  .object({
    allOff: z.boolean(),
    offKinds: z.array(z.enum(optionalKinds as [NotificationKind, ...NotificationKind[]])).max(20),
    approvalDigest: z.boolean(),
    version: z.number().int().min(0),
  })
  .strict();
export type UpdateNotificationSettingsInput = z.infer<typeof updateNotificationSettingsInput>;

export const resendNotificationInput = z.object({ notificationId: idInput }).strict();

export type NotificationSettingsView = {
  allOff: boolean;
  offKinds: NotificationKind[];
  approvalDigest: boolean;
  /** 0 before the first save (no row yet). */
  version: number;
  /** The person approves things (the digest option applies). */
  isApprover: boolean;
};

export type NotificationAdminRow = {
  id: string;
  recipient: string;
  kind: string;
  subject: string;
  status: NotificationStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
};
