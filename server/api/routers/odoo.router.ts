import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { stepUpForOdooConnection } from '@/server/modules/mfa/step-up';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import {
  getOdooConnectionView,
  getOdooStatus,
  listMappingOptions,
} from '@/server/modules/odoo-connection/odoo-connection.queries';
import {
  createSetupRecordInput,
  previewSetupRecordInput,
  saveConnectionInput,
  saveMappingsInput,
} from '@/server/modules/odoo-connection/odoo-connection.schemas';
import {
  getOdooSetupGuide,
  listSetupProjects,
  listUnlinkedRecords,
} from '@/server/modules/odoo-connection/odoo-setup-guide.queries';
import {
  createSetupRecord,
  previewSetupRecord,
} from '@/server/modules/odoo-connection/odoo-setup-guide.service';
import {
  saveOdooConnection,
  saveOdooMappings,
  testOdooConnection,
} from '@/server/modules/odoo-connection/odoo-connection.service';
import {
  getPullRun,
  listPullRunRecords,
  listPullRuns,
  pullRunRecordsInput,
} from '@/server/modules/pull/pull.queries';
import { enqueuePull } from '@/server/modules/pull/pull.task';

/** Mutations that need no input still refuse unknown keys. */
const noInput = z.object({}).strict().optional();

/** Admin → Odoo (connection, test, mappings), "Pull now" and the pull-run history. */
export const odooRouter = createTRPCRouter({
  status: procedure('odoo.status.read').query(({ ctx }) => getOdooStatus(ctx.db, ctx.actor)),
  connection: procedure('odoo.connection.read').query(({ ctx }) => getOdooConnectionView(ctx.db, ctx.actor)),
  saveConnection: procedure('odoo.connection.update')
    .input(saveConnectionInput)
    .mutation(async ({ ctx, input }) => {
      await stepUpForOdooConnection(ctx);
      return saveOdooConnection(ctx.db, input, ctx.actor);
    }),
  testConnection: procedure('odoo.connection.test')
    .input(noInput)
    .mutation(({ ctx }) => testOdooConnection(ctx.db, ctx.actor)),
  mappingOptions: procedure('odoo.connection.read').query(({ ctx }) => listMappingOptions(ctx.db, ctx.actor)),
  saveMappings: procedure('odoo.connection.update')
    .input(saveMappingsInput)
    .mutation(async ({ ctx, input }) => {
      await stepUpForOdooConnection(ctx);
      return saveOdooMappings(ctx.db, input, ctx.actor);
    }),
  setupGuide: procedure('odoo.setup.read').query(({ ctx }) => getOdooSetupGuide(ctx.db, ctx.actor)),
  setupProjects: procedure('odoo.setup.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listSetupProjects(ctx.db, ctx.actor, input)),
  unlinkedRecords: procedure('odoo.setup.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listUnlinkedRecords(ctx.db, ctx.actor, input)),
  // a preview reads Odoo only; it is a mutation so that typing in the form never fires it
  previewSetupRecord: procedure('odoo.setup.preview')
    .input(previewSetupRecordInput)
    .mutation(({ ctx, input }) => previewSetupRecord(ctx.db, input, ctx.actor)),
  createSetupRecord: procedure('odoo.setup.create')
    .input(createSetupRecordInput)
    .mutation(async ({ ctx, input }) => {
      await stepUpForOdooConnection(ctx);
      const { confirm: _confirmed, ...record } = input;
      return createSetupRecord(ctx.db, record, ctx.actor);
    }),
  pullNow: procedure('odoo.pull')
    .input(noInput)
    .mutation(({ ctx }) => enqueuePull(ctx.db, { trigger: 'manual', triggeredById: ctx.actor.id })),
  pullRuns: procedure('pull.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listPullRuns(ctx.db, input)),
  pullRun: procedure('pull.read')
    .input(z.object({ runId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const run = await getPullRun(ctx.db, input.runId);
      if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: 'Pull run not found.' });
      return run;
    }),
  pullRunRecords: procedure('pull.read')
    .input(pullRunRecordsInput)
    .query(({ ctx, input }) => listPullRunRecords(ctx.db, input)),
});
