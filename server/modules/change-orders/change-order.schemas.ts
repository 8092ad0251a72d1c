import { z } from 'zod';
import { commentInput, idInput, nameInput, versionInput } from '@/server/lib/validation';

const signedAmount = z
  .string()
  .trim()
  .regex(/^-?\d{1,12}(\.\d{1,2})?$/, 'Enter an amount with at most two decimals, e.g. 1250.00 or -300.00.');
const quantity = z
  .string()
  .trim()
  .regex(/^-?\d{1,10}(\.\d{1,4})?$/, 'Enter a quantity with at most four decimals, e.g. 12.5.');

export const changeOrderLineInput = z
  .object({
    costCodeId: idInput,
    description: z.string().trim().min(1, 'Describe the line.').max(500, 'At most 500 characters.'),
    quantity,
    unit: z.string().trim().min(1, 'Give a unit, e.g. m², nr, item.').max(20),
    unitCost: signedAmount,
    sellAmount: signedAmount.nullish(),
  })
  .strict();

export const documentLinkInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    url: z
      .string()
      .trim()
      .max(2000)
      .url('Enter a full link, e.g. https://docs.example.com/drawing-12.')
      .refine((value) => /^https?:\/\//i.test(value), 'Only http and https links are allowed.'),
  })
  .strict();

export const changeOrderFields = {
  kind: z.enum(['client', 'commitment', 'internal']),
  title: nameInput,
  reason: z.enum([
    'client_instruction',
    'design_change',
    'unforeseen_condition',
    'error_or_omission',
    'other',
  ]),
  description: z.string().trim().max(5000).default(''),
  scheduleImpactDays: z.number().int().min(-3650).max(3650).default(0),
  subcontractId: idInput.nullish(),
  clientChangeOrderId: idInput.nullish(),
  lines: z.array(changeOrderLineInput).min(1, 'Add at least one line.').max(200),
  documents: z.array(documentLinkInput).max(50).default([]),
};

export const createChangeOrderInput = z.object({ projectId: idInput, ...changeOrderFields }).strict();
export const updateChangeOrderInput = z
  .object({ changeOrderId: idInput, version: versionInput, ...changeOrderFields })
  .strict();
export const changeOrderActionInput = z
  .object({ changeOrderId: idInput, version: versionInput, comment: commentInput.optional() })
  .strict();
export const changeOrderReasonedActionInput = z
  .object({ changeOrderId: idInput, version: versionInput, comment: commentInput.min(1, 'Give a reason.') })
  .strict();
export const setProceedingInput = z
  .object({ changeOrderId: idInput, version: versionInput, isProceeding: z.boolean() })
  .strict();

export type CreateChangeOrderInput = z.infer<typeof createChangeOrderInput>;
export type UpdateChangeOrderInput = z.infer<typeof updateChangeOrderInput>;
export type ChangeOrderActionInput = z.infer<typeof changeOrderActionInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { ChangeOrderListRow } from './change-order.queries';
