import { formatDateTime, logNote, requireRecords, touch } from '../orm';
import { chargeMs, requestCost } from '../state';
import { field, round2, type Env, type ModelDef, type OdooVersion, type RawRecord } from '../schema';
import type { SimState } from '../state';
import { milestoneDelivered } from './project';

/**
 * Lines linked to an order line through `link` on account.move.line, signed by refunds, drafts included.
 * As Odoo's `_compute_qty_invoiced` (addons/sale/models/sale_order_line.py and
 * addons/purchase/models/purchase_order_line.py): for each linked invoice line whose move is not
 * cancelled, add its `quantity` for an invoice (`out_invoice` / `in_invoice`) and subtract it for a
 * refund — the quantity, never the amount: an invoice line of quantity 1 on a one-unit contract line
 * marks the whole line invoiced whatever its price (CONTRACT.md, issue 14).
 */
function invoicedQty(state: SimState, lineId: number, link: 'purchase_line_id' | 'sale_line_ids'): number {
  let qty = 0;
  for (const moveLine of state.all('account.move.line')) {
    const linked =
      link === 'purchase_line_id'
        ? moveLine.purchase_line_id === lineId
        : Array.isArray(moveLine.sale_line_ids) && moveLine.sale_line_ids.includes(lineId);
    if (!linked) continue;
    const move =
      typeof moveLine.move_id === 'number' ? state.get('account.move', moveLine.move_id) : undefined;
    // Odoo's _compute_qty_invoiced skips only cancelled moves: draft bills already count.
    if (!move || move.state === 'cancel') continue;
    const [invoice, refund] =
      link === 'sale_line_ids' ? ['out_invoice', 'out_refund'] : ['in_invoice', 'in_refund'];
    if (move.move_type !== invoice && move.move_type !== refund) continue;
    qty += (move.move_type === refund ? -1 : 1) * Number(moveLine.quantity ?? 0);
  }
  return round2(qty);
}

/**
 * What a new line costs on a confirmed order, and the chatter it leaves:
 * - addons/sale/models/sale_order_line.py `create`: for each new line with a product on a confirmed
 *   order, `line.order_id.message_post(body=_("Extra line with %s", …))` — unless the context carries
 *   `sale_no_log_for_new_lines`; addons/purchase/models/purchase_order_line.py `create` does the same
 *   for a confirmed PO, with no such key.
 * - Each of those posts flushes and recomputes the order over all its lines, and the call itself
 *   recomputes each touched order once more; CONTRACT.md measured the result on 19.0: a 35-line create
 *   on a ~500-line order took up to 14.5 s, a one-call-per-line client ~3.5 lines/s, "the cost grows
 *   with the lines already on the order". Charged at `orderLineCostMs` per line on the order.
 */
function newOrderLine(env: Env, rec: RawRecord, orderModel: 'sale.order' | 'purchase.order') {
  const state = env.state;
  const order = typeof rec.order_id === 'number' ? state.get(orderModel, rec.order_id) : undefined;
  if (!order) return;
  const linesOnOrder = () =>
    state.all(`${orderModel}.line`).filter((line) => line.order_id === order.id).length;
  const perRecompute = state.orderLineCostMs;
  const key = `${orderModel}:${order.id}`;
  const cost = requestCost.getStore();
  if (cost && !cost.orders.has(key)) {
    cost.orders.add(key);
    chargeMs(perRecompute * linesOnOrder());
  }
  const confirmed = order.state === (orderModel === 'sale.order' ? 'sale' : 'purchase');
  const silenced = orderModel === 'sale.order' && env.context.sale_no_log_for_new_lines === true;
  if (!confirmed || silenced || typeof rec.product_id !== 'number') return;
  const product = String(state.get('product.product', rec.product_id)?.name ?? '');
  logNote(env, orderModel, order.id, `<p>Extra line with ${product}</p>`, 'notification');
  chargeMs(perRecompute * linesOnOrder());
}

