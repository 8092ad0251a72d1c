import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContextFromRequest } from '@/server/api/context';
import { allowedOrigins, checkBatchSize, checkMutationRequest } from '@/server/api/csrf';
import { env } from '@/server/env';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };

async function handler(req: Request): Promise<Response> {
  const verdict = checkMutationRequest(req, allowedOrigins(env().appOrigin));
  if (!verdict.ok) {
    return Response.json(
      { error: { message: verdict.reason, code: 'FORBIDDEN' } },
      { status: 403, headers: noStore },
    );
  }
  const batch = checkBatchSize(req);
  if (!batch.ok) {
    return Response.json(
      { error: { message: batch.reason, code: 'BAD_REQUEST' } },
      { status: 400, headers: noStore },
    );
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContextFromRequest(req),
    // GET may only run queries (tRPC's default); mutations need POST, checked above.
    // Answers carry one user's data: never cached by a browser or a shared proxy.
    responseMeta: () => ({ headers: new Headers(noStore) }),
  });
}

export { handler as GET, handler as POST };
