/**
 * Where to go after sign-in: only a path on our own origin. Browsers read `/\evil.example` and
 * `//evil.example` (and their percent-encoded or tab-broken forms) as another host, so the value is
 * resolved exactly as a browser would against the public origin and kept only if it stays there.
 */
export function safeCallbackPath(value: string | null | undefined, appOrigin: string): string {
  if (!value || value.length > 2000) return '/';
  // backslashes, control characters and whitespace have no place in our paths; browsers strip or rewrite them
  if (/[\\\u0000-\u001f\u007f\s]/.test(value) || /%(5c|2f|0[0-9a-f]|1[0-9a-f]|7f|20)/i.test(value))
    return '/';
  let resolved: URL;
  try {
    resolved = new URL(value, appOrigin);
  } catch {
    return '/';
  }
  if (resolved.origin !== new URL(appOrigin).origin) return '/';
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}
