import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { recordRefInput } from '@/server/modules/exceptions/exception.schemas';
import { getSyncHistory } from '@/server/sync/sync.queries';
import { retrySync } from '@/server/sync/sync.service';

export const syncRouter = createTRPCRouter({
  history: procedure('sync.read')
    .input(recordRefInput)
    .query(({ ctx, input }) => getSyncHistory(ctx.db, ctx.actor, input)),
  retry: procedure('sync.retry')
    .input(recordRefInput)
    .mutation(({ ctx, input }) => retrySync(ctx.db, input, ctx.actor)),
});
