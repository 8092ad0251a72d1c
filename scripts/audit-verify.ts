import { createDb } from '@/db/client';
import { resolveDatabaseUrl } from './lib/database-url';
import { verifyAuditChain } from '@/server/modules/audit/audit-verify';

const { url, stop } = await resolveDatabaseUrl({ reuseRunning: true });
const db = createDb(url, { max: 1, applicationName: 'plumbline-audit-verify' });
let exitCode = 0;
try {
  const result = await verifyAuditChain(db);
  if (result.ok) {
    console.log(`Audit chain intact: ${result.checked} events verified.`);
  } else {
    console.error(`Audit chain BROKEN at audit_events.id=${result.brokenId} (chain position ${result.chainSeq}): ${result.reason}.`);
    exitCode = 1;
  }
} finally {
  await db.$client.end();
  await stop();
}
// explicit: an exit code set on process.exitCode is not relayed by every launcher
process.exit(exitCode);
