import type { Actor } from '@/server/auth/actor';
import { hasPermission, type Permission } from '@/server/auth/permissions';
import { createContextFromRequest } from './context';
import { sessionGate } from './trpc';

/**
 * A file route's gates: exactly a tRPC procedure's (`sessionGate`), answered as HTTP 401/403.
 * Returns the context with its actor, or the refusal.
 */
export async function guardRoute(
  req: Request,
  /** One permission, or several any one of which lets the actor through (a route shared by the portal). */
  permissions: Permission | readonly Permission[],
): Promise<
  | { ok: true; ctx: Awaited<ReturnType<typeof createContextFromRequest>> & { actor: Actor } }
  | { ok: false; response: Response }
> {
  const ctx = await createContextFromRequest(req);
  const options: readonly Permission[] = typeof permissions === 'string' ? [permissions] : permissions;
  const permission = options.find((p) => ctx.actor && hasPermission(ctx.actor.role, p)) ?? options[0]!;
  const refusal = sessionGate(ctx, permission);
  if (refusal || !ctx.actor)
    return {
      ok: false,
      response: Response.json(
        { error: refusal?.message ?? 'Please sign in.' },
        { status: refusal?.code === 'FORBIDDEN' ? 403 : 401, headers: { 'cache-control': 'no-store' } },
      ),
    };
  return { ok: true, ctx: { ...ctx, actor: ctx.actor } };
}
