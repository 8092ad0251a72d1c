import { createDb } from '@/db/client';
import { env } from '@/server/env';
import { resolveDatabaseUrl } from '@/scripts/lib/database-url';
import { demoUsers, resetDemoPasswords } from './demo-organisation';

/** `npm run demo:reset-password`: works with the portal running or stopped. */
const { url, stop } = await resolveDatabaseUrl({ reuseRunning: true });
let code = 0;
try {
  const db = createDb(url, { max: 1, applicationName: 'plumbline-demo-reset' });
  try {
    const result = await resetDemoPasswords(db, { password: env().DEMO_PASSWORD });
    if (result.reset === 0) {
      console.error('No demo logins in this database (was it seeded by npm start?). Nothing changed.');
      code = 1;
    } else {
      console.log(
        `New password for the ${result.reset} demo logins (${demoUsers.map((user) => user.email).join(', ')}):`,
      );
      console.log(`  ${result.generatedPassword ? result.password : 'the value of DEMO_PASSWORD'}`);
      console.log('Their open sessions have ended.');
    }
  } finally {
    await db.$client.end();
  }
} finally {
  await stop();
}
process.exit(code);
