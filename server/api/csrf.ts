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
  return { ok: false, reason: fetchSite === 'cross-site' ? 'Cross-site request refused.' : 'Origin header required for mutations.' };
}

/** The origins the app is served from: APP_URL when configured, else the request's own host. */
export function allowedOriginsFor(req: Request, appUrl: string | undefined): string[] {
  const origins = new Set<string>();
  if (appUrl) origins.add(new URL(appUrl).origin);
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  if (host && !appUrl) {
    const proto = req.headers.get('x-forwarded-proto') ?? new URL(req.url).protocol.replace(':', '');
    origins.add(`${proto}://${host}`);
  }
  return [...origins];
}
