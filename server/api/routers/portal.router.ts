import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { idInput } from '@/server/lib/validation';
import {
  getOwnClaim,
  getOwnSubcontract,
  getVendorAccess,
  listOwnClaims,
  listOwnSubcontracts,
} from '@/server/modules/portal/portal.queries';
import {
  contactActiveInput,
  invitationActionInput,
  inviteContactInput,
  portalClaimActionInput,
  portalSaveClaimInput,
  portalStartClaimInput,
  portalSubmitClaimInput,
  vendorAccessInput,
} from '@/server/modules/portal/portal.schemas';
import {
  reviseOwnClaim,
  saveOwnClaim,
  startOwnClaim,
  submitOwnClaim,
} from '@/server/modules/portal/portal.service';
import {
  inviteContact,
  revokeInvitation,
  setContactActive,
  setVendorPortalActive,
} from '@/server/modules/portal/invitation.service';

const notFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: `${what} not found.` });

/** The subcontractor portal (issue 19): a vendor's contact, on their own vendor's records only. */
export const portalRouter = createTRPCRouter({
  subcontracts: procedure('portal.read').query(({ ctx }) => listOwnSubcontracts(ctx.db, ctx.actor)),
  subcontract: procedure('portal.read')
    .input(z.object({ subcontractId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const found = await getOwnSubcontract(ctx.db, ctx.actor, input.subcontractId);
      if (!found) throw notFound('Subcontract');
      return found;
    }),
  claims: procedure('portal.read').query(({ ctx }) => listOwnClaims(ctx.db, ctx.actor)),
  claim: procedure('portal.read')
    .input(z.object({ claimId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const found = await getOwnClaim(ctx.db, ctx.actor, input.claimId);
      if (!found) throw notFound('Claim');
      return found;
    }),
  startClaim: procedure('portal.claim.write')
    .input(portalStartClaimInput)
    .mutation(({ ctx, input }) => startOwnClaim(ctx.db, input, ctx.actor)),
  saveClaim: procedure('portal.claim.write')
    .input(portalSaveClaimInput)
    .mutation(({ ctx, input }) => saveOwnClaim(ctx.db, input, ctx.actor)),
  submitClaim: procedure('portal.claim.write')
    .input(portalSubmitClaimInput)
    .mutation(({ ctx, input }) => submitOwnClaim(ctx.db, input, ctx.actor)),
  reviseClaim: procedure('portal.claim.write')
    .input(portalClaimActionInput)
    .mutation(({ ctx, input }) => reviseOwnClaim(ctx.db, input, ctx.actor)),
});

/** Who has portal access for a vendor, for the contractor's finance and QS (the vendor's page). */
export const vendorAccessRouter = createTRPCRouter({
  get: procedure('vendor.invite')
    .input(z.object({ vendorId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const found = await getVendorAccess(ctx.db, ctx.actor, input.vendorId);
      if (!found) throw notFound('Vendor');
      return found;
    }),
  invite: procedure('vendor.invite')
    .input(inviteContactInput)
    .mutation(({ ctx, input }) => inviteContact(ctx.db, input, ctx.actor)),
  revoke: procedure('vendor.manage_access')
    .input(invitationActionInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, input.invitationId, ctx.actor)),
  setContactActive: procedure('vendor.manage_access')
    .input(contactActiveInput)
    .mutation(({ ctx, input }) => setContactActive(ctx.db, input, ctx.actor)),
  setVendorActive: procedure('vendor.manage_access')
    .input(vendorAccessInput)
    .mutation(({ ctx, input }) => setVendorPortalActive(ctx.db, input, ctx.actor)),
});
