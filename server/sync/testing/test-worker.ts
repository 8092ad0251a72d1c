/**
 * A sync worker process for the crash and drain tests: the real worker entry, plus the test-only
 * `test_partner` handler whose records live in the JSON file named by the first argument.
 */
import { registerSyncHandler } from '../registry';
import { runWorkerProcess } from '../worker';
import { createJsonRecordStore, createTestPartnerHandler } from './test-partner.handler';

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx server/sync/testing/test-worker.ts <records.json>');
  process.exit(2);
}
registerSyncHandler(createTestPartnerHandler(createJsonRecordStore(file)));
await runWorkerProcess();
