import { createDb } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { env } from '@/server/env';
import { resolveDatabaseUrl } from '@/scripts/lib/database-url';
import { demoUsers, seedDemoOrganisation } from './demo-organisation';
import { printDemoLogins } from './print-logins';

const { url, stop } = await resolveDatabaseUrl();
try {
  await migrateDatabase(url);
  const db = createDb(url, { max: 2 });
  const result = await seedDemoOrganisation(db, { password: env().DEMO_PASSWORD });
  await db.$client.end();
  if (!result.seeded) console.log('The database already has an organisation; nothing seeded.');
  else printDemoLogins(demoUsers, result);
} finally {
  await stop();
}
