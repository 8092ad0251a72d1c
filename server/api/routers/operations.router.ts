import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listOutbox } from '@/server/modules/notifications/outbox.queries';
import { listAlerts } from '@/server/modules/operations/alerts.service';
import { getBusinessKpis } from '@/server/modules/operations/business-kpis.queries';
import { getSloStatus, getSloTargets, updateSlo, updateSloInput } from '@/server/modules/operations/slo';

/** Operating the integration: business KPIs, SLOs and their burn, alerts (the sync health page and Admin → Operations). */
export const operationsRouter = createTRPCRouter({
  kpis: procedure('operations.read').query(async ({ ctx }) => {
    const targets = await getSloTargets(ctx.db);
    const days = targets.find((t) => t.workflow === 'exceptions')?.threshold ?? 2;
    return getBusinessKpis(ctx.db, { exceptionBusinessDays: days });
  }),
  slos: procedure('operations.read').query(({ ctx }) => getSloStatus(ctx.db)),
  alerts: procedure('operations.read')
    .input(
      z
        .object({ limit: z.number().int().min(1).max(200).default(50) })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) => listAlerts(ctx.db, { limit: input?.limit })),
  outbox: procedure('mail.outbox.read').query(() => listOutbox()),
  updateSlo: procedure('slo.manage')
    .input(updateSloInput)
    .mutation(({ ctx, input }) => updateSlo(ctx.db, input, ctx.actor)),
});
