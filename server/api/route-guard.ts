import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { createContextFromRequest } from './context';

/**
 * The gates of a tRPC procedure (server/api/trpc.ts `procedure`) for a route handler that serves a
 * file: a signed-in actor holding `permission`, and no session still owing a new password (an admin's
 * one-time password) or a second factor its role requires. Returns the context, or the refusal.
 */
export async function guardRoute(
  req: Request,
  permission: Permission,
): Promise<
  | { ok: true; ctx: Awaited<ReturnType<typeof createContextFromRequest>> & { actor: Actor } }
  | { ok: false; response: Response }
> {
  const ctx = await createContextFromRequest(req);
  const refuse = (status: number, error: string) => ({
    ok: false as const,
    response: Response.json({ error }, { status, headers: { 'cache-control': 'no-store' } }),
  });
  if (!ctx.actor) return refuse(401, 'Please sign in.');
  if (!hasPermission(ctx.actor.role, permission))
    return refuse(403, 'You do not have permission to do that.');
  if (ctx.passwordChangeRequired)
    return refuse(403, 'Choose a new password first: the one you signed in with was a one-time password.');
  if (ctx.mfaEnrolmentRequired)
    return refuse(403, 'Set up two-step sign-in first (it is required for your role).');
  return { ok: true, ctx: { ...ctx, actor: ctx.actor } };
}
