import { z } from 'zod';
import { idInput, versionInput } from '@/server/lib/validation';

export const exceptionActionInput = z.object({ exceptionId: idInput, version: versionInput }).strict();
export type ExceptionActionInput = z.infer<typeof exceptionActionInput>;

// The reason is checked in the service, so an empty one gets the plain-words REASON_REQUIRED message.
export const dismissExceptionInput = exceptionActionInput
  .extend({ reason: z.string().max(2000, 'At most 2000 characters.') })
  .strict();
export type DismissExceptionInput = z.infer<typeof dismissExceptionInput>;

export const recordRefInput = z
  .object({ recordType: z.string().trim().min(1).max(64), recordId: idInput })
  .strict();
export type RecordRefInput = z.infer<typeof recordRefInput>;

export const assignExceptionInput = exceptionActionInput.extend({ assigneeId: idInput.nullable() }).strict();
export type AssignExceptionInput = z.infer<typeof assignExceptionInput>;

const bulkItems = z
  .array(exceptionActionInput)
  .min(1, 'Select at least one exception.')
  .max(100, 'At most 100 at a time.');
export const bulkRetryInput = z.object({ items: bulkItems }).strict();
export type BulkRetryInput = z.infer<typeof bulkRetryInput>;
export const bulkAssignInput = z.object({ items: bulkItems, assigneeId: idInput.nullable() }).strict();
export type BulkAssignInput = z.infer<typeof bulkAssignInput>;

export const linkOdooRecordInput = exceptionActionInput
  .extend({ odooId: z.number().int().positive('An Odoo id is a positive number.') })
  .strict();
export type LinkOdooRecordInput = z.infer<typeof linkOdooRecordInput>;
export const linkCandidatesInput = z.object({ exceptionId: idInput }).strict();
export type LinkCandidatesInput = z.infer<typeof linkCandidatesInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { LinkCandidate } from './exception-link.service';
export type { ExceptionRow } from './exception.queries';
