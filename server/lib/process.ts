/**
 * A child started by the supervisor (`npm start`, the e2e and load stacks) has an IPC channel to it
 * (scripts/lib/processes.ts). The channel closes when the supervisor exits — also on SIGKILL — so the
 * child stops instead of living on as an orphan holding its port or its jobs.
 */
export function exitWithParent(stop: () => void): void {
  if (!process.connected) return;
  process.once('disconnect', stop);
  // the channel must not keep an otherwise finished process alive
  process.channel?.unref();
}
