import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { claims, costCodes, odooConnections, partners, projects, sovLines, subcontracts } from '@/db/schema';
import { Money } from '@/server/lib/money';
import type { OdooClient } from '@/server/odoo/client';
import { OdooBusinessError } from '@/server/odoo/errors';
import { analyticDistribution } from '@/server/odoo/field-names';
import {
  eachRecord,
  type SyncEffect,
  type SyncHandler,
  type SyncOneContext,
  type SyncResult,
} from '@/server/sync/registry';
import { requireCurrency, requireMapping } from '@/server/modules/odoo-connection/odoo-setup';
import { attachRecordDocuments } from '@/server/modules/documents/document-odoo';
import { readOdooDocument } from '@/server/modules/workflow/follow-odoo-document';
import { applyBillState, type BillState } from './claim-bill-state.service';
import { claimBillReference } from './claim-entry.calc';
import { buildVendorBillLines, calculateClaim } from './claim.calc';
import { buildClaimInput, type ClaimRow } from './claim.records';
import type { VendorBillLine } from './claim.types';

const RECORD_TYPE = 'claim';
const BILL_STATES = new Set(['approved', 'released', 'posted', 'paid']);
const POSTED_STATES = new Set(['released', 'posted', 'paid']);
const BILL_FIELDS = ['name', 'state', 'payment_state', 'amount_total', 'ref', 'partner_id'];

/**
 * Level-triggered (server/sync/registry.ts): read the claim now and make its vendor bill match.
 * - approved: one DRAFT in_invoice, ref = the claim's bill reference, one line per SOV line with this
 *   period's amount (linked to its PO line, with the analytic distribution), the retention movement on
 *   the retention-payable account, a negative line per deduction; total = the amount due.
 * - released (and later): the same bill, posted; then posted / paid follow the bill (applyBillState).
 * - rejected: a draft bill that exists is cancelled.
 * The bill is always looked for by ref + vendor first and adopted, so one claim has one bill, ever.
 */
export const claimSyncHandler: SyncHandler = {
  recordType: RECORD_TYPE,
  syncBatch: eachRecord(syncClaim),

  async setSyncStatus(db, recordId, status) {
    await db.update(claims).set({ syncStatus: status }).where(eq(claims.id, recordId));
  },

  async describe(db, recordId) {
    const [row] = await db
      .select({
        reference: claims.reference,
        revision: claims.revision,
        projectId: claims.projectId,
        due: claims.dueAmount,
        syncStatus: claims.syncStatus,
      })
      .from(claims)
      .where(eq(claims.id, recordId));
    if (!row) return null;
    return {
      reference: row.revision > 1 ? `${row.reference} rev ${row.revision}` : row.reference,
      projectId: row.projectId,
      amountAtStake: row.due,
      syncStatus: row.syncStatus,
    };
  },
};

