import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { partners, subcontracts } from '@/db/schema';
import type { OdooRecord } from '@/server/odoo/client';
import { resolveExceptionsFor } from '@/server/modules/exceptions/exception.service';
import {
  advanceCursor,
  clearUnlinked,
  cursorDomain,
  eachRecord,
  m2oId,
  mirror,
  noteUnlinked,
  parseOdooDateTime,
  recorder,
  textOrNull,
  type PullContext,
} from './pull-context';
import { PARTNER_FIELDS, upsertPartner } from './pull-partners';
import { loadAccountMaps } from './pull-projects';
import { distributionAccounts, LINE_FIELDS, upsertSovLine, type SubcontractRef } from './pull-sov-lines';

const PO = 'purchase.order';
const LINE = 'purchase.order.line';
const CONFIRMED = ['purchase', 'done'];
const NO_PROJECT = 'purchase_order_without_project';

/**
 * Confirmed purchase orders → subcontracts (reference = PO name) with their lines as the SOV. The
 * project is the one whose analytic account a line's distribution names. Orders already mirrored are
 * re-read when they change whatever their state, so a cancellation in Odoo shows up.
 */
export async function pullPurchaseOrders(ctx: PullContext): Promise<void> {
  const known = await knownOrderIds(ctx);
  const cursor = await cursorDomain(ctx.db, PO);
  const domain = [...cursor, '|', ['state', 'in', CONFIRMED], ['id', 'in', known]];
  const orders = await ctx.odoo.searchReadAll(
    PO,
    domain,
    ['name', 'partner_id', 'partner_ref', 'state', 'order_line', 'currency_id', 'write_date'],
    { order: 'write_date, id' },
  );
  const lineIds = orders.flatMap((o) => (Array.isArray(o.order_line) ? (o.order_line as number[]) : []));
  const lines = await ctx.odoo.read(LINE, lineIds, LINE_FIELDS);
  const maps = await loadAccountMaps(ctx.db, ctx.organisationId);
  const rec = recorder(ctx, PO);
  const lineRec = recorder(ctx, LINE);
  const partnerRec = recorder(ctx, 'res.partner');

  await ctx.db.transaction(async (tx) => {
    await eachRecord(tx, rec, 'subcontract', orders, async (order, sp) => {
      const own = lines
        .filter((l) => m2oId(l.order_id) === order.id && !l.display_type)
        .sort((a, b) => Number(a.sequence ?? 0) - Number(b.sequence ?? 0) || a.id - b.id);
      const project = own
        .flatMap((l) => distributionAccounts(l.analytic_distribution))
        .map((id) => maps.projectByAccount.get(id))
        .find(Boolean);
      const existing = await findSubcontract(sp, order);
      if (!project && !existing) {
        // another department's PO, or one for the office: listed once as "not linked", no exception
        await noteUnlinked(sp, ctx, {
          odooModel: PO,
          odooId: order.id,
          name: String(order.name),
          reason: unlinkedOrderReason(own),
        });
        // an exception raised for it by an earlier version is not a problem any more
        await resolveExceptionsFor(sp, 'odoo_purchase_order', String(order.id), NO_PROJECT);
        return;
      }
      const vendorId = await vendorFor(sp, ctx, partnerRec, m2oId(order.partner_id));
      const projectId = project?.id ?? existing!.projectId;
      const vendorName = Array.isArray(order.partner_id) ? String(order.partner_id[1]) : '';
      const next = {
        projectId,
        vendorId,
        odooPurchaseOrderId: order.id,
        reference: String(order.name),
        title: [textOrNull(order.partner_ref), vendorName].filter(Boolean).join(' · ') || String(order.name),
        odooState: String(order.state),
        currency: Array.isArray(order.currency_id) ? String(order.currency_id[1]).slice(0, 3) : 'GBP',
      };
      const stamp = { odooWriteDate: parseOdooDateTime(order.write_date), lastPulledAt: new Date() };
      const { id } = await mirror(sp, rec, {
        recordType: 'subcontract',
        odooId: order.id,
        existing,
        next,
        insert: async () =>
          (
            await sp
              .insert(subcontracts)
              .values({ ...next, ...stamp })
              .returning({ id: subcontracts.id })
          )[0]!.id,
        update: async (scId) =>
          void (await sp
            .update(subcontracts)
            .set({ ...next, ...stamp, version: sql`${subcontracts.version} + 1`, updatedAt: new Date() })
            .where(eq(subcontracts.id, scId))),
        touch: async (scId) =>
          void (await sp.update(subcontracts).set(stamp).where(eq(subcontracts.id, scId))),
      });
      // exceptions an earlier version raised for unrelated orders close once the order is linked
      await resolveExceptionsFor(sp, 'odoo_purchase_order', String(order.id), NO_PROJECT);
      await clearUnlinked(sp, ctx, PO, order.id);
      const ref: SubcontractRef = { id, projectId, reference: next.reference };
      for (const line of own) {
        await upsertSovLine(sp, lineRec, ref, line, maps.costCodeFor);
        ctx.seenPurchaseLines.add(line.id);
      }
    });
    await advanceCursor(tx, PO, orders);
  });
}

