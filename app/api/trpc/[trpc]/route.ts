import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContextFromRequest } from '@/server/api/context';
import { allowedOriginsFor, checkMutationRequest } from '@/server/api/csrf';
import { env } from '@/server/env';

export const dynamic = 'force-dynamic';

async function handler(req: Request): Promise<Response> {
  const verdict = checkMutationRequest(req, allowedOriginsFor(req, env().APP_URL));
  if (!verdict.ok) {
    return Response.json({ error: { message: verdict.reason, code: 'FORBIDDEN' } }, { status: 403 });
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContextFromRequest(req),
    // GET may only run queries (tRPC's default); mutations need POST, checked above.
  });
}

export { handler as GET, handler as POST };
