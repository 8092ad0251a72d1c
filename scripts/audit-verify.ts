import { createDb } from '@/db/client';
import { env, setProcessEnv } from '@/server/env';
import { anchorFile, readAuditAnchor } from '@/server/modules/audit/audit-anchor';
import { auditKey } from '@/server/modules/audit/audit-chain';
import { verifyAuditChain } from '@/server/modules/audit/audit-verify';
import { resolveDatabaseUrl } from './lib/database-url';
import { storedLocalSecrets } from './lib/local-secrets';

// the key `npm start` sealed with, when the operator set none (DATA_DIR/secrets.json)
const stored = storedLocalSecrets();
if (stored.AUDIT_HMAC_KEY) setProcessEnv({ AUDIT_HMAC_KEY: stored.AUDIT_HMAC_KEY });

const { url, stop } = await resolveDatabaseUrl({ reuseRunning: true });
const db = createDb(url, { max: 1, applicationName: 'plumbline-audit-verify' });
let exitCode = 0;
try {
  const database = (await db.$client.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!
    .name;
  const file = anchorFile(database);
  const anchor = readAuditAnchor(file);
  const result = await verifyAuditChain(db, { key: auditKey(), anchor });
  if (result.ok) {
    const seals =
      result.unsealed > 0
        ? `${result.sealed} sealed, ${result.unsealed} from before sealing began`
        : `${result.sealed} sealed`;
    console.log(`Audit chain intact: ${result.checked} events verified (${seals}).`);
    if (result.anchor.status === 'matched') {
      console.log(
        `Anchor ${file}: position ${result.anchor.chainSeq} of ${result.anchor.anchoredAt} is present and unchanged.`,
      );
    } else {
      console.log(
        `No anchor at ${file} (DATA_DIR=${env().DATA_DIR}): a deletion of the newest rows could not be checked.`,
      );
    }
  } else {
    const where =
      result.brokenId === null
        ? `chain position ${result.chainSeq}`
        : `audit_events.id=${result.brokenId} (chain position ${result.chainSeq})`;
    console.error(`Audit chain BROKEN at ${where}: ${result.reason}.`);
    exitCode = 1;
  }
} finally {
  await db.$client.end();
  await stop();
}
// explicit: an exit code set on process.exitCode is not relayed by every launcher
process.exit(exitCode);
