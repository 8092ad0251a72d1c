import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { listAuditEvents } from '@/server/modules/audit/audit.queries';
import {
  getOrganisation,
  updateApprovalThresholds,
  updateThresholdsInput,
} from '@/server/modules/organisation/organisation.service';

export const settingsRouter = createTRPCRouter({
  thresholds: procedure('settings.read').query(async ({ ctx }) => {
    const organisation = await getOrganisation(ctx.db, ctx.actor);
    return {
      version: organisation.version,
      currency: organisation.currency,
      timeZone: organisation.timeZone,
      pmLimitAmount: organisation.pmLimitAmount,
      executiveLimitAmount: organisation.executiveLimitAmount,
    };
  }),
  updateThresholds: procedure('settings.update')
    .input(updateThresholdsInput)
    .mutation(({ ctx, input }) => updateApprovalThresholds(ctx.db, input, ctx.actor)),
  auditLog: procedure('audit.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.actor, input)),
});
