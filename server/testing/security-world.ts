import { submitComplianceDocument } from '@/server/modules/vendors/compliance.service';
import { uploadDocument } from '@/server/modules/documents/document.service';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Actor } from '@/server/auth/actor';
import {
  changeOrders,
  claims,
  costCodes,
  exceptions,
  milestones,
  partners,
  projects,
  pullRuns,
  sovLines,
  subcontracts,
  users,
} from '@/db/schema';
import { submitChangeOrder } from '@/server/modules/change-orders/change-order-approval.service';
import { createChangeOrder } from '@/server/modules/change-orders/change-order.service';
import { certifyClaim } from '@/server/modules/claims/claim-approval.service';
import { createClaim, submitClaim, updateClaim } from '@/server/modules/claims/claim.service';
import { raiseException } from '@/server/modules/exceptions/exception.service';
import { createMilestone } from '@/server/modules/milestones/milestone.service';
import { seedTestOrganisation, type SeededOrg } from './fixtures';

/**
 * The records the security sweeps aim at. Everything under `target` belongs to project P-1003, whose
 * members are qs2 and pm2; qs and pm (members of P-1001 and P-1002) are the outsiders. Every title
 * carries MARK, so a leak of any of them into a response or an error is one substring search.
 *
 * Which records are project-scoped (another project's → NOT_FOUND): projects, change orders, claims
 * and their certificates, milestones, subcontracts, cost codes, cost forecasts and snapshots, and the
 * sync history and exceptions of those records. Organisation-wide (any holder of the permission sees
 * every one): users and memberships (admin), vendors (a vendor works for many projects; the vendor
 * page lists only the subcontracts of projects the reader sees), pull runs, the Odoo connection and
 * mappings, thresholds and the audit log (admin, finance, executive).
 */
export const MARK = 'zq7-canary';

export type SecurityWorld = {
  org: SeededOrg;
  /** The Odoo (simulator) the connection samples point at, when a test runs one. */
  odooUrl?: string;
  /** The organisation-wide user a user-admin sample acts on (never one of the seeded actors). */
  spareUserId: string;
  spareUserVersion: number;
  pullRunId: string;
  target: {
    /** The target vendor's subcontractor login (the insider for the portal's procedures). */
    subcontractor: Actor;
    projectId: string;
    costCodeId: string;
    otherCostCodeId: string;
    vendorId: string;
    vendorVersion: number;
    subcontractId: string;
    subcontractVersion: number;
    sovLineIds: string[];
    changeOrderId: string;
    changeOrderVersion: number;
    submittedChangeOrderId: string;
    submittedChangeOrderVersion: number;
    claimId: string;
    claimVersion: number;
    milestoneId: string;
    milestoneVersion: number;
    exceptionId: string;
    exceptionVersion: number;
    /** A document on the target claim, its file name carrying the mark. */
    documentId: string;
    /** A compliance document uploaded to the target's vendor, not yet submitted as a certificate. */
    vendorDocumentId: string;
    /** A certificate of the target's vendor, submitted by the QS, waiting for finance's review. */
    complianceDocumentId: string;
    /** Strings that identify the target project's records: none may reach an outsider. */
    identifying: string[];
  };
};

/** Random ids of the right shape, for the schema-only probes that never touch a database. */
export function fakeSecurityWorld(): SecurityWorld {
  const id = () => randomUUID();
  const actor = (role: SeededOrg['actors']['admin']['role']) => ({
    id: id(),
    organisationId: id(),
    email: `${role}@x.example`,
    name: role,
    role,
  });
  return {
    org: {
      actors: {
        admin: actor('admin'),
        qs: actor('quantity_surveyor'),
        pm: actor('project_manager'),
        finance: actor('finance'),
        exec: actor('executive'),
        qs2: actor('quantity_surveyor'),
        pm2: actor('project_manager'),
        sub: { ...actor('subcontractor'), vendorId: id() },
      },
      projectIds: { 'P-1001': id(), 'P-1002': id(), 'P-1003': id() },
    },
    spareUserId: id(),
    spareUserVersion: 1,
    pullRunId: id(),
    target: {
      subcontractor: { ...actor('subcontractor'), vendorId: id() },
      projectId: id(),
      costCodeId: id(),
      otherCostCodeId: id(),
      vendorId: id(),
      vendorVersion: 1,
      subcontractId: id(),
      subcontractVersion: 1,
      sovLineIds: [id(), id()],
      changeOrderId: id(),
      changeOrderVersion: 1,
      submittedChangeOrderId: id(),
      submittedChangeOrderVersion: 2,
      claimId: id(),
      claimVersion: 1,
      milestoneId: id(),
      milestoneVersion: 1,
      exceptionId: id(),
      exceptionVersion: 1,
      documentId: id(),
      vendorDocumentId: id(),
      complianceDocumentId: id(),
      identifying: [MARK],
    },
  };
}

