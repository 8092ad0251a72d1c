import { describe, expect, it } from 'vitest';
import { findSyncHandler, registeredRecordTypes } from '../registry';

describe('the sync registry is explicit (issue 16 item 3)', () => {
  it('importing a handler module registers nothing; installSyncHandlers() installs the listed ones', async () => {
    await import('@/server/modules/claims/claim.sync');
    await import('@/server/modules/change-orders/change-order.sync');
    expect(findSyncHandler('claim')).toBeUndefined();
    expect(registeredRecordTypes()).toEqual([]);
    const { installSyncHandlers, syncHandlers } = await import('./index');
    installSyncHandlers();
    expect(registeredRecordTypes().sort()).toEqual(['change_order', 'claim', 'milestone', 'vendor']);
    expect(syncHandlers.map((h) => h.recordType).sort()).toEqual(registeredRecordTypes().sort());
  });
});
