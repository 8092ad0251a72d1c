import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listDocumentsInput, removeDocumentInput } from '@/server/modules/documents/document.schemas';
import { listDocuments, removeDocument } from '@/server/modules/documents/document.service';

/** Listing and removing documents; uploads and downloads are route handlers (app/api/documents). */
export const documentRouter = createTRPCRouter({
  list: procedure('document.read')
    .input(listDocumentsInput)
    .query(({ ctx, input }) => listDocuments(ctx.db, ctx.actor, input.recordType, input.recordId)),
  remove: procedure('document.write')
    .input(removeDocumentInput)
    .mutation(({ ctx, input }) => removeDocument(ctx.db, input.documentId, ctx.actor)),
});
