import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { getSyncHealth, listSyncAttempts } from '@/server/sync/sync-health.queries';
import {
  listReconciliationRuns,
  requestReconciliation,
} from '@/server/sync/reconciliation/reconciliation.service';

/** The sync health page (finance, executives, admins: those who read the exception queue). */
const noInput = z.object({}).strict().optional();

export const syncHealthRouter = createTRPCRouter({
  overview: procedure('exception.read')
    .input(z.object({ window: z.enum(['24h', '7d']).default('24h') }).strict())
    .query(({ ctx, input }) => getSyncHealth(ctx.db, input.window)),
  attempts: procedure('exception.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listSyncAttempts(ctx.db, input)),
  reconciliationRuns: procedure('exception.read').query(({ ctx }) => listReconciliationRuns(ctx.db)),
  reconcile: procedure('exception.act')
    .input(noInput)
    .mutation(({ ctx }) => requestReconciliation(ctx.db, ctx.actor)),
});
