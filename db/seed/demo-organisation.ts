import { randomBytes } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { costCodes, organisations, partners, projectMembers, projects, users } from '@/db/schema';
import { hashPassword } from '@/server/auth/password';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';
import { DEMO_CUSTOMERS, DEMO_PROJECTS, DEMO_VENDORS } from '@/tools/odoo-sim/demo-data';
import { seedDemoCostForecasts } from './demo-cost-forecasts';
import { seedDemoMilestones } from './demo-milestones';
import { demoSubcontractorLogins, demoUsers } from './demo-users';

export { demoSubcontractorLogins, demoUsers };

/**
 * The demo contractor a newcomer meets on first `npm start`. Project codes, names, clients, contract
 * values and cost codes match the Odoo simulator's demo company (tools/odoo-sim/demo-data.ts), so a
 * pull links them.
 */

type DemoCostCode = { code: string; name: string; budget: string };

const customerName = (key: string) => DEMO_CUSTOMERS.find((c) => c.key === key)?.name ?? key;
const contractOf = (code: string) => DEMO_PROJECTS.find((p) => p.code === code);

/** Budgets sit below each contract (about 86 %); contract values and clients match the Odoo demo. */
export const demoProjects: {
  code: string;
  name: string;
  clientName: string;
  contract: string;
  clientRetentionRate: string;
  startDate: string;
  endDate: string;
  costCodes: DemoCostCode[];
}[] = [
  {
    code: 'P-1001',
    name: 'Harbour View Apartments',
    clientName: customerName(contractOf('P-1001')!.customer),
    contract: contractOf('P-1001')!.contractValue,
    clientRetentionRate: '0.0500',
    startDate: '2026-01-05',
    endDate: '2027-02-26',
    costCodes: [
      { code: '01-100', name: 'Preliminaries', budget: '120000.00' },
      { code: '03-300', name: 'Concrete', budget: '260000.00' },
      { code: '05-100', name: 'Structural Steel', budget: '230000.00' },
      { code: '06-200', name: 'Joinery', budget: '80000.00' },
      { code: '07-500', name: 'Roofing', budget: '95000.00' },
      { code: '09-200', name: 'Drylining', budget: '85000.00' },
      { code: '15-100', name: 'Mechanical', budget: '165000.00' },
      { code: '16-100', name: 'Electrical', budget: '150000.00' },
      { code: '99-000', name: 'Contingency', budget: '60000.00' },
    ],
  },
  {
    code: 'P-1002',
    name: 'Riverside Medical Centre',
    clientName: customerName(contractOf('P-1002')!.customer),
    contract: contractOf('P-1002')!.contractValue,
    clientRetentionRate: '0.0300',
    startDate: '2026-02-02',
    endDate: '2027-03-31',
    costCodes: [
      { code: '01-100', name: 'Preliminaries', budget: '160000.00' },
      { code: '03-300', name: 'Concrete', budget: '320000.00' },
      { code: '05-100', name: 'Structural Steel', budget: '260000.00' },
      { code: '06-200', name: 'Joinery', budget: '110000.00' },
      { code: '09-200', name: 'Drylining', budget: '140000.00' },
      { code: '15-100', name: 'Mechanical', budget: '330000.00' },
      { code: '16-100', name: 'Electrical', budget: '300000.00' },
      { code: '99-000', name: 'Contingency', budget: '90000.00' },
    ],
  },
  {
    code: 'P-1003',
    name: 'Northgate Logistics Hub',
    clientName: customerName(contractOf('P-1003')!.customer),
    contract: contractOf('P-1003')!.contractValue,
    clientRetentionRate: '0.0500',
    startDate: '2025-11-03',
    endDate: '2026-10-30',
    costCodes: [
      { code: '01-100', name: 'Preliminaries', budget: '110000.00' },
      { code: '03-300', name: 'Concrete', budget: '240000.00' },
      { code: '05-100', name: 'Structural Steel', budget: '250000.00' },
      { code: '07-500', name: 'Roofing', budget: '200000.00' },
      { code: '15-100', name: 'Mechanical', budget: '100000.00' },
      { code: '16-100', name: 'Electrical', budget: '120000.00' },
      { code: '99-000', name: 'Contingency', budget: '60000.00' },
    ],
  },
];

export type SeedResult = { seeded: boolean; password?: string; generatedPassword: boolean };

