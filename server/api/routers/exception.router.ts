import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { dismissExceptionInput, exceptionActionInput, recordRefInput } from '@/server/modules/exceptions/exception.schemas';
import { listExceptions, listExceptionsForRecord } from '@/server/modules/exceptions/exception.queries';
import { dismissException, retryException } from '@/server/modules/exceptions/exception.service';

export const exceptionRouter = createTRPCRouter({
  list: procedure('exception.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listExceptions(ctx.db, ctx.actor, input)),
  forRecord: procedure('exception.read')
    .input(recordRefInput)
    .query(({ ctx, input }) => listExceptionsForRecord(ctx.db, ctx.actor, input)),
  retry: procedure('exception.act')
    .input(exceptionActionInput)
    .mutation(({ ctx, input }) => retryException(ctx.db, input, ctx.actor)),
  dismiss: procedure('exception.act')
    .input(dismissExceptionInput)
    .mutation(({ ctx, input }) => dismissException(ctx.db, input, ctx.actor)),
});
