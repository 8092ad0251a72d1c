import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import {
  createMilestoneInput,
  milestoneActionInput,
  rejectMilestoneInput,
  updateMilestoneInput,
} from '@/server/modules/milestones/milestone.schemas';
import { createMilestone, updateMilestone } from '@/server/modules/milestones/milestone.service';
import {
  claimMilestoneCompletion,
  rejectMilestone,
  releaseMilestone,
  verifyMilestone,
} from '@/server/modules/milestones/milestone-approval.service';
import { getMilestoneDetail, listMilestones } from '@/server/modules/milestones/milestone.queries';
import { getMilestoneOdooOptions } from '@/server/modules/milestones/milestone-options.queries';

export const milestoneRouter = createTRPCRouter({
  list: procedure('milestone.read')
    .input(listInputSchema.extend({ projectId: idInput.optional() }))
    .query(({ ctx, input }) => listMilestones(ctx.db, ctx.actor, input)),
  get: procedure('milestone.read')
    .input(z.object({ milestoneId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const detail = await getMilestoneDetail(ctx.db, ctx.actor, input.milestoneId);
      if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: 'Milestone not found.' });
      return detail;
    }),
  /** The project's Odoo sale order lines and project milestones, read live, for the form's pick lists. */
  odooOptions: procedure('milestone.edit')
    .input(z.object({ projectId: idInput }).strict())
    .query(({ ctx, input }) => getMilestoneOdooOptions(ctx.db, ctx.actor, input.projectId)),
  create: procedure('milestone.create')
    .input(createMilestoneInput)
    .mutation(({ ctx, input }) => createMilestone(ctx.db, input, ctx.actor)),
  update: procedure('milestone.edit')
    .input(updateMilestoneInput)
    .mutation(({ ctx, input }) => updateMilestone(ctx.db, input, ctx.actor)),
  claimCompletion: procedure('milestone.claim_completion')
    .input(milestoneActionInput)
    .mutation(({ ctx, input }) => claimMilestoneCompletion(ctx.db, input, ctx.actor)),
  verify: procedure('milestone.verify')
    .input(milestoneActionInput)
    .mutation(({ ctx, input }) => verifyMilestone(ctx.db, input, ctx.actor)),
  release: procedure('milestone.release')
    .input(milestoneActionInput)
    .mutation(({ ctx, input }) => releaseMilestone(ctx.db, input, ctx.actor)),
  reject: procedure('milestone.reject')
    .input(rejectMilestoneInput)
    .mutation(({ ctx, input }) => rejectMilestone(ctx.db, input, ctx.actor)),
});
