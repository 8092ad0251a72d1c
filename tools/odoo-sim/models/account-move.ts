import { userError, validationError, valueError } from '../errors';
import { formatDateTime, logNote, ormCreate, ormUnlink, requireRecords, today, touch } from '../orm';
import { field, round2, type Env, type ModelDef, type OdooVersion, type RawRecord } from '../schema';
import type { SimState } from '../state';
import { accountRootPlan, analyticPlanColumn } from './project';

const MOVE_TYPES = [
  'entry',
  'out_invoice',
  'out_refund',
  'in_invoice',
  'in_refund',
  'out_receipt',
  'in_receipt',
] as const;
const PAID_KEY = '__paid'; // simulator-only column: total paid so far (see registerPayment)
const LOCKED_WHEN_POSTED = [
  'invoice_line_ids',
  'line_ids',
  'partner_id',
  'invoice_date',
  'move_type',
  'journal_id',
  'currency_id',
  'date',
];

const isPurchase = (type: unknown) => typeof type === 'string' && type.startsWith('in_');
const isSale = (type: unknown) => typeof type === 'string' && type.startsWith('out_');

export function productLines(state: SimState, moveId: number): RawRecord[] {
  return state
    .all('account.move.line')
    .filter((line) => line.move_id === moveId && (line.display_type ?? 'product') === 'product');
}

export function lineSubtotal(line: RawRecord): number {
  const discount = Number(line.discount ?? 0);
  return round2(Number(line.quantity ?? 0) * Number(line.price_unit ?? 0) * (1 - discount / 100));
}

function lineTax(state: SimState, line: RawRecord): number {
  const taxIds = Array.isArray(line.tax_ids) ? (line.tax_ids as number[]) : [];
  const rate = taxIds.reduce((sum, id) => sum + Number(state.get('account.tax', id)?.amount ?? 0), 0);
  return round2((lineSubtotal(line) * rate) / 100);
}

function totals(state: SimState, move: RawRecord) {
  const lines = productLines(state, move.id);
  const untaxed = round2(lines.reduce((sum, line) => sum + lineSubtotal(line), 0));
  const tax = round2(lines.reduce((sum, line) => sum + lineTax(state, line), 0));
  return { untaxed, tax, total: round2(untaxed + tax) };
}

function moveOf(state: SimState, line: RawRecord): RawRecord | undefined {
  return typeof line.move_id === 'number' ? state.get('account.move', line.move_id) : undefined;
}

