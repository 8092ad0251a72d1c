import { z } from 'zod';
import { idInput, versionInput } from '@/server/lib/validation';

export const exceptionActionInput = z.object({ exceptionId: idInput, version: versionInput }).strict();
export type ExceptionActionInput = z.infer<typeof exceptionActionInput>;

// The reason is checked in the service, so an empty one gets the plain-words REASON_REQUIRED message.
export const dismissExceptionInput = exceptionActionInput.extend({ reason: z.string().max(2000, 'At most 2000 characters.') }).strict();
export type DismissExceptionInput = z.infer<typeof dismissExceptionInput>;

export const recordRefInput = z
  .object({ recordType: z.string().trim().min(1).max(64), recordId: idInput })
  .strict();
export type RecordRefInput = z.infer<typeof recordRefInput>;