function taxRate(state: SimState, taxIds: unknown): number {
  return (Array.isArray(taxIds) ? (taxIds as number[]) : []).reduce(
    (sum, id) => sum + Number(state.get('account.tax', id)?.amount ?? 0),
    0,
  );
}

function orderTotals(state: SimState, model: string, orderId: number, qtyField: string, taxField: string) {
  const lines = state.all(model).filter((line) => line.order_id === orderId && !line.display_type);
  let untaxed = 0;
  let tax = 0;
  for (const line of lines) {
    const subtotal = round2(Number(line[qtyField] ?? 0) * Number(line.price_unit ?? 0));
    untaxed += subtotal;
    tax += round2((subtotal * taxRate(state, line[taxField])) / 100);
  }
  return { untaxed: round2(untaxed), tax: round2(tax), total: round2(untaxed + tax) };
}

function nextOrderName(state: SimState, model: string, prefix: string): string {
  const last = state
    .all(model)
    .map((order) =>
      typeof order.name === 'string' && order.name.startsWith(prefix)
        ? Number(order.name.slice(prefix.length))
        : 0,
    )
    .reduce((max, n) => Math.max(max, Number.isFinite(n) ? n : 0), 0);
  return `${prefix}${String(last + 1).padStart(5, '0')}`;
}

function setState(
  env: Env,
  model: string,
  ids: number[],
  from: readonly string[],
  to: string,
  extra: Record<string, unknown> = {},
) {
  for (const order of requireRecords(env, model, ids)) {
    if (!from.includes(String(order.state))) continue;
    env.state.updateRow(model, order.id, { state: to, ...extra });
    touch(env, model, order.id);
  }
}

const parentOf = (state: SimState, model: string, line: RawRecord) =>
  typeof line.order_id === 'number' ? state.get(model, line.order_id) : undefined;