/** Seeds once: a database that already has an organisation is left alone (so restarts keep data). */
export async function seedDemoOrganisation(db: Db, options: { password?: string }): Promise<SeedResult> {
  const existing = await db.select({ id: organisations.id }).from(organisations).limit(1);
  if (existing.length > 0) return { seeded: false, generatedPassword: false };
  const generatedPassword = !options.password;
  const password = options.password ?? `demo-${randomBytes(9).toString('base64url')}`;
  const passwordHash = await hashPassword(password);
  const system = { id: null, role: 'system' } as const;

  await db.transaction(async (tx) => {
    const [organisation] = await tx
      .insert(organisations)
      .values({
        name: 'Northbeam Construction Ltd',
        currency: 'GBP',
        timeZone: 'Europe/London',
        pmLimitAmount: '25000.00',
        executiveLimitAmount: '250000.00',
      })
      .returning({ id: organisations.id });
    if (!organisation) throw new Error('organisation insert failed');
    await recordAudit(tx, {
      actor: system,
      action: 'organisation.seed',
      entityType: 'organisation',
      entityId: organisation.id,
      comment: 'Demo organisation created',
    });

    const projectIds = new Map<string, string>();
    for (const project of demoProjects) {
      const [row] = await tx
        .insert(projects)
        .values({
          organisationId: organisation.id,
          code: project.code,
          name: project.name,
          clientName: project.clientName,
          currency: 'GBP',
          originalContractAmount: project.contract,
          clientRetentionRate: project.clientRetentionRate,
          startDate: project.startDate,
          endDate: project.endDate,
        })
        .returning({ id: projects.id });
      if (!row) throw new Error('project insert failed');
      projectIds.set(project.code, row.id);
      await tx.insert(costCodes).values(
        project.costCodes.map((code) => ({
          projectId: row.id,
          code: code.code,
          name: code.name,
          originalBudgetAmount: code.budget,
        })),
      );
    }

    const people = new Map<string, Actor>();
    for (const user of demoUsers) {
      const [row] = await tx
        .insert(users)
        .values({
          organisationId: organisation.id,
          email: user.email,
          name: user.name,
          role: user.role,
          passwordHash,
        })
        .returning({ id: users.id });
      if (!row) throw new Error('user insert failed');
      people.set(user.email, {
        id: row.id,
        organisationId: organisation.id,
        email: user.email,
        name: user.name,
        role: user.role,
      });
      for (const code of user.projects) {
        const projectId = projectIds.get(code);
        if (projectId) await tx.insert(projectMembers).values({ projectId, userId: row.id });
      }
    }
    // the demo vendors, as entered before the first pull (which adopts them by name), each with a
    // subcontractor portal login (issue 19)
    for (const vendor of DEMO_VENDORS) {
      const [row] = await tx
        .insert(partners)
        .values({
          organisationId: organisation.id,
          name: vendor.name,
          ref: vendor.ref,
          vat: vendor.vat,
          isVendor: true,
        })
        .returning({ id: partners.id });
      const login = demoSubcontractorLogins.find((l) => l.vendorRef === vendor.ref);
      if (!row || !login) continue;
      await tx.insert(users).values({
        organisationId: organisation.id,
        email: login.email,
        name: login.name,
        role: 'subcontractor',
        vendorId: row.id,
        passwordHash,
      });
    }
    await seedDemoCostForecasts(tx, projectIds, people);
    await seedDemoMilestones(tx, projectIds, people);
  });
  return { seeded: true, password, generatedPassword };
}

/**
 * `npm run demo:reset-password`: gives every demo login a new password (DEMO_PASSWORD, else a
 * generated one) and ends their sessions; audited as a system action. Users that are not demo logins
 * are never touched.
 */
export async function resetDemoPasswords(
  db: Db,
  options: { password?: string },
): Promise<{ password: string; generatedPassword: boolean; reset: number }> {
  const generatedPassword = !options.password;
  const password = options.password ?? `demo-${randomBytes(9).toString('base64url')}`;
  const passwordHash = await hashPassword(password);
  const emails = [...demoUsers, ...demoSubcontractorLogins].map((user) => user.email);
  const reset = await db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({
        passwordHash,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        version: sql`${users.version} + 1`,
        updatedAt: new Date(),
      })
      .where(inArray(users.email, emails))
      .returning({ id: users.id });
    for (const row of rows) {
      await recordAudit(tx, {
        actor: { id: null, role: 'system' },
        action: 'user.reset_password',
        entityType: 'user',
        entityId: row.id,
        changedFields: { password: { old: '[redacted]', new: '[redacted]' } },
        comment: 'Demo password reset from the command line',
      });
    }
    return rows.length;
  });
  return { password, generatedPassword, reset };
}