async function syncClaim({ db, odoo, recordId }: SyncOneContext): Promise<SyncResult> {
  const claim = await loadForSync(db, recordId);
  const ref = claimBillReference(claim.row.reference, claim.row.revision);
  if (claim.row.status !== 'rejected' && !BILL_STATES.has(claim.row.status))
    return { operation: 'no change (no bill before approval)' };
  if (claim.vendorOdooId === null)
    throw missingMapping(`Vendor ${claim.vendorName} has no Odoo partner linked. Run a master-data pull.`);
  const existing = await findBill(odoo, ref, claim.vendorOdooId);
  const link = (id: number) => [
    { purpose: 'vendor_bill', odooModel: 'account.move', odooId: id, reference: ref },
  ];

  if (claim.row.status === 'rejected') {
    if (!existing) return { operation: 'no change (rejected, no bill)' };
    if (existing.state === 'draft' || existing.state === 'cancel') {
      const cancelling = existing.state === 'draft';
      if (cancelling) await odoo.action('account.move', 'button_cancel', [existing.id]);
      // button_cancel answers nothing: the claim records the state Odoo reads back (CONTRACT.md).
      return {
        operation: cancelling ? 'cancel draft vendor bill' : 'no change (bill already cancelled)',
        odooModel: 'account.move',
        odooId: existing.id,
        links: link(existing.id),
        effects: [followsBill(claim.row.id, await readBill(odoo, existing.id))],
      };
    }
    throw new OdooBusinessError({
      odooName: 'plumbline.PostedBillOfRejectedClaim',
      message: `Bill ${existing.name ?? existing.id} of rejected claim ${claim.row.reference} is posted in Odoo; reverse it there.`,
    });
  }

  let billId = existing?.id;
  const operations: string[] = [];
  if (billId === undefined) {
    billId = await createDraftBill(db, odoo, claim, ref);
    operations.push('create draft vendor bill');
  } else operations.push('adopt vendor bill');
  if (POSTED_STATES.has(claim.row.status)) {
    const [current] = await odoo.read('account.move', [billId], ['state']);
    if (current?.state === 'draft') {
      await odoo.action('account.move', 'action_post', [billId]);
      operations.push('post');
    }
  }
  // the subcontractor's invoice (documents of kind 'invoice') on the bill, once each (document-odoo.ts)
  const attached = await attachRecordDocuments(db, odoo, {
    recordType: 'claim',
    recordId: claim.row.id,
    kind: 'invoice',
    resModel: 'account.move',
    resId: billId,
  });
  if (attached.created > 0) operations.push(`attach ${attached.created} invoice document(s)`);
  const bill = await readBill(odoo, billId);
  return {
    operation: operations.join(' + '),
    odooModel: 'account.move',
    odooId: billId,
    links: [...link(billId), ...attached.links],
    effects: [followsBill(claim.row.id, bill)],
  };
}

/** The claim follows its bill (posted, paid, drift) in the attempt's transaction (claim-bill-state.service.ts). */
function followsBill(claimId: string, bill: BillState): SyncEffect {
  return {
    what: 'claim follows its vendor bill',
    apply: async (tx) => {
      await applyBillState(tx, claimId, bill);
    },
  };
}

type ClaimForSync = Awaited<ReturnType<typeof loadForSync>>;

async function loadForSync(db: DbOrTx, recordId: string) {
  const [found] = await db
    .select({
      row: claims,
      vendorOdooId: partners.odooId,
      vendorName: partners.name,
      projectAnalyticId: projects.odooAnalyticAccountId,
      subcontractReference: subcontracts.reference,
      currency: subcontracts.currency,
      companyId: projects.odooCompanyId,
    })
    .from(claims)
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .where(eq(claims.id, recordId));
  if (!found) throw missingMapping('The claim no longer exists in Plumbline.');
  return found;
}

async function findBill(odoo: OdooClient, ref: string, partnerId: number) {
  const ids = await odoo.search(
    'account.move',
    [
      ['move_type', '=', 'in_invoice'],
      ['ref', '=', ref],
      ['partner_id', '=', partnerId],
    ],
    { order: 'id' },
  );
  if (ids.length === 0) return null;
  const bills = await odoo.read<{ id: number; state: string; name: string | false }>('account.move', ids, [
    'state',
    'name',
  ]);
  // a live bill wins over a cancelled one; never more than one is ever created by Plumbline
  const bill = bills.find((b) => b.state !== 'cancel') ?? bills[0];
  return bill ? { id: bill.id, state: bill.state, name: bill.name || null } : null;
}

function readBill(odoo: OdooClient, billId: number): Promise<BillState> {
  return readOdooDocument(
    odoo,
    billId,
    { odooName: 'plumbline.BillMissing', label: 'Vendor bill' },
    BILL_FIELDS,
  );
}