export function accountMoveModels(version: OdooVersion): ModelDef[] {
  const paymentStates = [
    'not_paid',
    'in_payment',
    'paid',
    'partial',
    'reversed',
    ...(version >= 18 ? ['blocked'] : ['invoicing_legacy']),
  ];
  return [
    {
      name: 'account.move',
      description: 'Journal Entry',
      mailThread: true,
      order: 'date desc, name desc, id desc',
      recordRule: (role, rec) => role === 'user' && isSale(rec.move_type),
      fields: {
        name: field.char('Number', { readonly: true }),
        move_type: field.selection(MOVE_TYPES, 'Type', { required: true, default: 'entry' }),
        state: field.selection(['draft', 'posted', 'cancel'], 'Status', { readonly: true, default: 'draft' }),
        payment_state: field.selection(paymentStates, 'Payment Status', {
          readonly: true,
          default: 'not_paid',
        }),
        partner_id: field.many2one('res.partner', 'Partner'),
        ref: field.char('Reference'),
        payment_reference: field.char('Payment Reference'),
        invoice_date: field.date('Invoice/Bill Date'),
        invoice_date_due: field.date('Due Date', { compute: (rec) => rec.invoice_date ?? false }),
        date: field.date('Date', { default: (env) => today(env.state) }),
        journal_id: field.many2one('account.journal', 'Journal'),
        // account_move.py `_compute_currency_id`: unset, a move takes its journal's or its company's
        // currency — the company's, here, whatever the amounts were meant in (issue 14).
        currency_id: field.many2one('res.currency', 'Currency', {
          default: (env) => Number(env.state.get('res.company', 1)?.currency_id ?? 1),
        }),
        company_id: field.many2one('res.company', 'Company', { default: 1 }),
        invoice_origin: field.char('Origin'),
        narration: field.html('Terms and Conditions'),
        invoice_line_ids: field.one2many('account.move.line', 'move_id', 'Invoice lines'),
        line_ids: field.one2many('account.move.line', 'move_id', 'Journal Items'),
        amount_untaxed: field.monetary('Untaxed Amount', {
          compute: (rec, state) => totals(state, rec).untaxed,
        }),
        amount_tax: field.monetary('Tax', { compute: (rec, state) => totals(state, rec).tax }),
        amount_total: field.monetary('Total', { compute: (rec, state) => totals(state, rec).total }),
        amount_residual: field.monetary('Amount Due', {
          compute: (rec, state) =>
            round2(totals(state, rec).total - (rec.state === 'posted' ? Number(rec[PAID_KEY] ?? 0) : 0)),
        }),
        duplicated_ref_ids: field.many2many('account.move', 'Duplicated Ref', {
          compute: (rec, state) =>
            typeof rec.ref === 'string' && rec.ref && isPurchase(rec.move_type)
              ? state
                  .all('account.move')
                  .filter(
                    (other) =>
                      other.id !== rec.id &&
                      other.ref === rec.ref &&
                      other.move_type === rec.move_type &&
                      other.state !== 'cancel',
                  )
                  .map((other) => other.id)
              : [],
        }),
        // 18 inverted the review flag.
        ...(version >= 18 ? { checked: field.boolean('Reviewed') } : { to_check: field.boolean('To Check') }),
      },
      displayName: (rec) =>
        typeof rec.name === 'string' && rec.name ? rec.name : rec.state === 'draft' ? 'Draft' : '/',
      prepareCreate: (env, vals) => {
        if (vals.journal_id !== undefined) return;
        const type = isPurchase(vals.move_type) ? 'purchase' : isSale(vals.move_type) ? 'sale' : 'general';
        vals.journal_id =
          env.state.search('account.journal', [['type', '=', type]], { limit: 1 })[0] ?? false;
      },
      beforeWrite: (_env, rec, vals) => {
        if (rec.state !== 'posted') return;
        const locked = Object.keys(vals).filter((key) => LOCKED_WHEN_POSTED.includes(key));
        if (locked.length > 0) {
          throw userError(
            `You cannot modify a posted entry of this journal (fields: ${locked.join(', ')}). Reset it to draft first.`,
          );
        }
      },
      beforeUnlink: (_env, rec) => {
        if (rec.state === 'posted') {
          throw userError(
            "You can't delete a posted journal item. Don\u2019t play games with your accounting records; reset the journal entry to draft before deleting it.",
          );
        }
      },
      methods: {
        action_post: { params: [], run: (env, ids) => postMoves(env, ids, version) },
        button_draft: {
          params: [],
          run: (env, ids) => {
            for (const move of requireRecords(env, 'account.move', ids)) resetToDraft(env, move);
            return undefined;
          },
        },
        button_cancel: {
          params: [],
          run: (env, ids) => {
            for (const move of requireRecords(env, 'account.move', ids)) {
              if (move.state === 'posted') resetToDraft(env, move);
              if (move.state !== 'draft') throw userError('Only draft journal entries can be cancelled.');
              env.state.updateRow('account.move', move.id, { state: 'cancel' });
              touch(env, 'account.move', move.id);
            }
            return undefined; // Odoo returns None: JSON-RPC omits `result`
          },
        },
      },
    },
    {
      name: 'account.move.line',
      description: 'Journal Item',
      recordRule: (role, rec, state) => role === 'user' && isSale(moveOf(state, rec)?.move_type),
      fields: {
        move_id: field.many2one('account.move', 'Journal Entry', { required: true }),
        name: field.char('Label'),
        display_type: field.selection(
          [
            'product',
            'line_section',
            'line_note',
            ...(version >= 19 ? ['line_subsection'] : []),
            'tax',
            'payment_term',
            'rounding',
            'cogs',
            'epd',
          ],
          'Display Type',
          { default: 'product' },
        ),
        product_id: field.many2one('product.product', 'Product'),
        quantity: field.float('Quantity', { default: 1 }),
        price_unit: field.float('Unit Price'),
        discount: field.float('Discount (%)'),
        account_id: field.many2one('account.account', 'Account'),
        tax_ids: field.many2many('account.tax', 'Taxes'),
        analytic_distribution: field.json('Analytic Distribution'),
        purchase_line_id: field.many2one('purchase.order.line', 'Purchase Order Line'),
        sale_line_ids: field.many2many('sale.order.line', 'Sales Order Lines'),
        analytic_line_ids: field.one2many('account.analytic.line', 'move_line_id', 'Analytic lines'),
        price_subtotal: field.monetary('Subtotal', { compute: (rec) => lineSubtotal(rec) }),
        price_total: field.monetary('Total', {
          compute: (rec, state) => round2(lineSubtotal(rec) + lineTax(state, rec)),
        }),
        balance: field.monetary('Balance', {
          compute: (rec, state) =>
            isSale(moveOf(state, rec)?.move_type) ? -lineSubtotal(rec) : lineSubtotal(rec),
        }),
        partner_id: field.many2one('res.partner', 'Partner', {
          compute: (rec, state) => moveOf(state, rec)?.partner_id ?? false,
        }),
        parent_state: field.selection(['draft', 'posted', 'cancel'], 'Status', {
          compute: (rec, state) => moveOf(state, rec)?.state ?? false,
        }),
        date: field.date('Date', { compute: (rec, state) => moveOf(state, rec)?.date ?? false }),
        move_type: field.selection(MOVE_TYPES, 'Type', {
          compute: (rec, state) => moveOf(state, rec)?.move_type ?? false,
        }),
        currency_id: field.many2one('res.currency', 'Currency', {
          compute: (rec, state) => moveOf(state, rec)?.currency_id ?? false,
        }),
      },
      prepareCreate: (env, vals) => {
        const move =
          typeof vals.move_id === 'number' ? env.state.get('account.move', vals.move_id) : undefined;
        if (move?.state === 'posted') throw userError('You cannot modify a posted entry of this journal.');
        const product =
          typeof vals.product_id === 'number' ? env.state.get('product.product', vals.product_id) : undefined;
        const purchase = isPurchase(move?.move_type);
        if (product && vals.name === undefined) vals.name = product.name;
        if (vals.account_id === undefined && (vals.display_type ?? 'product') === 'product') {
          const fromProduct =
            product?.[purchase ? 'property_account_expense_id' : 'property_account_income_id'];
          const fromJournal =
            typeof move?.journal_id === 'number'
              ? env.state.get('account.journal', move.journal_id)?.default_account_id
              : undefined;
          vals.account_id = fromProduct || fromJournal || false;
        }
        if (vals.tax_ids === undefined && product)
          vals.tax_ids = product[purchase ? 'supplier_taxes_id' : 'taxes_id'] ?? [];
      },
      beforeWrite: (env, rec) => {
        if (moveOf(env.state, rec)?.state === 'posted')
          throw userError('You cannot modify a posted entry of this journal.');
      },
      beforeUnlink: (env, rec) => {
        if (!env.su && moveOf(env.state, rec)?.state === 'posted')
          throw userError('You cannot modify a posted entry of this journal.');
        const analytic = env.state
          .all('account.analytic.line')
          .filter((line) => line.move_line_id === rec.id);
        ormUnlink(
          { ...env, su: true },
          'account.analytic.line',
          analytic.map((line) => line.id),
        );
      },
    },
  ];
}

