import { DEMO_SETUP_XMLIDS } from '../../server/modules/odoo-connection/odoo-setup-steps';
import {
  COST_CODE_PLAN_NAME,
  DEMO_ACCOUNTS,
  DEMO_BILLS,
  DEMO_COST_CODES,
  DEMO_CUSTOMERS,
  DEMO_MILESTONES,
  DEMO_PRODUCTS,
  DEMO_PROJECTS,
  DEMO_SUBCONTRACTS,
  DEMO_VENDORS,
} from './demo-data';
import { registerPayment } from './models/account-move';
import { PROJECT_PLAN_ID, projectAnalyticField } from './models/project';
import type { SimState } from './state';

export interface DemoSeedIds {
  partners: Record<string, number>;
  projects: Record<
    string,
    { projectId: number; analyticAccountId: number; saleOrderId: number; saleLineId: number }
  >;
  costCodePlanId: number;
  costCodes: Record<string, number>;
  accounts: Record<keyof typeof DEMO_ACCOUNTS, number>;
  products: Record<keyof typeof DEMO_PRODUCTS, number>;
  subcontracts: Record<string, { orderId: number; lineIds: number[] }>;
  bills: Record<string, number>;
  milestones: number[];
}

/** Analytic distribution for a project and cost code: one joined key from 17, one key per plan on 16. */
export function distributionFor(
  state: SimState,
  projectAccount: number,
  costCodeAccount: number,
): Record<string, number> {
  return state.version >= 17
    ? { [`${projectAccount},${costCodeAccount}`]: 100 }
    : { [projectAccount]: 100, [costCodeAccount]: 100 };
}

