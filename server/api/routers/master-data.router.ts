import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import { getSubcontract, listSubcontracts } from '@/server/modules/subcontracts/subcontract.queries';
import {
  updateRetentionInput,
  updateRetentionTerms,
} from '@/server/modules/subcontracts/subcontract.service';
import { getVendor, listVendors } from '@/server/modules/vendors/vendor.queries';
import { stepUpForBankChange } from '@/server/modules/mfa/step-up';
import { updateVendorCompliance, updateVendorComplianceInput } from '@/server/modules/vendors/vendor.service';

/** Vendors and subcontracts mirrored from Odoo, with the compliance and retention data Plumbline adds. */
export const masterDataRouter = createTRPCRouter({
  vendors: procedure('vendor.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listVendors(ctx.db, ctx.actor, input)),
  vendor: procedure('vendor.read')
    .input(z.object({ vendorId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const vendor = await getVendor(ctx.db, ctx.actor, input.vendorId);
      if (!vendor) throw new TRPCError({ code: 'NOT_FOUND', message: 'Vendor not found.' });
      return vendor;
    }),
  updateVendorCompliance: procedure('vendor.update_compliance')
    .input(updateVendorComplianceInput)
    .mutation(async ({ ctx, input }) => {
      await stepUpForBankChange(ctx, input);
      return updateVendorCompliance(ctx.db, input, ctx.actor);
    }),
  subcontracts: procedure('subcontract.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listSubcontracts(ctx.db, ctx.actor, input)),
  subcontract: procedure('subcontract.read')
    .input(z.object({ subcontractId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const subcontract = await getSubcontract(ctx.db, ctx.actor, input.subcontractId);
      if (!subcontract) throw new TRPCError({ code: 'NOT_FOUND', message: 'Subcontract not found.' });
      return subcontract;
    }),
  updateRetention: procedure('subcontract.update_retention')
    .input(updateRetentionInput)
    .mutation(({ ctx, input }) => updateRetentionTerms(ctx.db, input, ctx.actor)),
});
