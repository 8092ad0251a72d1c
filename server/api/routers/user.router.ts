import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { listInputSchema } from '@/server/lib/list';
import { idInput } from '@/server/lib/validation';
import {
  createUserInput,
  membershipInput,
  resetPasswordInput,
  setUserActiveInput,
  updateUserInput,
} from '@/server/modules/users/user.schemas';
import {
  addProjectMember,
  createUser,
  removeProjectMember,
  resetUserPassword,
  setUserActive,
  updateUser,
} from '@/server/modules/users/user.service';
import { getUserDetail, listProjectMembers, listUsers } from '@/server/modules/users/user.queries';

export const userRouter = createTRPCRouter({
  list: procedure('user.read')
    .input(listInputSchema)
    .query(({ ctx, input }) => listUsers(ctx.db, ctx.actor, input)),
  get: procedure('user.read')
    .input(z.object({ userId: idInput }).strict())
    .query(async ({ ctx, input }) => {
      const user = await getUserDetail(ctx.db, ctx.actor, input.userId);
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'User not found.' });
      return user;
    }),
  create: procedure('user.create')
    .input(createUserInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, input, ctx.actor)),
  update: procedure('user.update')
    .input(updateUserInput)
    .mutation(({ ctx, input }) => updateUser(ctx.db, input, ctx.actor)),
  setActive: procedure('user.deactivate')
    .input(setUserActiveInput)
    .mutation(({ ctx, input }) => setUserActive(ctx.db, input, ctx.actor)),
  resetPassword: procedure('user.reset_password')
    .input(resetPasswordInput)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, input, ctx.actor)),
  projectMembers: procedure('membership.read')
    .input(z.object({ projectId: idInput }).strict())
    .query(({ ctx, input }) => listProjectMembers(ctx.db, ctx.actor, input.projectId)),
  addMembership: procedure('membership.manage')
    .input(membershipInput)
    .mutation(({ ctx, input }) => addProjectMember(ctx.db, input, ctx.actor)),
  removeMembership: procedure('membership.manage')
    .input(membershipInput)
    .mutation(({ ctx, input }) => removeProjectMember(ctx.db, input, ctx.actor)),
});