export function orderModels(version: OdooVersion): ModelDef[] {
  // 19 renamed the line UoM and tax fields (purchase: product_uom/taxes_id, sale: product_uom/tax_id).
  const uomField = version >= 19 ? 'product_uom_id' : 'product_uom';
  const poTaxField = version >= 19 ? 'tax_ids' : 'taxes_id';
  const soTaxField = version >= 19 ? 'tax_ids' : 'tax_id';
  const hidden = { portal: [] as const };
  return [
    {
      name: 'uom.uom',
      description: 'Product Unit of Measure',
      access: { user: ['read'], portal: ['read'] },
      fields: { name: field.char('Unit', { required: true }) },
    },
    {
      name: 'purchase.order',
      description: 'Purchase Order',
      mailThread: true,
      order: 'id desc',
      access: hidden,
      fields: {
        name: field.char('Order Reference', { readonly: true }),
        partner_id: field.many2one('res.partner', 'Vendor', { required: true }),
        partner_ref: field.char('Vendor Reference'),
        state: field.selection(
          ['draft', 'sent', 'to approve', 'purchase', ...(version <= 18 ? ['done'] : []), 'cancel'],
          'Status',
          {
            readonly: true,
            default: 'draft',
          },
        ),
        date_order: field.datetime('Order Deadline', { default: (env) => formatDateTime(env.state.now()) }),
        date_approve: field.datetime('Confirmation Date', { readonly: true }),
        origin: field.char('Source Document'),
        notes: field.html('Terms and Conditions'),
        currency_id: field.many2one('res.currency', 'Currency', { default: 1 }),
        company_id: field.many2one('res.company', 'Company', { default: 1 }),
        order_line: field.one2many('purchase.order.line', 'order_id', 'Order Lines'),
        amount_untaxed: field.monetary('Untaxed Amount', {
          compute: (rec, s) =>
            orderTotals(s, 'purchase.order.line', rec.id, 'product_qty', poTaxField).untaxed,
        }),
        amount_tax: field.monetary('Taxes', {
          compute: (rec, s) => orderTotals(s, 'purchase.order.line', rec.id, 'product_qty', poTaxField).tax,
        }),
        amount_total: field.monetary('Total', {
          compute: (rec, s) => orderTotals(s, 'purchase.order.line', rec.id, 'product_qty', poTaxField).total,
        }),
        invoice_status: field.selection(['no', 'to invoice', 'invoiced'], 'Billing Status', {
          compute: (rec, s) => {
            if (rec.state !== 'purchase' && rec.state !== 'done') return 'no';
            const lines = s
              .all('purchase.order.line')
              .filter((line) => line.order_id === rec.id && !line.display_type);
            const toInvoice = lines.map((line) => purchaseToInvoice(s, line));
            if (toInvoice.some((qty) => qty > 0)) return 'to invoice';
            return lines.length > 0 &&
              lines.every(
                (line) => invoicedQty(s, line.id, 'purchase_line_id') >= Number(line.product_qty ?? 0),
              )
              ? 'invoiced'
              : 'no';
          },
        }),
        ...(version >= 19 ? { locked: field.boolean('Locked') } : {}),
      },
      prepareCreate: (env, vals) => {
        vals.name = nextOrderName(env.state, 'purchase.order', 'P');
      },
      methods: {
        button_confirm: {
          params: [],
          run: (env, ids) => {
            setState(env, 'purchase.order', ids, ['draft', 'sent', 'to approve'], 'purchase', {
              date_approve: formatDateTime(env.state.now()),
            });
            return true;
          },
        },
        button_cancel: {
          params: [],
          run: (env, ids) =>
            void setState(env, 'purchase.order', ids, ['draft', 'sent', 'to approve', 'purchase'], 'cancel'),
        },
        button_draft: {
          params: [],
          run: (env, ids) => (setState(env, 'purchase.order', ids, ['cancel'], 'draft'), {}),
        },
      },
    },
    {
      name: 'purchase.order.line',
      description: 'Purchase Order Line',
      order: 'order_id, sequence, id',
      access: hidden,
      fields: {
        order_id: field.many2one('purchase.order', 'Order Reference', { required: true }),
        sequence: field.integer('Sequence', { default: 10 }),
        display_type: field.selection(['line_section', 'line_note'], 'Display Type'),
        name: field.text('Description'),
        product_id: field.many2one('product.product', 'Product'),
        product_qty: field.float('Quantity', { default: 1 }),
        price_unit: field.float('Unit Price'),
        [uomField]: field.many2one('uom.uom', 'Unit', { default: 1 }),
        [poTaxField]: field.many2many('account.tax', 'Taxes'),
        analytic_distribution: field.json('Analytic Distribution'),
        date_planned: field.datetime('Expected Arrival'),
        qty_received: field.float('Received Qty'),
        qty_received_method: field.selection(['manual', 'stock_moves'], 'Received Qty Method', {
          compute: () => 'manual',
        }),
        qty_invoiced: field.float('Billed Qty', {
          compute: (rec, s) => invoicedQty(s, rec.id, 'purchase_line_id'),
        }),
        qty_to_invoice: field.float('To Invoice Quantity', {
          compute: (rec, s) => purchaseToInvoice(s, rec),
        }),
        price_subtotal: field.monetary('Subtotal', {
          compute: (rec) => round2(Number(rec.product_qty ?? 0) * Number(rec.price_unit ?? 0)),
        }),
        price_tax: field.monetary('Tax', {
          compute: (rec, s) =>
            round2(
              (Number(rec.product_qty ?? 0) * Number(rec.price_unit ?? 0) * taxRate(s, rec[poTaxField])) /
                100,
            ),
        }),
        price_total: field.monetary('Total', {
          compute: (rec, s) =>
            round2(
              Number(rec.product_qty ?? 0) *
                Number(rec.price_unit ?? 0) *
                (1 + taxRate(s, rec[poTaxField]) / 100),
            ),
        }),
        partner_id: field.many2one('res.partner', 'Partner', {
          compute: (rec, s) => parentOf(s, 'purchase.order', rec)?.partner_id ?? false,
        }),
        state: field.char('Status', {
          compute: (rec, s) => parentOf(s, 'purchase.order', rec)?.state ?? false,
        }),
        invoice_lines: field.one2many('account.move.line', 'purchase_line_id', 'Bill Lines'),
      },
      prepareCreate: (env, vals) => {
        const product =
          typeof vals.product_id === 'number' ? env.state.get('product.product', vals.product_id) : undefined;
        if (product && vals.name === undefined) vals.name = product.name;
        if (product && vals[poTaxField] === undefined) vals[poTaxField] = product.supplier_taxes_id ?? [];
        vals.date_planned ??= formatDateTime(env.state.now());
      },
      afterCreate: (env, rec) => newOrderLine(env, rec, 'purchase.order'),
    },
    {
      name: 'sale.order',
      description: 'Sales Order',
      mailThread: true,
      order: 'id desc',
      access: hidden,
      fields: {
        name: field.char('Order Reference', { readonly: true }),
        partner_id: field.many2one('res.partner', 'Customer', { required: true }),
        client_order_ref: field.char('Customer Reference'),
        state: field.selection(
          ['draft', 'sent', 'sale', ...(version <= 16 ? ['done'] : []), 'cancel'],
          'Status',
          { readonly: true, default: 'draft' },
        ),
        date_order: field.datetime('Order Date', { default: (env) => formatDateTime(env.state.now()) }),
        currency_id: field.many2one('res.currency', 'Currency', { default: 1 }),
        company_id: field.many2one('res.company', 'Company', { default: 1 }),
        order_line: field.one2many('sale.order.line', 'order_id', 'Order Lines'),
        amount_untaxed: field.monetary('Untaxed Amount', {
          compute: (rec, s) =>
            orderTotals(s, 'sale.order.line', rec.id, 'product_uom_qty', soTaxField).untaxed,
        }),
        amount_tax: field.monetary('Taxes', {
          compute: (rec, s) => orderTotals(s, 'sale.order.line', rec.id, 'product_uom_qty', soTaxField).tax,
        }),
        amount_total: field.monetary('Total', {
          compute: (rec, s) => orderTotals(s, 'sale.order.line', rec.id, 'product_uom_qty', soTaxField).total,
        }),
      },
      prepareCreate: (env, vals) => {
        vals.name = nextOrderName(env.state, 'sale.order', 'S');
      },
      methods: {
        action_confirm: {
          params: [],
          run: (env, ids) => (setState(env, 'sale.order', ids, ['draft', 'sent'], 'sale'), true),
        },
        action_cancel: {
          params: [],
          run: (env, ids) => (setState(env, 'sale.order', ids, ['draft', 'sent', 'sale'], 'cancel'), true),
        },
        action_draft: {
          params: [],
          run: (env, ids) => (setState(env, 'sale.order', ids, ['cancel', 'sent'], 'draft'), true),
        },
      },
    },
    {
      name: 'sale.order.line',
      description: 'Sales Order Line',
      order: 'order_id, sequence, id',
      access: hidden,
      fields: {
        order_id: field.many2one('sale.order', 'Order Reference', { required: true }),
        sequence: field.integer('Sequence', { default: 10 }),
        display_type: field.selection(['line_section', 'line_note'], 'Display Type'),
        name: field.text('Description'),
        product_id: field.many2one('product.product', 'Product'),
        product_uom_qty: field.float('Quantity', { default: 1 }),
        price_unit: field.float('Unit Price'),
        [uomField]: field.many2one('uom.uom', 'Unit', { default: 1 }),
        [soTaxField]: field.many2many('account.tax', 'Taxes'),
        analytic_distribution: field.json('Analytic Distribution'),
        qty_delivered_method: field.selection(
          ['manual', 'analytic', 'stock_move', 'timesheet', 'milestones'],
          'Delivered Qty Method',
          {
            compute: (rec, s) => deliveredMethod(s, rec),
          },
        ),
        qty_delivered: field.float('Delivery Quantity', {
          writable: true,
          compute: (rec, s) =>
            deliveredMethod(s, rec) === 'milestones'
              ? milestoneDelivered(s, rec)
              : Number(rec.qty_delivered ?? 0),
        }),
        qty_invoiced: field.float('Invoiced Quantity', {
          compute: (rec, s) => invoicedQty(s, rec.id, 'sale_line_ids'),
        }),
        // addons/sale/models/sale_order_line.py `_compute_qty_to_invoice`: on a confirmed order,
        // ordered − invoiced for invoice_policy 'order', delivered − invoiced otherwise (milestones).
        qty_to_invoice: field.float('Quantity To Invoice', {
          compute: (rec, s) => saleToInvoice(s, rec),
        }),
        // `_compute_invoice_status`: 'to invoice' while something is to invoice, 'invoiced' once
        // qty_invoiced reaches the ordered quantity, else 'no' (upselling is not simulated).
        invoice_status: field.selection(['upselling', 'invoiced', 'to invoice', 'no'], 'Invoice Status', {
          compute: (rec, s) => {
            if (parentOf(s, 'sale.order', rec)?.state !== 'sale') return 'no';
            if (Math.abs(saleToInvoice(s, rec)) >= 0.005) return 'to invoice';
            return invoicedQty(s, rec.id, 'sale_line_ids') >= round2(Number(rec.product_uom_qty ?? 0))
              ? 'invoiced'
              : 'no';
          },
        }),
        price_subtotal: field.monetary('Subtotal', {
          compute: (rec) => round2(Number(rec.product_uom_qty ?? 0) * Number(rec.price_unit ?? 0)),
        }),
        price_total: field.monetary('Total', {
          compute: (rec, s) =>
            round2(
              Number(rec.product_uom_qty ?? 0) *
                Number(rec.price_unit ?? 0) *
                (1 + taxRate(s, rec[soTaxField]) / 100),
            ),
        }),
        state: field.char('Status', { compute: (rec, s) => parentOf(s, 'sale.order', rec)?.state ?? false }),
      },
      prepareCreate: (env, vals) => {
        const product =
          typeof vals.product_id === 'number' ? env.state.get('product.product', vals.product_id) : undefined;
        if (product && vals.name === undefined) vals.name = product.name;
        if (product && vals.price_unit === undefined) vals.price_unit = product.list_price ?? 0;
        if (product && vals[soTaxField] === undefined) vals[soTaxField] = product.taxes_id ?? [];
      },
      afterCreate: (env, rec) => newOrderLine(env, rec, 'sale.order'),
    },
  ];
}

