import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { idInput } from '@/server/lib/validation';
import { dualControlKinds } from '@/server/modules/approvals/dual-control';
import {
  cancelChange,
  decideChange,
  listPendingChanges,
} from '@/server/modules/approvals/pending-change.service';
import { stepUpForChangeDecision } from '@/server/modules/mfa/step-up';

const comment = z.string().trim().max(2000).nullish();

/** Dual control: the second person's list of requested changes, and their decision. */
export const pendingChangeRouter = createTRPCRouter({
  list: procedure('change.read')
    .input(
      z
        .object({
          status: z.enum(['pending', 'decided']).default('pending'),
          kind: z.enum(dualControlKinds).optional(),
          subjectId: idInput.optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => listPendingChanges(ctx.db, ctx.actor, input)),
  confirm: procedure('change.decide')
    .input(z.object({ changeId: idInput, comment }).strict())
    .mutation(async ({ ctx, input }) => {
      await stepUpForChangeDecision(ctx, input.changeId);
      return decideChange(ctx.db, ctx.actor, {
        changeId: input.changeId,
        decision: 'confirm',
        comment: input.comment,
      });
    }),
  reject: procedure('change.decide')
    .input(z.object({ changeId: idInput, comment }).strict())
    .mutation(({ ctx, input }) =>
      decideChange(ctx.db, ctx.actor, {
        changeId: input.changeId,
        decision: 'reject',
        comment: input.comment,
      }),
    ),
  cancel: procedure('change.decide')
    .input(z.object({ changeId: idInput }).strict())
    .mutation(({ ctx, input }) => cancelChange(ctx.db, ctx.actor, input.changeId)),
});