/** Seeds the demo organisation plus, on P-1003, one record of every project-scoped kind. */
export async function seedSecurityWorld(db: Db): Promise<SecurityWorld> {
  const org = await seedTestOrganisation(db);
  const projectId = org.projectIds['P-1003']!;
  const owner = org.actors.pm2;
  const [project] = await db.select().from(projects).where(eq(projects.id, projectId));
  const codes = await db
    .select({ id: costCodes.id })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId))
    .orderBy(costCodes.code);
  const [code, otherCode] = codes;

  const [vendor] = await db
    .insert(partners)
    .values({ organisationId: owner.organisationId, name: 'Keystone Piling Ltd', isVendor: true })
    .returning();
  const [sc] = await db
    .insert(subcontracts)
    .values({ projectId, vendorId: vendor!.id, reference: `SC-${MARK}`, title: `Subcontract ${MARK}` })
    .returning();
  const sov = await db
    .insert(sovLines)
    .values([
      {
        subcontractId: sc!.id,
        lineNo: 1,
        description: `Piling ${MARK}`,
        costCodeId: code!.id,
        scheduledAmount: '90000.00',
      },
      {
        subcontractId: sc!.id,
        lineNo: 2,
        description: `Capping ${MARK}`,
        costCodeId: code!.id,
        scheduledAmount: '30000.00',
      },
    ])
    .returning({ id: sovLines.id });

  const line = {
    costCodeId: code!.id,
    description: `Extra piling ${MARK}`,
    quantity: '1',
    unit: 'item',
    unitCost: '4321.00',
    sellAmount: '5432.00',
  };
  const draft = await createChangeOrder(
    db,
    {
      projectId,
      kind: 'client',
      title: `Draft CO ${MARK}`,
      reason: 'design_change',
      description: `Why ${MARK}`,
      scheduleImpactDays: 0,
      lines: [line],
      documents: [],
    },
    owner,
  );
  const submitted = await createChangeOrder(
    db,
    {
      projectId,
      kind: 'client',
      title: `Submitted CO ${MARK}`,
      reason: 'other',
      description: '',
      scheduleImpactDays: 0,
      lines: [line],
      documents: [],
    },
    owner,
  );
  await submitChangeOrder(db, { changeOrderId: submitted.id, version: 1 }, owner);

  const claim = await createClaim(db, { subcontractId: sc!.id, periodEnd: '2026-03-31' }, org.actors.qs2);
  await updateClaim(
    db,
    {
      claimId: claim.id,
      version: 1,
      lines: sov.map((l) => ({ sovLineId: l.id, claimedToDate: '1000.00' })),
      materialsStoredToDate: '0',
      deductions: [],
    },
    org.actors.qs2,
  );
  await submitClaim(db, { claimId: claim.id, version: 2 }, org.actors.qs2);
  await certifyClaim(
    db,
    {
      claimId: claim.id,
      version: 3,
      lines: sov.map((l) => ({ sovLineId: l.id, certifiedToDate: '1000.00' })),
      materialsStoredToDate: '0',
      deductions: [],
    },
    org.actors.qs2,
  );

  const milestone = await createMilestone(
    db,
    {
      projectId,
      name: `Milestone ${MARK}`,
      plannedDate: '2026-06-30',
      amountBasis: 'fixed',
      fixedAmount: '25000.00',
      evidence: [],
    },
    owner,
  );
  const exception = await raiseException(db, {
    category: 'rule_breach',
    cause: `security.${MARK}`,
    recordType: 'claim',
    recordId: claim.id,
    recordReference: claim.reference,
    projectId,
    amountAtStake: '2000.00',
    title: `Exception ${MARK}`,
    detail: `Detail ${MARK}`,
    guidance: 'Nothing to do: a test record.',
  });

  const [run] = await db
    .insert(pullRuns)
    .values({ trigger: 'manual', status: 'succeeded' })
    .returning({ id: pullRuns.id });
  const [spare] = await db
    .insert(users)
    .values({
      organisationId: owner.organisationId,
      email: `spare.${MARK}@northbeam.example`,
      name: 'Spare User',
      role: 'quantity_surveyor',
      passwordHash: 'x',
    })
    .returning();
  // the target vendor's portal login: sees the target's subcontract and claims as its vendor
  const [contact] = await db
    .insert(users)
    .values({
      organisationId: owner.organisationId,
      email: `contact.${MARK}@keystone-piling.example`,
      name: 'Piling Contact',
      role: 'subcontractor',
      vendorId: vendor!.id,
      passwordHash: 'x',
    })
    .returning();

  const versionOf = async (
    table:
      | typeof changeOrders
      | typeof claims
      | typeof milestones
      | typeof exceptions
      | typeof subcontracts
      | typeof partners,
    id: string,
  ) => {
    const [row] = await db.select({ version: table.version }).from(table).where(eq(table.id, id));
    return row!.version;
  };
  const document = await uploadDocument(
    db,
    { recordType: 'claim', recordId: claim.id, kind: 'invoice', fileName: `${MARK} invoice.txt` },
    Buffer.from(`Invoice for ${MARK}\n`),
    owner,
  );
  // a member QS submits the vendor's certificates (compliance.submit), finance reviews them
  const vendorDocument = await uploadDocument(
    db,
    { recordType: 'vendor', recordId: vendor!.id, kind: 'compliance', fileName: `${MARK} licence.txt` },
    Buffer.from(`Licence of the vendor of ${MARK}\n`),
    org.actors.qs2,
  );
  const certificateFile = await uploadDocument(
    db,
    { recordType: 'vendor', recordId: vendor!.id, kind: 'compliance', fileName: `${MARK} insurance.txt` },
    Buffer.from(`Insurance of the vendor of ${MARK}\n`),
    org.actors.qs2,
  );
  const certificate = await submitComplianceDocument(
    db,
    { vendorId: vendor!.id, documentId: certificateFile.id, type: 'insurance', expiresOn: '2030-06-30' },
    org.actors.qs2,
  );
  return {
    org,
    spareUserId: spare!.id,
    spareUserVersion: spare!.version,
    pullRunId: run!.id,
    target: {
      subcontractor: {
        id: contact!.id,
        organisationId: contact!.organisationId,
        email: contact!.email,
        name: contact!.name,
        role: 'subcontractor',
        vendorId: vendor!.id,
      },
      projectId,
      costCodeId: code!.id,
      otherCostCodeId: otherCode!.id,
      vendorId: vendor!.id,
      vendorVersion: await versionOf(partners, vendor!.id),
      subcontractId: sc!.id,
      subcontractVersion: await versionOf(subcontracts, sc!.id),
      sovLineIds: sov.map((l) => l.id),
      changeOrderId: draft.id,
      changeOrderVersion: await versionOf(changeOrders, draft.id),
      submittedChangeOrderId: submitted.id,
      submittedChangeOrderVersion: await versionOf(changeOrders, submitted.id),
      claimId: claim.id,
      claimVersion: await versionOf(claims, claim.id),
      milestoneId: milestone.id,
      milestoneVersion: await versionOf(milestones, milestone.id),
      exceptionId: exception.id,
      exceptionVersion: await versionOf(exceptions, exception.id),
      documentId: document.id,
      vendorDocumentId: vendorDocument.id,
      complianceDocumentId: certificate.id,
      // references such as CO-0001 repeat across projects, so only strings unique to P-1003 count
      identifying: [MARK, project!.name, project!.code],
    },
  };
}
