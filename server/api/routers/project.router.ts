import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import { getProject, listProjectOptions, listProjects } from '@/server/modules/projects/project.queries';

export const projectRouter = createTRPCRouter({
  list: procedure('project.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listProjects(ctx.db, ctx.actor, input)),
  options: procedure('project.read').query(({ ctx }) => listProjectOptions(ctx.db, ctx.actor)),
  get: procedure('project.read')
    .input(z.object({ projectId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const project = await getProject(ctx.db, ctx.actor, input.projectId);
      if (!project) throw new TRPCError({ code: 'NOT_FOUND', message: 'Project not found.' });
      return project;
    }),
});
