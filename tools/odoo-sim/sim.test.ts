import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BILLS, DEMO_UNMAPPED_PO_LINE } from './demo-data';
import { startOdooSim, type OdooSim } from './server';
import { SimState } from './state';

const started: OdooSim[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

async function demoSim(options: { persistFile?: string; version?: 16 | 17 | 18 | 19 } = {}) {
  const sim = await startOdooSim({ db: 'demo', login: 'admin', password: 'pw', apiKey: 'key', ...options });
  started.push(sim);
  return sim;
}

describe('domains', () => {
  it('evaluates prefix operators and the comparison operators', async () => {
    const { state } = await demoSim();
    const names = (domain: unknown[]) =>
      state.read('res.partner', state.search('res.partner', domain), ['name']).map((r) => r.name);
    expect(names([['name', '=like', 'Keystone%']])).toEqual(['Keystone Groundworks Ltd']);
    expect(names([['name', 'ilike', 'ROOFING']])).toEqual(['Summit Roofing']);
    expect(names(['|', ['ref', '=', 'V-1001'], ['ref', '=', 'C-2001']])).toEqual([
      'Keystone Groundworks Ltd',
      'Harbour View Developments Ltd',
    ]);
    expect(
      names([
        '&',
        ['supplier_rank', '>', 0],
        '!',
        ['ref', 'in', ['V-1001', 'V-1002', 'V-1003', 'V-1004', 'V-1005']],
      ]),
    ).toEqual(['Oakfield Joinery']);
    expect(
      names([
        ['ref', 'not like', 'V-%'],
        ['ref', '!=', false],
        ['customer_rank', '>=', 1],
        ['ref', '<', 'C-2002'],
      ]),
    ).toEqual(['Harbour View Developments Ltd']);
    expect(
      state.search('res.partner', [['name', 'not in', []]], { limit: 3, offset: 1, order: 'name desc' }),
    ).toHaveLength(3);
    expect(() => state.search('res.partner', [['name', 'no_op', 'x']])).toThrow(/Invalid operator/);
  });

  it('keeps write_date so incremental pulls see changed records only', async () => {
    const { state } = await demoSim();
    state.now = () => new Date('2030-01-01T10:00:00Z');
    const id = state.search('res.partner', [['ref', '=', 'V-1004']])[0] ?? 0;
    state.write('res.partner', id, { phone: '0113 496 0000' });
    expect(state.search('res.partner', [['write_date', '>=', '2030-01-01 10:00:00']])).toEqual([id]);
  });
});

describe('purchase and bills', () => {
  it('counts draft bills in qty_invoiced and drops cancelled ones', async () => {
    const sim = await demoSim();
    const { state } = sim;
    const poLine =
      state.search('purchase.order.line', [['name', '=', 'Mechanical services installation']])[0] ?? 0;
    const vendor = sim.demo?.partners.clearwater ?? 0;
    const moveId = state.create('account.move', {
      move_type: 'in_invoice',
      partner_id: vendor,
      ref: 'CLW-1',
      invoice_date: '2026-04-30',
      invoice_line_ids: [
        [0, 0, { name: 'Application 1', quantity: 0.25, price_unit: 142000, purchase_line_id: poLine }],
      ],
    });
    const qty = () => state.read('purchase.order.line', [poLine], ['qty_invoiced'])[0]?.qty_invoiced;
    expect(qty()).toBe(0.25);
    state.call('account.move', 'button_cancel', [moveId]);
    expect(qty()).toBe(0);
    expect(state.read('account.move', [moveId], ['state'])[0]?.state).toBe('cancel');
  });

  it('applies line commands and refuses to edit or delete a posted bill', async () => {
    const sim = await demoSim();
    const { state } = sim;
    const moveId = state.create('account.move', {
      move_type: 'in_invoice',
      partner_id: sim.demo?.partners.summit,
      ref: 'SR-77',
      invoice_date: '2026-04-30',
      invoice_line_ids: [
        [0, 0, { name: 'A', quantity: 1, price_unit: 100 }],
        [0, 0, { name: 'B', quantity: 1, price_unit: 50 }],
      ],
    });
    const [a, b] = state.search('account.move.line', [['move_id', '=', moveId]]);
    state.write('account.move', moveId, {
      invoice_line_ids: [
        [1, a, { price_unit: 120 }],
        [6, 0, [a]],
      ],
    });
    expect(state.get('account.move.line', b ?? 0)).toBeUndefined();
    const move = () =>
      state.read('account.move', [moveId], ['amount_untaxed', 'amount_total', 'state', 'name'])[0];
    expect(move()).toMatchObject({ amount_untaxed: 120, amount_total: 120, name: false });
    state.call('account.move', 'action_post', [moveId]);
    expect(move()).toMatchObject({ state: 'posted', name: 'BILL/2026/04/0001' });
    expect(() =>
      state.write('account.move', moveId, { invoice_line_ids: [[0, 0, { name: 'C', price_unit: 1 }]] }),
    ).toThrow(/posted/);
    expect(() => state.unlink('account.move', moveId)).toThrow(/posted journal item/);
    sim.registerPayment(moveId, 20);
    expect(state.read('account.move', [moveId], ['payment_state', 'amount_residual'])[0]).toMatchObject({
      payment_state: 'partial',
      amount_residual: 100,
    });
  });

  it('seeds the demo contractor with one unmapped PO line and posted, analysed bills', async () => {
    const sim = await demoSim();
    const { state } = sim;
    const unmapped = state.search('purchase.order.line', [['analytic_distribution', '=', false]]);
    expect(state.read('purchase.order.line', unmapped, ['name']).map((r) => r.name)).toEqual([
      DEMO_UNMAPPED_PO_LINE.name,
    ]);
    const bills = state.read(
      'account.move',
      state.search('account.move', [['move_type', '=', 'in_invoice']]),
      ['ref', 'state'],
    );
    expect(bills.map((b) => b.ref).sort()).toEqual(DEMO_BILLS.map((b) => b.ref).sort());
    expect(bills.every((b) => b.state === 'posted')).toBe(true);
    expect(state.search('account.analytic.line', [['x_plan2_id', '!=', false]])).toHaveLength(
      DEMO_BILLS.length,
    );
    expect(state.search('purchase.order', [['state', '=', 'purchase']])).toHaveLength(7);
  });
});

describe('transactions and persistence', () => {
  it('rolls back every row of a failed call', () => {
    const state = new SimState(19, 'x');
    expect(() =>
      state.createMany('res.partner', [{ name: 'kept?' }, { name: 'bad', no_such_field: 1 }]),
    ).toThrow(/Invalid field/);
    expect(state.search('res.partner', [['name', '=', 'kept?']])).toEqual([]);
  });

  it('restarts from the persisted file with the same records', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'odoo-sim-'));
    try {
      const file = path.join(dir, 'state.json');
      const first = await demoSim({ persistFile: file });
      const response = await fetch(`${first.url}/json/2/res.partner/create`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `bearer ${first.apiKey}` },
        body: JSON.stringify({ vals_list: [{ name: 'Survives restart' }] }),
      });
      const [id] = (await response.json()) as number[];
      await first.stop();
      const second = await demoSim({ persistFile: file });
      expect(second.demo).toBeUndefined();
      expect(second.state.search('res.partner', [['name', '=', 'Survives restart']])).toEqual([id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers JSON-2 only from 19 and message_post with an int before 19', async () => {
    const sim = await demoSim({ version: 18 });
    const response = await fetch(`${sim.url}/json/2/res.partner/search_count`, {
      method: 'POST',
      body: '{"domain":[]}',
    });
    expect(response.status).toBe(404);
    expect(sim.state.call('res.partner', 'message_post', [1], { body: 'x' })).toEqual(expect.any(Number));
  });
});
