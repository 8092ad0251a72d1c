/**
 * tRPC mutations accept only `application/json` from the app's own origin. A cross-site form post
 * (any of the three "simple" content types, which browsers send without a preflight) or a JSON
 * post from a foreign Origin is refused before the router runs.
 */
export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

export function checkMutationRequest(req: Request, allowedOrigins: readonly string[]): CsrfVerdict {
  if (req.method !== 'POST') return { ok: true };
  const contentType = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    return { ok: false, reason: 'Mutations must be sent as application/json.' };
  }
  const origin = req.headers.get('origin');
  const fetchSite = req.headers.get('sec-fetch-site');
  if (origin) {
    if (!allowedOrigins.includes(origin)) return { ok: false, reason: 'Cross-origin request refused.' };
    return { ok: true };
  }
  // Browsers send Origin on every POST, so a missing one is refused too (scripts set it explicitly).
  return {
    ok: false,
    reason:
      fetchSite === 'cross-site' ? 'Cross-site request refused.' : 'Origin header required for mutations.',
  };
}

/**
 * The origins the app is served from: exactly the public origin fixed at start (`APP_URL`, which
 * `npm start` and the e2e stack set to the URL they print). The Host header is never consulted: a
 * DNS-rebinding host with a matching Origin would otherwise be "same origin".
 */
export function allowedOrigins(appOrigin: string): string[] {
  return [new URL(appOrigin).origin];
}

/** The most procedures one tRPC batch request may carry (the UI batches a page's queries, ~6). */
export const MAX_TRPC_BATCH = 10;

/** One HTTP request runs at most MAX_TRPC_BATCH procedures, so a throttle or limit per request still means something. */
export function checkBatchSize(req: Request): CsrfVerdict {
  const url = new URL(req.url);
  const paths = decodeURIComponent(url.pathname.replace(/^.*\/api\/trpc\/?/, '')).split(',');
  if (paths.length > MAX_TRPC_BATCH) {
    return { ok: false, reason: `At most ${MAX_TRPC_BATCH} procedures per request (${paths.length} sent).` };
  }
  return { ok: true };
}
