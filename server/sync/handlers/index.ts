import { changeOrderSyncHandler } from '@/server/modules/change-orders/change-order.sync';
import { claimSyncHandler } from '@/server/modules/claims/claim.sync';
import { milestoneSyncHandler } from '@/server/modules/milestones/milestone.sync';
import { vendorComplianceSyncHandler } from '@/server/modules/vendors/vendor-compliance.sync';
import { registerSyncHandler, type SyncHandler } from '../registry';

/**
 * Every record type's sync handler, listed (issue 16 item 3): no handler registers itself when its file
 * is imported. Each process installs the list once, explicitly, when it starts: the worker in
 * `runWorkerProcess`, the web server in `instrumentation.ts`, the test tiers in their setup file and the
 * benchmarks in `startSyncBench`. A process that forgot is told so by `getSyncHandler`.
 */
export const syncHandlers: readonly SyncHandler[] = [
  changeOrderSyncHandler,
  claimSyncHandler,
  milestoneSyncHandler,
  vendorComplianceSyncHandler,
];

export function installSyncHandlers(): void {
  for (const handler of syncHandlers) registerSyncHandler(handler);
}
