import { z } from 'zod';

export const saveConnectionInput = z
  .object({
    url: z
      .string()
      .trim()
      .max(2000, 'At most 2000 characters.')
      .url('Enter the Odoo address, e.g. https://mycompany.odoo.com')
      .refine((value) => /^https?:\/\//i.test(value), 'Use an http:// or https:// address.'),
    database: z.string().trim().min(1, 'Required.').max(200),
    login: z.string().trim().min(1, 'Required.').max(200),
    authMethod: z.enum(['api_key', 'password']),
    /** Omitted (or empty) on update = keep the stored secret. */
    secret: z.string().max(500).optional(),
    /** The version read with the form; omitted for the first save. */
    version: z.number().int().min(1).optional(),
  })
  .strict();
export type SaveConnectionInput = z.infer<typeof saveConnectionInput>;

const odooId = z.number().int().positive().nullable();

export const saveMappingsInput = z
  .object({
    retentionPayableAccountId: odooId,
    retentionReceivableAccountId: odooId,
    purchaseJournalId: odooId,
    salesJournalId: odooId,
    changeOrderProductId: odooId,
    costCodePlanId: odooId,
  })
  .strict();
export type SaveMappingsInput = z.infer<typeof saveMappingsInput>;

export type OdooTestResult = {
  ok: boolean;
  message: string;
  testedAt: Date;
  version?: string;
  transport?: string;
  user?: { name: string; login: string };
  company?: { name: string; currency: string | null };
  /** Access rights the sync needs that Odoo refuses this login, one line per thing to grant. */
  missingAccess?: string[];
};

/** Odoo's ACCOUNT_CODE_REGEX (addons/account/models/account_account.py `_check_account_code`). */
const accountCode = z
  .string()
  .trim()
  .min(1, 'Required.')
  .max(64, 'At most 64 characters.')
  .regex(
    /^[A-Za-z0-9.]+$/,
    'Letters, digits and dots only: Odoo refuses any other character in an account code.',
  );
const recordName = z.string().trim().min(1, 'Required.').max(128, 'At most 128 characters.');

/** What the setup page may create in Odoo, one kind per set-up step (nothing else). */
const setupKinds = {
  retentionPayableAccountId: { name: recordName, code: accountCode },
  retentionReceivableAccountId: { name: recordName, code: accountCode },
  changeOrderProductId: {
    name: recordName,
    internalReference: z.string().trim().max(64, 'At most 64 characters.').optional(),
  },
  costCodePlanId: { name: recordName },
  /** The missing cost-code accounts in the chosen plan. */
  costCodeAccounts: {},
} as const;
type SetupKinds = typeof setupKinds;

const confirmation = { confirm: z.literal(true, { error: 'Read the preview and confirm it first.' }) };

function setupUnion<E extends z.ZodRawShape>(extra: E) {
  const one = <K extends keyof SetupKinds>(kind: K) =>
    z.object({ kind: z.literal(kind), ...setupKinds[kind], ...extra }).strict();
  const byKind = z.discriminatedUnion('kind', [
    one('retentionPayableAccountId'),
    one('retentionReceivableAccountId'),
    one('changeOrderProductId'),
    one('costCodePlanId'),
    one('costCodeAccounts'),
  ]);
  // every key any kind may carry, checked first: an unknown key is named as such, not as "no kind matched"
  const anyKind = z
    .object({
      kind: z.enum(Object.keys(setupKinds) as [keyof SetupKinds, ...(keyof SetupKinds)[]]),
      name: recordName.optional(),
      code: accountCode.optional(),
      internalReference: setupKinds.changeOrderProductId.internalReference,
      ...extra,
    })
    .strict();
  return anyKind.transform((value, ctx) => {
    const parsed = byKind.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
}

export const previewSetupRecordInput = setupUnion({});
export type SetupRecordInput = z.output<typeof previewSetupRecordInput>;
/** Creating needs the explicit confirmation the preview asks for: nothing is created silently. */
export const createSetupRecordInput = setupUnion(confirmation);
export type SetupKind = SetupRecordInput['kind'];

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { SetupProjectRow, UnlinkedRecordRow } from './odoo-setup-guide.queries';
