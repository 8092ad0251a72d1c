import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { claims, costCodes, partners, sovLines, subcontracts } from '@/db/schema';
import type { SeededOrg } from '@/server/testing/fixtures';
import {
  approveChangeOrder,
  submitChangeOrder,
} from '@/server/modules/change-orders/change-order-approval.service';
import { createChangeOrder } from '@/server/modules/change-orders/change-order.service';
import { updateRetentionTerms } from '@/server/modules/subcontracts/subcontract.service';
import { approveClaim, certifyClaim } from './claim-approval.service';
import { createClaim, submitClaim, updateClaim } from './claim.service';

/**
 * Test set-up shared by the claim DB tests: the DOMAIN §4 worked example's subcontract on P-1001 —
 * two PO lines (120,000 + 80,000) and an approved commitment CO of 15,000 that adds a third SOV
 * line through the real change-order service; retention 10 % capped at 5 % of the revised value,
 * set by finance through the retention-terms service.
 */
export type ClaimSubcontract = {
  subcontractId: string;
  vendorId: string;
  sov: { id: string; description: string }[];
};

export async function seedWorkedExampleSubcontract(
  db: Db,
  org: SeededOrg,
  options: {
    reference: string;
    vendorOdooId?: number | null;
    purchaseOrderId?: number | null;
    poLineIds?: [number, number];
    analyticAccountId?: number;
  },
): Promise<ClaimSubcontract> {
  const projectId = org.projectIds['P-1001']!;
  const [code] = await db
    .select({ id: costCodes.id })
    .from(costCodes)
    .where(eq(costCodes.projectId, projectId))
    .limit(1);
  const [vendor] = await db
    .insert(partners)
    .values({
      organisationId: org.actors.admin.organisationId,
      name: `Vendor ${options.reference}`,
      isVendor: true,
      odooId: options.vendorOdooId === undefined ? null : options.vendorOdooId,
    })
    .returning();
  const [sc] = await db
    .insert(subcontracts)
    .values({
      projectId,
      vendorId: vendor!.id,
      reference: options.reference,
      title: `Groundworks ${options.reference}`,
      odooPurchaseOrderId: options.purchaseOrderId ?? null,
    })
    .returning();
  const distribution = options.analyticAccountId ? { [String(options.analyticAccountId)]: 100 } : null;
  await db.insert(sovLines).values([
    {
      subcontractId: sc!.id,
      lineNo: 1,
      description: 'Groundworks',
      costCodeId: code!.id,
      scheduledAmount: '120000.00',
      odooPurchaseLineId: options.poLineIds?.[0] ?? null,
      analyticDistribution: distribution,
    },
    {
      subcontractId: sc!.id,
      lineNo: 2,
      description: 'Drainage',
      costCodeId: code!.id,
      scheduledAmount: '80000.00',
      odooPurchaseLineId: options.poLineIds?.[1] ?? null,
      analyticDistribution: distribution,
    },
  ]);
  const co = await createChangeOrder(
    db,
    {
      projectId,
      kind: 'commitment',
      subcontractId: sc!.id,
      title: 'Extra attenuation tank',
      reason: 'unforeseen_condition',
      description: '',
      scheduleImpactDays: 0,
      lines: [
        {
          costCodeId: code!.id,
          description: 'Attenuation tank',
          quantity: '1',
          unit: 'item',
          unitCost: '15000.00',
        },
      ],
      documents: [],
    },
    org.actors.qs,
  );
  await submitChangeOrder(db, { changeOrderId: co.id, version: 1 }, org.actors.qs);
  await approveChangeOrder(db, { changeOrderId: co.id, version: 2 }, org.actors.qs2);
  await approveChangeOrder(db, { changeOrderId: co.id, version: 3 }, org.actors.pm);
  await updateRetentionTerms(
    db,
    {
      subcontractId: sc!.id,
      version: 1,
      retentionRate: '0.10',
      retentionMaterialsRate: '0.10',
      retentionReducedRate: null,
      retentionReducedAfterPercent: null,
      retentionCapBasis: 'revised',
      retentionCapRate: '0.05',
      retentionCapAmount: null,
    },
    org.actors.finance,
  );
  const sov = await db
    .select({ id: sovLines.id, description: sovLines.description })
    .from(sovLines)
    .where(eq(sovLines.subcontractId, sc!.id))
    .orderBy(sovLines.lineNo);
  return { subcontractId: sc!.id, vendorId: vendor!.id, sov };
}

/** A second QS on P-1001, so a QS-raised change order can be reviewed by another QS. */
export async function addSecondQs(db: Db, org: SeededOrg) {
  await db.execute(
    sql`INSERT INTO project_members (project_id, user_id) VALUES (${org.projectIds['P-1001']!}, ${org.actors.qs2.id}) ON CONFLICT DO NOTHING`,
  );
}

export async function claimRow(db: Db, id: string) {
  const [row] = await db.select().from(claims).where(eq(claims.id, id));
  return row!;
}

/** QS raises a draft claim with `claimed` to date per SOV line (version 2 after the entry). */
export async function draftClaim(
  db: Db,
  org: SeededOrg,
  sc: ClaimSubcontract,
  periodEnd: string,
  claimed: string[],
): Promise<string> {
  const { id } = await createClaim(db, { subcontractId: sc.subcontractId, periodEnd }, org.actors.qs);
  await updateClaim(
    db,
    {
      claimId: id,
      version: 1,
      lines: sc.sov.map((l, i) => ({ sovLineId: l.id, claimedToDate: claimed[i] ?? '0' })),
      materialsStoredToDate: '0',
      deductions: [],
    },
    org.actors.qs,
  );
  return id;
}

/**
 * QS raises and submits a claim with `claimed` per SOV line, certifies `certified` (reasons where
 * they differ), the PM approves. Returns the approved claim's id.
 */
export async function runToApproved(
  db: Db,
  org: SeededOrg,
  sc: ClaimSubcontract,
  periodEnd: string,
  claimed: string[],
  certified: string[],
  deductions: {
    kind: 'back_charge' | 'contra_charge';
    description: string;
    reason: string;
    amount: string;
  }[] = [],
): Promise<string> {
  const id = await draftClaim(db, org, sc, periodEnd, claimed);
  await submitClaim(db, { claimId: id, version: 2 }, org.actors.qs);
  await certifyClaim(
    db,
    {
      claimId: id,
      version: 3,
      lines: sc.sov.map((l, i) => ({
        sovLineId: l.id,
        certifiedToDate: certified[i] ?? '0',
        reason: certified[i] === claimed[i] ? undefined : 'Measured on site: less complete than claimed',
      })),
      materialsStoredToDate: '0',
      deductions,
    },
    org.actors.qs,
  );
  // above the PM limit the route adds an executive's approval (DOMAIN §4)
  const { status } = await approveClaim(db, { claimId: id, version: 4 }, org.actors.pm);
  if (status === 'certified') await approveClaim(db, { claimId: id, version: 4 }, org.actors.exec);
  return id;
}