/** The demo contractor's Odoo: partners, projects, cost codes, subcontracts, contracts, bills, milestones. */
export function seedDemo(state: SimState): DemoSeedIds {
  return state.transaction(() => {
    const partners: Record<string, number> = {};
    for (const vendor of DEMO_VENDORS) {
      partners[vendor.key] = state.create('res.partner', {
        name: vendor.name,
        ref: vendor.ref,
        vat: vendor.vat,
        email: vendor.email,
        is_company: true,
        supplier_rank: 1,
      });
    }
    for (const customer of DEMO_CUSTOMERS) {
      partners[customer.key] = state.create('res.partner', {
        name: customer.name,
        ref: customer.ref,
        vat: customer.vat,
        is_company: true,
        customer_rank: 1,
      });
    }
    const accounts = Object.fromEntries(
      Object.entries(DEMO_ACCOUNTS).map(([key, a]) => [
        key,
        state.create('account.account', { name: a.name, code: a.code, account_type: a.type }),
      ]),
    ) as DemoSeedIds['accounts'];
    const productId = (p: { name: string; code: string }, extra: Record<string, unknown> = {}) =>
      state.create('product.product', { name: p.name, default_code: p.code, type: 'service', ...extra });
    const products: DemoSeedIds['products'] = {
      changeOrderWork: productId(DEMO_PRODUCTS.changeOrderWork, {
        property_account_expense_id: accounts.subcontractCosts,
        property_account_income_id: accounts.contractRevenue,
      }),
      subcontractWorks: productId(DEMO_PRODUCTS.subcontractWorks, {
        property_account_expense_id: accounts.subcontractCosts,
        sale_ok: false,
      }),
      contractMilestone: productId(DEMO_PRODUCTS.contractMilestone, {
        service_policy: 'delivered_milestones',
        property_account_income_id: accounts.contractRevenue,
        purchase_ok: false,
      }),
    };
    const costCodePlanId = state.create('account.analytic.plan', { name: COST_CODE_PLAN_NAME });
    const costCodes: Record<string, number> = {};
    for (const code of DEMO_COST_CODES) {
      costCodes[code.code] = state.create('account.analytic.account', {
        name: code.name,
        code: code.code,
        plan_id: costCodePlanId,
      });
    }

    const projects: DemoSeedIds['projects'] = {};
    const analyticField = projectAnalyticField(state.version);
    for (const project of DEMO_PROJECTS) {
      const customer = partners[project.customer] ?? 0;
      const projectId = state.create('project.project', {
        name: project.name,
        partner_id: customer,
        allow_milestones: true,
      });
      const analyticAccountId = Number(state.get('project.project', projectId)?.[analyticField]);
      // The project code lives on its analytic account (Odoo projects have no code field).
      state.write('account.analytic.account', analyticAccountId, {
        code: project.code,
        plan_id: PROJECT_PLAN_ID,
      });
      const saleOrderId = state.create('sale.order', {
        partner_id: customer,
        client_order_ref: project.contractRef,
        order_line: [
          [
            0,
            0,
            {
              product_id: products.contractMilestone,
              name: `${project.name} - main contract works`,
              product_uom_qty: 1,
              price_unit: Number(project.contractValue),
              analytic_distribution: { [analyticAccountId]: 100 },
            },
          ],
        ],
      });
      state.call('sale.order', 'action_confirm', [saleOrderId]);
      const saleLineId = state.search('sale.order.line', [['order_id', '=', saleOrderId]])[0] ?? 0;
      state.write('project.project', projectId, { sale_order_id: saleOrderId, sale_line_id: saleLineId });
      projects[project.code] = { projectId, analyticAccountId, saleOrderId, saleLineId };
    }

    const subcontracts: DemoSeedIds['subcontracts'] = {};
    for (const sc of DEMO_SUBCONTRACTS) {
      const projectAccount = projects[sc.project]?.analyticAccountId ?? 0;
      const orderId = state.create('purchase.order', {
        partner_id: partners[sc.vendor],
        partner_ref: sc.ref,
        order_line: sc.lines.map((line) => [
          0,
          0,
          {
            product_id: products.subcontractWorks,
            name: line.name,
            product_qty: 1,
            price_unit: Number(line.value),
            analytic_distribution:
              'mapped' in line
                ? false
                : distributionFor(state, projectAccount, costCodes[line.costCode] ?? 0),
          },
        ]),
      });
      state.call('purchase.order', 'button_confirm', [orderId]);
      subcontracts[sc.ref] = {
        orderId,
        lineIds: state.search('purchase.order.line', [['order_id', '=', orderId]]),
      };
    }

    const bills: Record<string, number> = {};
    for (const bill of DEMO_BILLS) {
      const sc = DEMO_SUBCONTRACTS.find((candidate) => candidate.ref === bill.subcontract);
      const lineId = subcontracts[bill.subcontract]?.lineIds[bill.lineIndex] ?? 0;
      const poLine = state.get('purchase.order.line', lineId);
      const moveId = state.create('account.move', {
        move_type: 'in_invoice',
        partner_id: sc ? partners[sc.vendor] : false,
        ref: bill.ref,
        invoice_date: bill.invoiceDate,
        invoice_line_ids: [
          [
            0,
            0,
            {
              product_id: products.subcontractWorks,
              name: String(poLine?.name ?? bill.ref),
              quantity: Number(bill.fraction),
              price_unit: Number(poLine?.price_unit ?? 0),
              purchase_line_id: lineId,
              analytic_distribution: poLine?.analytic_distribution ?? false,
            },
          ],
        ],
      });
      state.call('account.move', 'action_post', [moveId]);
      if (bill.paid) registerPayment(state, moveId);
      bills[bill.ref] = moveId;
    }

    const milestones = DEMO_MILESTONES.map((m) =>
      state.create('project.milestone', {
        name: m.name,
        project_id: projects[m.project]?.projectId,
        deadline: m.deadline,
        sale_line_id: projects[m.project]?.saleLineId ?? false,
        quantity_percentage: Number(m.fraction),
        is_reached: m.reached,
      }),
    );
    // The demo company's ready-made set-up, under external ids only this database has (a real Odoo has
    // no module plumbline_demo): Plumbline adopts them when nothing is mapped (odoo-setup.ts).
    const journal = (type: string) => state.search('account.journal', [['type', '=', type]], { limit: 1 })[0];
    const setupRecords: Record<keyof typeof DEMO_SETUP_XMLIDS, [string, number | undefined]> = {
      retentionPayableAccountId: ['account.account', accounts.retentionPayable],
      retentionReceivableAccountId: ['account.account', accounts.retentionReceivable],
      changeOrderProductId: ['product.product', products.changeOrderWork],
      costCodePlanId: ['account.analytic.plan', costCodePlanId],
      purchaseJournalId: ['account.journal', journal('purchase')],
      salesJournalId: ['account.journal', journal('sale')],
    };
    for (const [key, [model, resId]] of Object.entries(setupRecords) as [
      keyof typeof DEMO_SETUP_XMLIDS,
      [string, number | undefined],
    ][]) {
      const [module, name] = DEMO_SETUP_XMLIDS[key].split('.', 2);
      if (resId) state.create('ir.model.data', { module, name, model, res_id: resId, noupdate: true });
    }
    return {
      partners,
      projects,
      costCodePlanId,
      costCodes,
      accounts,
      products,
      subcontracts,
      bills,
      milestones,
    };
  });
}