function purchaseToInvoice(state: SimState, line: RawRecord): number {
  const order = parentOf(state, 'purchase.order', line);
  if (order?.state !== 'purchase' && order?.state !== 'done') return 0;
  const product =
    typeof line.product_id === 'number' ? state.get('product.product', line.product_id) : undefined;
  // Services bill on ordered quantities, goods on received ones (purchase_method).
  const basis = product?.type === 'service' ? Number(line.product_qty ?? 0) : Number(line.qty_received ?? 0);
  return round2(basis - invoicedQty(state, line.id, 'purchase_line_id'));
}

function saleToInvoice(state: SimState, line: RawRecord): number {
  if (parentOf(state, 'sale.order', line)?.state !== 'sale' || line.display_type) return 0;
  const product =
    typeof line.product_id === 'number' ? state.get('product.product', line.product_id) : undefined;
  // service_policy 'delivered_*' is invoice_policy 'delivery' (addons/sale_project/models/product.py);
  // everything else invoices on ordered quantities (Odoo's default invoice_policy 'order').
  const onDelivery =
    typeof product?.service_policy === 'string' && product.service_policy.startsWith('delivered');
  const basis = !onDelivery
    ? Number(line.product_uom_qty ?? 0)
    : deliveredMethod(state, line) === 'milestones'
      ? milestoneDelivered(state, line)
      : Number(line.qty_delivered ?? 0);
  return round2(basis - invoicedQty(state, line.id, 'sale_line_ids'));
}

function deliveredMethod(state: SimState, line: RawRecord): string {
  const product =
    typeof line.product_id === 'number' ? state.get('product.product', line.product_id) : undefined;
  return product?.service_policy === 'delivered_milestones' ? 'milestones' : 'manual';
}
