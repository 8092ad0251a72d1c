import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { partners } from '@/db/schema';
import type { OdooRecord } from '@/server/odoo/client';
import {
  advanceCursor,
  cursorDomain,
  eachRecord,
  mirror,
  parseOdooDateTime,
  recorder,
  textOrNull,
  type PullContext,
  type Recorder,
} from './pull-context';

const MODEL = 'res.partner';
export const PARTNER_FIELDS = ['name', 'ref', 'vat', 'supplier_rank', 'customer_rank', 'write_date'];

/** Vendors (supplier_rank > 0) and customers (customer_rank > 0). Compliance and bank fields are Plumbline's and never written here. */
export async function pullPartners(ctx: PullContext): Promise<void> {
  const domain = [
    ...(await cursorDomain(ctx.db, MODEL)),
    '|',
    ['supplier_rank', '>', 0],
    ['customer_rank', '>', 0],
  ];
  const rows = await ctx.odoo.searchReadAll(MODEL, domain, PARTNER_FIELDS, { order: 'write_date, id' });
  const rec = recorder(ctx, MODEL);
  await ctx.db.transaction(async (tx) => {
    await eachRecord(tx, rec, 'partner', rows, (row, sp) =>
      upsertPartner(sp, ctx, rec, row).then(() => undefined),
    );
    await advanceCursor(tx, MODEL, rows);
  });
}

export async function upsertPartner(
  tx: DbOrTx,
  ctx: PullContext,
  rec: Recorder,
  row: OdooRecord,
  asVendor = false,
): Promise<string> {
  const mirrored = {
    odooId: row.id,
    name: String(row.name ?? ''),
    vat: textOrNull(row.vat),
    ref: textOrNull(row.ref),
    isVendor: asVendor || Number(row.supplier_rank ?? 0) > 0,
    isCustomer: Number(row.customer_rank ?? 0) > 0,
  };
  const existing = await findPartner(tx, ctx.organisationId, row.id, mirrored.name);
  const stamp = { odooWriteDate: parseOdooDateTime(row.write_date), lastPulledAt: new Date() };
  const result = await mirror(tx, rec, {
    recordType: 'partner',
    odooId: row.id,
    existing,
    next: mirrored,
    insert: async () => {
      const [inserted] = await tx
        .insert(partners)
        .values({ organisationId: ctx.organisationId, ...mirrored, ...stamp })
        .returning({ id: partners.id });
      return inserted!.id;
    },
    update: async (id) => {
      await tx
        .update(partners)
        .set({ ...mirrored, ...stamp, version: sql`${partners.version} + 1`, updatedAt: new Date() })
        .where(eq(partners.id, id));
    },
    touch: async (id) => {
      await tx.update(partners).set(stamp).where(eq(partners.id, id));
    },
  });
  return result.id;
}

/** By Odoo id; a partner entered in Plumbline before the first pull is adopted by its exact name. */
async function findPartner(tx: DbOrTx, organisationId: string, odooId: number, name: string) {
  const select = {
    id: partners.id,
    odooId: partners.odooId,
    name: partners.name,
    vat: partners.vat,
    ref: partners.ref,
    isVendor: partners.isVendor,
    isCustomer: partners.isCustomer,
  };
  const [byId] = await tx
    .select(select)
    .from(partners)
    .where(and(eq(partners.organisationId, organisationId), eq(partners.odooId, odooId)));
  if (byId) return byId;
  const [byName] = await tx
    .select(select)
    .from(partners)
    .where(
      and(
        eq(partners.organisationId, organisationId),
        isNull(partners.odooId),
        sql`lower(${partners.name}) = lower(${name})`,
      ),
    )
    .limit(1);
  return byName;
}
