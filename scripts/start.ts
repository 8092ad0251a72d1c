import { printDemoLogins, subcontractorLoginLine } from '@/db/seed/print-logins';
import { roleLabels } from '@/server/auth/roles';
import { env } from '@/server/env';
import { EmbeddedPostgresError } from '@/db/embedded';
import { demoUsers, StartError, startStack } from './lib/stack';

/** `npm start`: the whole of Plumbline on one machine, stopped cleanly by Ctrl-C or SIGTERM. */
const dev = process.argv.includes('--dev');
const started = Date.now();
console.log('Starting Plumbline…');
const port = env().PORT;
const stack = await startStack({ port, dev }).catch((error: unknown) => {
  // a problem the user can act on is one sentence; anything else keeps its stack trace
  if (error instanceof StartError || error instanceof EmbeddedPostgresError)
    console.error(`\nPlumbline did not start: ${error.message}`);
  else console.error('\nPlumbline did not start:', error);
  process.exit(1);
});

console.log(
  `\nPlumbline is running at ${stack.url}  (ready in ${Math.round((Date.now() - started) / 1000)} s)`,
);
if (stack.seed.seeded) printDemoLogins(demoUsers, stack.seed);
else {
  console.log('\nDemo logins:');
  for (const user of demoUsers) console.log(`  ${roleLabels[user.role].padEnd(20)} ${user.email}`);
  console.log(subcontractorLoginLine());
  console.log('  (password: DEMO_PASSWORD, or the one printed on the first start)\n');
}
console.log('Press Ctrl-C to stop.');

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('\nStopping Plumbline…');
  await stack.stop();
  console.log('Stopped.');
  process.exit(code);
}
stack.onUnexpectedExit((name, code) => {
  console.error(`The ${name} process stopped unexpectedly (exit ${code}); shutting down.`);
  void shutdown(1);
});
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
