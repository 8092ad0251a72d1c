/**
 * Next.js calls `register` once when the server starts (instrumentation hook). The web process installs
 * the sync handlers here, explicitly (issue 16 item 3): the services it runs request syncs and show the
 * Sync tab through the registry. Only in the Node.js runtime; the proxy (edge) never syncs.
 */
export async function register(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- set by Next itself, not configuration
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installSyncHandlers } = await import('@/server/sync/handlers');
  installSyncHandlers();
}
