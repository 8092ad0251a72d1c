import { PROJECT_PLAN_ID } from './models/project';
import type { SimState } from './state';

export interface BaseSeedOptions {
  companyName: string;
  currency: string;
  login: string;
  password: string;
  apiKey: string;
  taxRate: number;
  taxName: string;
  /** Language the database was created in; only translated seed names depend on it. */
  lang?: 'en_US' | 'de_DE';
}

/** Users of every simulated database: admin (uid 2, as on a real Odoo), a demo user and a portal user. */
export const SIM_USERS = {
  admin: { uid: 2 },
  demo: { uid: 5, login: 'demo', password: 'demo' },
  portal: { uid: 6, login: 'portal', password: 'portal' },
} as const;

/** What a fresh Odoo database holds before any business data: company, users, chart, journals. */
export function seedBase(state: SimState, options: BaseSeedOptions): void {
  state.transaction(() => {
    // Chatter notes need their subtypes before the first record is created.
    // Their display names are translated (a French database says "Note", a German one "Notiz"); the
    // XML ids mail.mt_comment / mail.mt_note are what stays (CONTRACT.md, issue 14).
    const subtypeNames = options.lang === 'de_DE' ? ['Diskussionen', 'Notiz'] : ['Discussions', 'Note'];
    const comment = state.create('mail.message.subtype', { name: subtypeNames[0] });
    const note = state.create('mail.message.subtype', { name: subtypeNames[1], internal: true });
    state.create('ir.model.data', {
      module: 'mail',
      name: 'mt_comment',
      model: 'mail.message.subtype',
      res_id: comment,
      noupdate: true,
    });
    state.create('ir.model.data', {
      module: 'mail',
      name: 'mt_note',
      model: 'mail.message.subtype',
      res_id: note,
      noupdate: true,
    });
    const currencies = ['GBP', 'USD', 'EUR'];
    const ordered = [options.currency, ...currencies.filter((c) => c !== options.currency)];
    const symbols: Record<string, string> = { GBP: '£', USD: '$', EUR: '€' };
    for (const name of ordered) state.create('res.currency', { name, symbol: symbols[name] ?? name });
    const companyPartner = state.create('res.partner', { name: options.companyName, is_company: true });
    state.create('res.company', { name: options.companyName, partner_id: companyPartner, currency_id: 1 });
    const people = [
      {
        uid: 1,
        login: '__system__',
        name: 'OdooBot',
        role: 'admin' as const,
        password: `${options.password}-system`,
      },
      {
        uid: SIM_USERS.admin.uid,
        login: options.login,
        name: 'Mitchell Admin',
        role: 'admin' as const,
        password: options.password,
      },
      {
        uid: SIM_USERS.demo.uid,
        login: SIM_USERS.demo.login,
        name: 'Marc Demo',
        role: 'user' as const,
        password: SIM_USERS.demo.password,
      },
      {
        uid: SIM_USERS.portal.uid,
        login: SIM_USERS.portal.login,
        name: 'Joel Willis',
        role: 'portal' as const,
        password: SIM_USERS.portal.password,
      },
    ];
    for (const person of people) {
      const partnerId = state.create('res.partner', {
        name: person.name,
        parent_id: person.role === 'portal' ? false : companyPartner,
      });
      // Fixed uids (2 = admin, as on every Odoo) so captured requests replay unchanged.
      state.insertRow('res.users', {
        id: person.uid,
        login: person.login,
        partner_id: partnerId,
        company_id: 1,
        active: person.uid !== 1,
        create_date: false,
        write_date: false,
      });
      state.users.push({
        uid: person.uid,
        login: person.login,
        password: person.password,
        role: person.role,
      });
    }
    state.apiKeys.push(
      { key: options.apiKey, uid: SIM_USERS.admin.uid, name: 'simulator admin key' },
      { key: `${options.apiKey}-demo`, uid: SIM_USERS.demo.uid, name: 'simulator demo-user key' },
      { key: `${options.apiKey}-portal`, uid: SIM_USERS.portal.uid, name: 'simulator portal-user key' },
    );
    state.create('hr.employee', { name: 'Mitchell Admin', user_id: SIM_USERS.admin.uid, hourly_cost: 100 });
    state.create('uom.uom', { name: 'Units' });
    state.create('uom.uom', { name: 'Hours' });
    const plan = state.create('account.analytic.plan', { name: 'Projects' });
    if (plan !== PROJECT_PLAN_ID) throw new Error('the project plan must be the first analytic plan');
    state.create('account.tax', { name: options.taxName, amount: options.taxRate, type_tax_use: 'sale' });
    state.create('account.tax', { name: options.taxName, amount: options.taxRate, type_tax_use: 'purchase' });
    const receivable = {
      name: 'Account Receivable',
      code: '110100',
      account_type: 'asset_receivable',
      reconcile: true,
    };
    const payable = {
      name: 'Account Payable',
      code: '211000',
      account_type: 'liability_payable',
      reconcile: true,
    };
    state.create('account.account', receivable);
    state.create('account.account', payable);
    const expense = state.create('account.account', {
      name: 'Expenses',
      code: '600000',
      account_type: 'expense',
    });
    const income = state.create('account.account', {
      name: 'Product Sales',
      code: '400000',
      account_type: 'income',
    });
    state.create('account.journal', { name: 'Sales', code: 'INV', type: 'sale', default_account_id: income });
    state.create('account.journal', {
      name: 'Purchases',
      code: 'BILL',
      type: 'purchase',
      default_account_id: expense,
    });
  });
}