function sequenceName(state: SimState, move: RawRecord): string {
  const date = String(move.invoice_date || move.date || today(state));
  const [year = '2000', month = '01'] = date.split('-');
  const prefixes: Record<string, string> = {
    in_invoice: 'BILL',
    in_refund: 'RBILL',
    out_invoice: 'INV',
    out_refund: 'RINV',
  };
  const prefix = prefixes[String(move.move_type)] ?? 'MISC';
  // Vendor bills restart monthly (BILL/2026/11/0003), invoices yearly (INV/2026/00010), as captured on 19.0.
  const monthly = isPurchase(move.move_type) || prefix === 'MISC';
  const head = monthly ? `${prefix}/${year}/${month}/` : `${prefix}/${year}/`;
  const last = state
    .all('account.move')
    .map((other) =>
      typeof other.name === 'string' && other.name.startsWith(head)
        ? Number(other.name.slice(head.length))
        : 0,
    )
    .reduce((max, n) => Math.max(max, Number.isFinite(n) ? n : 0), 0);
  return `${head}${String(last + 1).padStart(monthly ? 4 : 5, '0')}`;
}

function postMoves(env: Env, ids: number[], version: OdooVersion): false {
  const { state } = env;
  for (const move of requireRecords(env, 'account.move', ids)) {
    if (move.state !== 'draft') {
      throw userError(`The entry ${displayMoveName(move)} (id ${move.id}) must be in draft.`);
    }
    const lines = productLines(state, move.id);
    if (lines.length === 0) throw userError("Even magicians can't post nothing!");
    const invoice = isPurchase(move.move_type) || isSale(move.move_type);
    if (invoice && typeof move.partner_id !== 'number') {
      throw userError(
        'The field \u2018Partner\u2019 is required, please complete it to validate the document.',
      );
    }
    if (isPurchase(move.move_type) && !move.invoice_date) {
      throw userError('The Bill/Refund date is required to validate this document.');
    }
    const invoiceDate = move.invoice_date || (invoice ? today(state) : false);
    state.updateRow('account.move', move.id, { invoice_date: invoiceDate, date: invoiceDate || move.date });
    state.updateRow('account.move', move.id, {
      name: move.name || sequenceName(state, move),
      state: 'posted',
      payment_state: totals(state, move).total === 0 ? 'paid' : 'not_paid',
      write_date: formatDateTime(state.now()),
    });
    for (const line of lines) createAnalyticLines(env, move, line, version);
    const partner =
      typeof move.partner_id === 'number' ? state.get('res.partner', move.partner_id) : undefined;
    if (partner) {
      const rank = isPurchase(move.move_type) ? 'supplier_rank' : 'customer_rank';
      state.updateRow('res.partner', partner.id, { [rank]: Number(partner[rank] ?? 0) + 1 });
    }
    logNote(env, 'account.move', move.id, '');
  }
  return false;
}

