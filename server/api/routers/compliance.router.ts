import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import {
  reviewComplianceDocumentInput,
  submitComplianceDocumentInput,
  vendorComplianceInput,
} from '@/server/modules/vendors/compliance.schemas';
import {
  getVendorCompliance,
  listComplianceRegister,
  reviewComplianceDocument,
  submitComplianceDocument,
} from '@/server/modules/vendors/compliance.service';

/** Vendor compliance certificates (issue 19): the register per vendor and across vendors, submit, review. */
export const complianceRouter = createTRPCRouter({
  vendor: procedure('compliance.read')
    .input(vendorComplianceInput)
    .query(({ ctx, input }) => getVendorCompliance(ctx.db, ctx.actor, input.vendorId)),
  register: procedure('compliance.register.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listComplianceRegister(ctx.db, ctx.actor, input)),
  submit: procedure('compliance.submit')
    .input(submitComplianceDocumentInput)
    .mutation(({ ctx, input }) => submitComplianceDocument(ctx.db, input, ctx.actor)),
  review: procedure('compliance.review')
    .input(reviewComplianceDocumentInput)
    .mutation(({ ctx, input }) => reviewComplianceDocument(ctx.db, input, ctx.actor)),
});
