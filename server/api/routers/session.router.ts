import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { hasPermission, permissionTable, type Permission } from '@/server/auth/permissions';
import { roleLabels } from '@/server/auth/roles';
import { getOrganisation } from '@/server/modules/organisation/organisation.service';
import { listMyApprovals } from '@/server/modules/inbox/inbox.queries';
import { changePasswordInput } from '@/server/modules/users/user.schemas';
import { changeOwnPassword } from '@/server/modules/users/user.service';

export const sessionRouter = createTRPCRouter({
  /** Who is signed in and what they may do: drives navigation (display only; the server enforces). */
  me: procedure('session.read').query(async ({ ctx }) => {
    const organisation = await getOrganisation(ctx.db, ctx.actor);
    const permissions = (Object.keys(permissionTable) as Permission[]).filter((p) =>
      hasPermission(ctx.actor.role, p),
    );
    return {
      id: ctx.actor.id,
      name: ctx.actor.name,
      email: ctx.actor.email,
      role: ctx.actor.role,
      roleLabel: roleLabels[ctx.actor.role],
      organisation: { name: organisation.name, currency: organisation.currency },
      permissions,
      mustChangePassword: ctx.passwordChangeRequired ?? false,
    };
  }),
  changePassword: procedure('session.change_password')
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.db, ctx.actor, input)),
  myApprovals: procedure('inbox.read').query(({ ctx }) => listMyApprovals(ctx.db, ctx.actor)),
});
