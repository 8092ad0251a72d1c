import { createDb } from '@/db/client';
import { sendNotification } from '../notification-send';

/**
 * Test process (notification.db.test.ts): sends one notification and SIGKILLs itself the moment the
 * SMTP server has accepted it, before the row is marked sent — a worker dying mid-send, for real.
 * Arguments: database URL, notification id, SMTP URL.
 */
const [databaseUrl, notificationId, smtpUrl] = process.argv.slice(2);
if (!databaseUrl || !notificationId || !smtpUrl) throw new Error('usage: send-and-die <db> <id> <smtp>');
const db = createDb(databaseUrl, { max: 1, applicationName: 'plumbline-send-and-die' });
await sendNotification(db, notificationId, {
  smtpUrl,
  afterAccepted: async () => {
    process.kill(process.pid, 'SIGKILL');
    await new Promise<never>(() => {});
  },
});
console.log('marked sent: the kill did not happen');
process.exit(0);
