import type { Actor } from '@/server/auth/actor';
import type { Permission } from '@/server/auth/permissions';
import { createContextFromRequest } from './context';
import { sessionGate } from './trpc';

/**
 * A file route's gates: exactly a tRPC procedure's (`sessionGate`), answered as HTTP 401/403.
 * Returns the context with its actor, or the refusal.
 */
export async function guardRoute(
  req: Request,
  permission: Permission,
): Promise<
  | { ok: true; ctx: Awaited<ReturnType<typeof createContextFromRequest>> & { actor: Actor } }
  | { ok: false; response: Response }
> {
  const ctx = await createContextFromRequest(req);
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
