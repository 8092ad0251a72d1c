import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import {
  assignExceptionInput,
  bulkAssignInput,
  bulkRetryInput,
  dismissExceptionInput,
  exceptionActionInput,
  linkCandidatesInput,
  linkOdooRecordInput,
  recordRefInput,
} from '@/server/modules/exceptions/exception.schemas';
import { listExceptions, listExceptionsForRecord } from '@/server/modules/exceptions/exception.queries';
import { getQueueSummary } from '@/server/modules/exceptions/exception-summary.queries';
import { dismissException, retryException } from '@/server/modules/exceptions/exception.service';
import {
  assignException,
  bulkAssignExceptions,
  bulkRetryExceptions,
  listAssignees,
  runRulesNow,
} from '@/server/modules/exceptions/exception-action.service';
import { findLinkCandidates, linkOdooRecord } from '@/server/modules/exceptions/exception-link.service';

/** Mutations without arguments still refuse unknown keys. */
const noInput = z.object({}).strict().optional();

export const exceptionRouter = createTRPCRouter({
  list: procedure('exception.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listExceptions(ctx.db, ctx.actor, input)),
  forRecord: procedure('exception.read')
    .input(recordRefInput)
    .query(({ ctx, input }) => listExceptionsForRecord(ctx.db, ctx.actor, input)),
  summary: procedure('exception.read').query(({ ctx }) => getQueueSummary(ctx.db, ctx.actor)),
  assignees: procedure('exception.read').query(({ ctx }) => listAssignees(ctx.db, ctx.actor)),
  retry: procedure('exception.act')
    .input(exceptionActionInput)
    .mutation(({ ctx, input }) => retryException(ctx.db, input, ctx.actor)),
  dismiss: procedure('exception.act')
    .input(dismissExceptionInput)
    .mutation(({ ctx, input }) => dismissException(ctx.db, input, ctx.actor)),
  assign: procedure('exception.act')
    .input(assignExceptionInput)
    .mutation(({ ctx, input }) => assignException(ctx.db, input, ctx.actor)),
  bulkRetry: procedure('exception.act')
    .input(bulkRetryInput)
    .mutation(({ ctx, input }) => bulkRetryExceptions(ctx.db, input, ctx.actor)),
  bulkAssign: procedure('exception.act')
    .input(bulkAssignInput)
    .mutation(({ ctx, input }) => bulkAssignExceptions(ctx.db, input, ctx.actor)),
  link: procedure('exception.act')
    .input(linkOdooRecordInput)
    .mutation(({ ctx, input }) => linkOdooRecord(ctx.db, input, ctx.actor)),
  linkCandidates: procedure('exception.act')
    .input(linkCandidatesInput)
    .query(({ ctx, input }) => findLinkCandidates(ctx.db, input, ctx.actor)),
  runRules: procedure('exception.act')
    .input(noInput)
    .mutation(({ ctx }) => runRulesNow(ctx.db, ctx.actor)),
});