function displayMoveName(move: RawRecord): string {
  return typeof move.name === 'string' && move.name ? move.name : '/';
}

/** One analytic line per distribution key; a "35,41" key puts each account in its plan's column (17+). */
function createAnalyticLines(env: Env, move: RawRecord, line: RawRecord, version: OdooVersion) {
  const distribution = line.analytic_distribution;
  if (!distribution || typeof distribution !== 'object') return;
  const sign = move.move_type === 'in_invoice' || move.move_type === 'out_refund' ? -1 : 1;
  for (const [key, percent] of Object.entries(distribution as Record<string, unknown>)) {
    const accountIds = key.split(',').map((part) => Number(part.trim()));
    if (version === 16 && accountIds.length > 1)
      throw valueError(`invalid literal for int() with base 10: '${key}'`);
    const vals: Record<string, unknown> = {
      name: line.name || '/',
      date: move.date,
      amount: round2((sign * lineSubtotal(line) * Number(percent)) / 100),
      unit_amount: line.quantity ?? 0,
      partner_id: move.partner_id ?? false,
      product_id: line.product_id ?? false,
      general_account_id: line.account_id ?? false,
      move_line_id: line.id,
      ref: move.ref || move.name || false,
    };
    for (const accountId of accountIds) {
      const plan = Number.isInteger(accountId) ? accountRootPlan(env.state, accountId) : undefined;
      if (plan === undefined) {
        throw validationError(
          `The operation cannot be completed: analytic account ${String(accountId)} does not exist.`,
        );
      }
      vals[version >= 17 ? analyticPlanColumn(plan) : 'account_id'] = accountId;
    }
    ormCreate({ ...env, su: true }, 'account.analytic.line', [vals]);
  }
}

function resetToDraft(env: Env, move: RawRecord) {
  if (move.state === 'draft') return;
  const lineIds = new Set(productLines(env.state, move.id).map((line) => line.id));
  const analytic = env.state
    .all('account.analytic.line')
    .filter((line) => lineIds.has(Number(line.move_line_id)));
  ormUnlink(
    { ...env, su: true },
    'account.analytic.line',
    analytic.map((line) => line.id),
  );
  env.state.updateRow('account.move', move.id, { state: 'draft', payment_state: 'not_paid', [PAID_KEY]: 0 });
  touch(env, 'account.move', move.id);
}

/** Simulator helper: records a payment against a posted move (Odoo does this through a wizard). */
export function registerPayment(state: SimState, moveId: number, amount?: number): void {
  state.transaction(() => {
    const move = state.get('account.move', moveId);
    if (!move || move.state !== 'posted') throw userError('Only posted entries can be paid.');
    const total = totals(state, move).total;
    const paid = round2(Number(move[PAID_KEY] ?? 0) + (amount ?? total - Number(move[PAID_KEY] ?? 0)));
    state.updateRow('account.move', moveId, {
      [PAID_KEY]: paid,
      payment_state: paid >= total ? 'paid' : paid > 0 ? 'partial' : 'not_paid',
      write_date: formatDateTime(state.now()),
    });
  });
}
