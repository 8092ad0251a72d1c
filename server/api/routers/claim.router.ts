import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import { approveClaim, certifyClaim, rejectClaim } from '@/server/modules/claims/claim-approval.service';
import { getClaimFormOptions } from '@/server/modules/claims/claim-options.queries';
import { releaseClaim } from '@/server/modules/claims/claim-release.service';
import { stepUpForClaimRelease } from '@/server/modules/mfa/step-up';
import { getClaimCertificate, getClaimDetail, listClaims } from '@/server/modules/claims/claim.queries';
import {
  certifyClaimInput,
  claimActionInput,
  claimListFilters,
  claimReasonedActionInput,
  createClaimInput,
  createRetentionReleaseInput,
  updateClaimInput,
} from '@/server/modules/claims/claim.schemas';
import {
  createClaim,
  createRetentionReleaseClaim,
  reviseClaim,
  submitClaim,
  updateClaim,
} from '@/server/modules/claims/claim.service';

const byClaim = z.object({ claimId: idInput }).strict();

export const claimRouter = createTRPCRouter({
  list: procedure('claim.read')
    .input(listInputSchema.extend(claimListFilters.shape))
    .query(({ ctx, input }) => listClaims(ctx.db, ctx.actor, input)),
  get: procedure('claim.read')
    .input(byClaim)
    .query(async ({ ctx, input }) => {
      const detail = await getClaimDetail(ctx.db, ctx.actor, input.claimId);
      if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: 'Claim not found.' });
      return detail;
    }),
  /** The payment certificate's figures (the print view); the PDF is served by /api/claims/[claimId]/certificate. */
  certificate: procedure('claim.read')
    .input(byClaim)
    .query(async ({ ctx, input }) => {
      const certificate = await getClaimCertificate(ctx.db, ctx.actor, input.claimId);
      if (!certificate)
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: 'No payment certificate: the claim does not exist or has not been certified.',
        });
      return certificate;
    }),
  formOptions: procedure('claim.read')
    .input(z.object({ projectId: idInput }).strict())
    .query(({ ctx, input }) => getClaimFormOptions(ctx.db, ctx.actor, input.projectId)),
  create: procedure('claim.create')
    .input(createClaimInput)
    .mutation(({ ctx, input }) => createClaim(ctx.db, input, ctx.actor)),
  createRetentionRelease: procedure('claim.create')
    .input(createRetentionReleaseInput)
    .mutation(({ ctx, input }) => createRetentionReleaseClaim(ctx.db, input, ctx.actor)),
  update: procedure('claim.edit')
    .input(updateClaimInput)
    .mutation(({ ctx, input }) => updateClaim(ctx.db, input, ctx.actor)),
  submit: procedure('claim.submit')
    .input(claimActionInput)
    .mutation(({ ctx, input }) => submitClaim(ctx.db, input, ctx.actor)),
  certify: procedure('claim.certify')
    .input(certifyClaimInput)
    .mutation(({ ctx, input }) => certifyClaim(ctx.db, input, ctx.actor)),
  approve: procedure('claim.approve')
    .input(claimActionInput)
    .mutation(({ ctx, input }) => approveClaim(ctx.db, input, ctx.actor)),
  release: procedure('claim.release')
    .input(claimActionInput)
    .mutation(async ({ ctx, input }) => {
      await stepUpForClaimRelease(ctx, input.claimId);
      return releaseClaim(ctx.db, input, ctx.actor);
    }),
  reject: procedure('claim.reject')
    .input(claimReasonedActionInput)
    .mutation(({ ctx, input }) => rejectClaim(ctx.db, input, ctx.actor)),
  revise: procedure('claim.edit')
    .input(claimActionInput)
    .mutation(({ ctx, input }) => reviseClaim(ctx.db, input, ctx.actor)),
});