async function createDraftBill(db: Db, odoo: OdooClient, claim: ClaimForSync, ref: string): Promise<number> {
  const { input } = await buildClaimInput(db, claim.row);
  const calc = calculateClaim(input);
  if (calc.dueThisClaim !== claim.row.dueAmount)
    throw new Error(
      `${claim.row.reference}: recalculated due ${calc.dueThisClaim} differs from the approved ${claim.row.dueAmount}`,
    );
  if (!new Money(calc.dueThisClaim).greaterThan(0)) {
    throw new OdooBusinessError({
      odooName: 'plumbline.NonPositiveClaim',
      message: `${claim.row.reference} is due ${calc.dueThisClaim}: a vendor bill needs a positive total. Settle it with a credit note in Odoo.`,
    });
  }
  const lines = buildVendorBillLines(input);
  const mappings = await connectionMappings(db);
  const retentionAccountId = lines.some((l) => l.kind === 'retention')
    ? await requireMapping(db, odoo, 'retentionPayableAccountId')
    : undefined;
  const fallback = await fallbackDistributions(db, odoo, claim);
  const values = {
    move_type: 'in_invoice',
    partner_id: claim.vendorOdooId,
    ref,
    invoice_date: claim.row.periodEnd,
    invoice_origin: claim.subcontractReference,
    // one company and one currency per project (issue 14): never the Odoo company's default by accident
    currency_id: await requireCurrency(odoo, claim.currency),
    ...(claim.companyId ? { company_id: claim.companyId } : {}),
    ...(mappings.purchaseJournalId ? { journal_id: mappings.purchaseJournalId } : {}),
    invoice_line_ids: lines.map((line) => [0, 0, billLine(line, claim.row, retentionAccountId, fallback)]),
  };
  return odoo.create('account.move', values);
}

function billLine(
  line: VendorBillLine,
  row: ClaimRow,
  retentionAccountId: number | undefined,
  fallback: Map<string, Record<string, number>>,
): Record<string, unknown> {
  const base = { quantity: 1, price_unit: Number(line.amount), tax_ids: [[6, 0, []]] };
  switch (line.kind) {
    case 'sov': {
      const distribution = line.analyticDistribution ?? fallback.get(line.sovLineId);
      return {
        ...base,
        name: `${row.reference} · ${line.description}`,
        ...(line.odooPoLineId ? { purchase_line_id: line.odooPoLineId } : {}),
        ...(distribution ? { analytic_distribution: distribution } : {}),
      };
    }
    case 'materials_on_site':
      return {
        ...base,
        name: `${row.reference} · ${line.description}`,
        ...(line.analyticDistribution ? { analytic_distribution: line.analyticDistribution } : {}),
      };
    case 'retention':
      return { ...base, name: `${row.reference} · ${line.description}`, account_id: retentionAccountId };
    case 'deduction':
      return { ...base, name: `${row.reference} · ${line.description}` };
  }
}

/** SOV lines pulled without a distribution get the project's (and cost code's) analytic accounts. */
async function fallbackDistributions(
  db: Db,
  odoo: OdooClient,
  claim: ClaimForSync,
): Promise<Map<string, Record<string, number>>> {
  if (!claim.projectAnalyticId) return new Map();
  const version = (await odoo.version()).major;
  const rows = await db
    .select({ id: sovLines.id, costCodeAccount: costCodes.odooAnalyticAccountId })
    .from(sovLines)
    .leftJoin(costCodes, eq(costCodes.id, sovLines.costCodeId))
    .where(eq(sovLines.subcontractId, claim.row.subcontractId));
  return new Map(
    rows.map((r) => [
      r.id,
      analyticDistribution(version, claim.projectAnalyticId!, r.costCodeAccount ?? undefined),
    ]),
  );
}

async function connectionMappings(db: DbOrTx) {
  const [connection] = await db.select({ mappings: odooConnections.mappings }).from(odooConnections).limit(1);
  return connection?.mappings ?? {};
}

/**
 * Re-reads the claim's bill in Odoo and lets the claim follow it (posted, paid, drift). For the
 * master-data pull of vendor bills, and run by the handler itself after it posts.
 */
export async function refreshClaimFromOdoo(
  db: Db,
  odoo: OdooClient,
  claimId: string,
): Promise<{ status: string } | null> {
  const claim = await loadForSync(db, claimId);
  let billId = claim.row.odooBillId;
  if (billId === null && claim.vendorOdooId !== null)
    billId =
      (await findBill(odoo, claimBillReference(claim.row.reference, claim.row.revision), claim.vendorOdooId))
        ?.id ?? null;
  if (billId === null) return null;
  const bill = await readBill(odoo, billId);
  return db.transaction((tx) => applyBillState(tx, claimId, bill));
}

function missingMapping(message: string) {
  return new OdooBusinessError({ odooName: 'plumbline.MissingMapping', message });
}