/** Why a PO belongs to no Plumbline project, in words an Odoo admin acts on (the setup page shows it). */
export function unlinkedOrderReason(lines: OdooRecord[]): string {
  const withAccounts = lines.filter((l) => distributionAccounts(l.analytic_distribution).length > 0);
  if (lines.length === 0) return 'It has no lines, so nothing says which project it is for.';
  if (withAccounts.length === 0)
    return "None of its lines has an analytic distribution, so nothing says which project it is for. If it is a Plumbline subcontract, put the project's analytic account in its lines' analytic distribution.";
  return "Its lines' analytic accounts are none of the linked Plumbline projects' accounts. If it is a Plumbline subcontract, use the project's analytic account in the lines' analytic distribution (and check the project is linked).";
}

/** Lines edited in Odoo without their order changing (a price or description) on mirrored orders. */
export async function pullPurchaseLines(ctx: PullContext): Promise<void> {
  const known = await knownOrderIds(ctx);
  if (known.length === 0) return;
  const lines = await ctx.odoo.searchReadAll(
    LINE,
    [...(await cursorDomain(ctx.db, LINE)), ['order_id', 'in', known]],
    LINE_FIELDS,
    { order: 'write_date, id' },
  );
  const fresh = lines.filter((l) => !ctx.seenPurchaseLines.has(l.id) && !l.display_type);
  const maps = await loadAccountMaps(ctx.db, ctx.organisationId);
  const rec = recorder(ctx, LINE);
  await ctx.db.transaction(async (tx) => {
    await eachRecord(tx, rec, 'sov_line', fresh, async (line, sp) => {
      const [sc] = await sp
        .select({ id: subcontracts.id, projectId: subcontracts.projectId, reference: subcontracts.reference })
        .from(subcontracts)
        .where(eq(subcontracts.odooPurchaseOrderId, m2oId(line.order_id) ?? -1));
      if (sc) await upsertSovLine(sp, rec, sc, line, maps.costCodeFor);
    });
    await advanceCursor(tx, LINE, lines);
  });
}

async function knownOrderIds(ctx: PullContext): Promise<number[]> {
  const rows = await ctx.db
    .select({ id: subcontracts.odooPurchaseOrderId })
    .from(subcontracts)
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(and(eq(partners.organisationId, ctx.organisationId), isNotNull(subcontracts.odooPurchaseOrderId)));
  return rows.map((r) => r.id!);
}

/** By Odoo id; a subcontract entered before the first pull is adopted by its reference (the PO name). */
async function findSubcontract(tx: DbOrTx, order: OdooRecord) {
  const select = {
    id: subcontracts.id,
    projectId: subcontracts.projectId,
    vendorId: subcontracts.vendorId,
    odooPurchaseOrderId: subcontracts.odooPurchaseOrderId,
    reference: subcontracts.reference,
    title: subcontracts.title,
    odooState: subcontracts.odooState,
    currency: subcontracts.currency,
  };
  const [byId] = await tx
    .select(select)
    .from(subcontracts)
    .where(eq(subcontracts.odooPurchaseOrderId, order.id));
  if (byId) return byId;
  const [byRef] = await tx
    .select(select)
    .from(subcontracts)
    .where(and(eq(subcontracts.reference, String(order.name)), isNull(subcontracts.odooPurchaseOrderId)))
    .limit(1);
  return byRef;
}

/** The order's vendor, pulled on the spot when the partner step has not brought it yet. */
async function vendorFor(
  tx: DbOrTx,
  ctx: PullContext,
  rec: ReturnType<typeof recorder>,
  odooPartnerId: number | null,
): Promise<string> {
  if (!odooPartnerId) throw new Error('The purchase order has no vendor.');
  const [found] = await tx
    .select({ id: partners.id, isVendor: partners.isVendor })
    .from(partners)
    .where(and(eq(partners.organisationId, ctx.organisationId), eq(partners.odooId, odooPartnerId)));
  if (found?.isVendor) return found.id;
  const [row] = await ctx.odoo.read('res.partner', [odooPartnerId], PARTNER_FIELDS);
  if (!row) throw new Error(`Vendor ${odooPartnerId} is not readable in Odoo.`);
  return upsertPartner(tx, ctx, rec, row, true);
}
