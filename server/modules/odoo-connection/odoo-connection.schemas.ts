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
