import { roleLabels, type Role } from '@/server/auth/roles';
import type { SeedResult } from './demo-organisation';
import { demoSubcontractorLogins } from './demo-users';

/** The subcontractor portal's demo login (one per demo vendor; README lists them all). */
export function subcontractorLoginLine(): string {
  const first = demoSubcontractorLogins[0]!;
  return `  ${'Subcontractor'.padEnd(20)} ${first.email}  (portal; one per demo vendor, see README)`;
}

export function printDemoLogins(users: { email: string; role: Role }[], result: SeedResult): void {
  console.log('\nDemo logins (organisation: Northbeam Construction Ltd)');
  for (const user of users) console.log(`  ${roleLabels[user.role].padEnd(20)} ${user.email}`);
  console.log(subcontractorLoginLine());
  if (result.generatedPassword) {
    console.log(`  Password for all of them: ${result.password}`);
    console.log(
      '  (generated now and shown only this once; set DEMO_PASSWORD before the first start to choose it)\n',
    );
  } else {
    console.log('  Password for all of them: the value of DEMO_PASSWORD\n');
  }
}
