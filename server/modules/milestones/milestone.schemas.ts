import { z } from 'zod';
import { documentLinkInput } from '@/server/modules/change-orders/change-order.schemas';
import {
  commentInput,
  dateInput,
  idInput,
  moneyInput,
  nameInput,
  versionInput,
} from '@/server/lib/validation';

const isoDate = dateInput;

/** A percentage of the revised contract value, e.g. 25 or 12.5 (stored as a fraction, four decimals). */
const percentInput = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'Enter a percentage with at most two decimals, e.g. 25 or 12.5.');

const odooId = z.number().int().positive().max(2_147_483_647);

export const milestoneFields = {
  name: nameInput,
  plannedDate: isoDate,
  amountBasis: z.enum(['fixed', 'percent']),
  fixedAmount: moneyInput.nullish(),
  percentOfContract: percentInput.nullish(),
  odooSaleLineId: odooId.nullish(),
  odooMilestoneId: odooId.nullish(),
  evidence: z.array(documentLinkInput).max(50).default([]),
};

export const createMilestoneInput = z.object({ projectId: idInput, ...milestoneFields }).strict();
export const updateMilestoneInput = z
  .object({ milestoneId: idInput, version: versionInput, ...milestoneFields })
  .strict();
export const milestoneActionInput = z
  .object({ milestoneId: idInput, version: versionInput, comment: commentInput.optional() })
  .strict();
export const rejectMilestoneInput = z
  .object({ milestoneId: idInput, version: versionInput, comment: commentInput.min(1, 'Give a reason.') })
  .strict();

export type CreateMilestoneInput = z.infer<typeof createMilestoneInput>;
export type UpdateMilestoneInput = z.infer<typeof updateMilestoneInput>;
export type MilestoneActionInput = z.infer<typeof milestoneActionInput>;
export type MilestoneFields = Omit<CreateMilestoneInput, 'projectId'>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { MilestoneListRow } from './milestone.queries';
