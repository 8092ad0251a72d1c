import { z } from 'zod';
import { idInput } from '@/server/lib/validation';

export const documentKinds = [
  'invoice',
  'evidence',
  'photo',
  'delivery_note',
  'certificate',
  'compliance',
  'other',
] as const;
export const documentKindLabels: Record<(typeof documentKinds)[number], string> = {
  invoice: 'Invoice',
  evidence: 'Evidence',
  photo: 'Photo',
  delivery_note: 'Delivery note',
  certificate: 'Certificate',
  compliance: 'Compliance certificate',
  other: 'Other',
};

/** A file name as people see it: no folders, no control characters, at most 200 characters. */
const fileNameInput = z
  .string()
  .transform((name) =>
    name
      .split(/[\\/]/)
      .pop()!
      .replace(/[\u0000-\u001f\u007f"]/g, '')
      .trim(),
  )
  .pipe(z.string().min(1, 'The file needs a name.').max(200, 'Shorten the file name to 200 characters.'));

export const uploadDocumentInput = z
  .object({
    recordType: z.enum(['claim', 'change_order', 'milestone', 'vendor'], {
      message: 'Documents attach to a claim, a change order, a milestone or a vendor.',
    }),
    recordId: idInput,
    kind: z.enum(documentKinds, { message: 'Choose what the document is: invoice, evidence, photo…' }),
    fileName: fileNameInput,
  })
  .strict();
export type UploadDocumentInput = z.infer<typeof uploadDocumentInput>;

export const listDocumentsInput = z
  .object({ recordType: z.string().trim().min(1).max(64), recordId: idInput })
  .strict();
export const removeDocumentInput = z.object({ documentId: idInput }).strict();

/** A document as every reader sees it (no bytes: those come from the download route). */
export type DocumentView = {
  id: string;
  kind: (typeof documentKinds)[number] | string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: Date;
  uploadedByName: string;
  canRemove: boolean;
};
