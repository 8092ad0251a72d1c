import { ormCreate, ormWrite, readRaw, today, touch } from '../orm';
import { field, round2, type FieldDef, type ModelDef, type OdooVersion, type RawRecord } from '../schema';
import type { SimState } from '../state';

/** The plan Odoo creates for projects; its accounts go in `account_id`, other plans in `x_plan<id>_id`. */
export const PROJECT_PLAN_ID = 1;

export function analyticPlanColumn(planId: number): string {
  return planId === PROJECT_PLAN_ID ? 'account_id' : `x_plan${planId}_id`;
}

/** project.project's link to its analytic account: renamed in 18. */
export function projectAnalyticField(version: OdooVersion): 'account_id' | 'analytic_account_id' {
  return version >= 18 ? 'account_id' : 'analytic_account_id';
}

function rootPlanId(state: SimState, planId: unknown): number | undefined {
  let current = typeof planId === 'number' ? state.get('account.analytic.plan', planId) : undefined;
  while (current && typeof current.parent_id === 'number') {
    const parent = state.get('account.analytic.plan', current.parent_id);
    if (!parent) break;
    current = parent;
  }
  return current?.id;
}

/** Root plan of an analytic account (its column on analytic lines). */
export function accountRootPlan(state: SimState, accountId: number): number | undefined {
  return rootPlanId(state, state.get('account.analytic.account', accountId)?.plan_id);
}

function planColumns(state: SimState): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const plan of state.all('account.analytic.plan')) {
    if (plan.id === PROJECT_PLAN_ID || typeof plan.parent_id === 'number') continue;
    out[analyticPlanColumn(plan.id)] = field.many2one('account.analytic.account', String(plan.name));
  }
  return out;
}

function analyticColumns(state: SimState): string[] {
  return ['account_id', ...Object.keys(planColumns(state))];
}

export function projectModels(version: OdooVersion): ModelDef[] {
  const projectAccountField = projectAnalyticField(version);
  return [
    {
      name: 'account.analytic.plan',
      description: 'Analytic Plans',
      fields: {
        name: field.char('Name', { required: true }),
        parent_id: field.many2one('account.analytic.plan', 'Parent'),
        // Odoo addons/analytic/models/analytic_plan.py: `account_ids = fields.One2many('account.analytic.account', 'plan_id')`,
        // so a plan and its accounts can be created in one call (one transaction).
        account_ids: field.one2many('account.analytic.account', 'plan_id', 'Accounts'),
        default_applicability: field.selection(
          ['optional', 'mandatory', 'unavailable'],
          'Default Applicability',
          {
            default: 'optional',
          },
        ),
      },
    },
    {
      name: 'account.analytic.account',
      description: 'Analytic Account',
      fields: {
        name: field.char('Analytic Account', { required: true }),
        code: field.char('Reference'),
        plan_id: field.many2one('account.analytic.plan', 'Plan', { required: true }),
        ...(version >= 17
          ? {
              root_plan_id: field.many2one('account.analytic.plan', 'Root Plan', {
                compute: (rec, state) => rootPlanId(state, rec.plan_id) ?? false,
              }),
            }
          : {}),
        partner_id: field.many2one('res.partner', 'Customer'),
        company_id: field.many2one('res.company', 'Company'),
        active: field.boolean('Active', { default: true }),
        balance: field.monetary('Balance', {
          compute: (rec, state) => {
            const columns = analyticColumns(state);
            const total = state
              .all('account.analytic.line')
              .filter((line) => columns.some((column) => line[column] === rec.id))
              .reduce((sum, line) => sum + Number(line.amount ?? 0), 0);
            return round2(total);
          },
        }),
      },
      displayName: (rec, state) => {
        const partner =
          typeof rec.partner_id === 'number' ? state.get('res.partner', rec.partner_id) : undefined;
        const code = typeof rec.code === 'string' && rec.code ? `[${rec.code}] ` : '';
        return `${code}${String(rec.name)}${partner ? ` - ${String(partner.name)}` : ''}`;
      },
    },
    {
      name: 'account.analytic.line',
      description: 'Analytic Line',
      order: 'date desc, id desc',
      dynamicFields: version >= 17 ? planColumns : undefined,
      fields: {
        name: field.char('Description', { required: true }),
        date: field.date('Date', { required: true, default: (env) => today(env.state) }),
        amount: field.monetary('Amount'),
        unit_amount: field.float('Quantity'),
        account_id: field.many2one('account.analytic.account', 'Project Account'),
        ...(version === 16
          ? {
              plan_id: field.many2one('account.analytic.plan', 'Plan', {
                compute: (rec, state) =>
                  typeof rec.account_id === 'number'
                    ? (state.get('account.analytic.account', rec.account_id)?.plan_id ?? false)
                    : false,
              }),
            }
          : {}),
        partner_id: field.many2one('res.partner', 'Partner'),
        product_id: field.many2one('product.product', 'Product'),
        general_account_id: field.many2one('account.account', 'Financial Account'),
        move_line_id: field.many2one('account.move.line', 'Journal Item'),
        ref: field.char('Ref.'),
        company_id: field.many2one('res.company', 'Company', { default: 1 }),
        currency_id: field.many2one('res.currency', 'Currency', { default: 1 }),
        project_id: field.many2one('project.project', 'Project'),
        employee_id: field.many2one('hr.employee', 'Employee'),
        user_id: field.many2one('res.users', 'User'),
      },
      prepareCreate: (env, vals) => {
        if (typeof vals.project_id !== 'number') return;
        // A line on a project is a timesheet: hr_timesheet fills account, employee and cost.
        const project = env.state.get('project.project', vals.project_id);
        if (project && vals.account_id === undefined) vals.account_id = project[projectAccountField] ?? false;
        vals.user_id ??= env.uid;
        if (vals.employee_id === undefined) {
          const employee = env.state.all('hr.employee').find((e) => e.user_id === vals.user_id);
          vals.employee_id = employee?.id ?? false;
        }
        if (vals.amount === undefined) {
          const employee =
            typeof vals.employee_id === 'number' ? env.state.get('hr.employee', vals.employee_id) : undefined;
          vals.amount = round2(-Number(vals.unit_amount ?? 0) * Number(employee?.hourly_cost ?? 0));
        }
      },
    },
    {
      name: 'project.project',
      description: 'Project',
      mailThread: true,
      access: { user: ['read', 'create', 'write'], portal: ['read'] },
      recordRule: (role) => role !== 'portal',
      fields: {
        name: field.char('Name', { required: true }),
        partner_id: field.many2one('res.partner', 'Customer'),
        [projectAccountField]: field.many2one('account.analytic.account', 'Analytic Account'),
        allow_milestones: field.boolean('Milestones'),
        allow_timesheets: field.boolean('Timesheets', { default: true }),
        company_id: field.many2one('res.company', 'Company'),
        user_id: field.many2one('res.users', 'Project Manager'),
        date_start: field.date('Start Date'),
        date: field.date('Expiration Date'),
        sale_line_id: field.many2one('sale.order.line', 'Sales Order Item'),
        sale_order_id: field.many2one('sale.order', 'Sales Order'),
        milestone_ids: field.one2many('project.milestone', 'project_id', 'Milestones'),
        active: field.boolean('Active', { default: true }),
        ...(version >= 19 ? { is_template: field.boolean('Is Template') } : {}),
      },
      prepareCreate: (env, vals) => {
        if (vals[projectAccountField]) return;
        // Odoo gives every project an analytic account in the project plan.
        const [accountId] = ormCreate(env, 'account.analytic.account', [
          {
            name: vals.name ?? 'Project',
            plan_id: PROJECT_PLAN_ID,
            partner_id: typeof vals.partner_id === 'number' ? vals.partner_id : false,
          },
        ]);
        vals[projectAccountField] = accountId;
      },
    },
    {
      name: 'project.milestone',
      description: 'Project Milestone',
      order: version >= 19 ? 'sequence, deadline, id' : 'deadline, id',
      fields: {
        name: field.char('Name', { required: true }),
        project_id: field.many2one('project.project', 'Project', { required: true }),
        deadline: field.date('Deadline'),
        is_reached: field.boolean('Reached'),
        reached_date: field.date('Reached Date', { readonly: true }),
        sale_line_id: field.many2one('sale.order.line', 'Sales Order Item'),
        quantity_percentage: field.float('Quantity (%)'),
        ...(version >= 17 ? { product_uom_qty: field.float('Quantity') } : {}),
        ...(version >= 19 ? { sequence: field.integer('Sequence', { default: 10 }) } : {}),
      },
      afterCreate: (env, rec) => syncReached(env.state, rec, rec.is_reached === true),
      afterWrite: (env, rec, vals) => {
        if ('is_reached' in vals) syncReached(env.state, rec, vals.is_reached === true);
        if (typeof rec.sale_line_id === 'number') {
          touch(env, 'sale.order.line', rec.sale_line_id);
          const line = env.state.get('sale.order.line', rec.sale_line_id);
          if (typeof line?.order_id === 'number') touch(env, 'sale.order', line.order_id);
        }
      },
      methods: {
        toggle_is_reached: {
          params: [{ name: 'is_reached', required: true }],
          run: (env, ids, args) => {
            ormWrite(env, 'project.milestone', ids, { is_reached: Boolean(args.is_reached) });
            const rec = env.state.get('project.milestone', ids[0] ?? 0);
            return rec
              ? {
                  id: rec.id,
                  name: rec.name,
                  is_reached: rec.is_reached,
                  reached_date: rec.reached_date ?? false,
                }
              : {};
          },
        },
      },
    },
  ];
}

function syncReached(state: SimState, rec: RawRecord, reached: boolean) {
  // reached_date is a stored compute on the server's date; it cannot be written by clients.
  state.updateRow('project.milestone', rec.id, {
    reached_date: reached ? rec.reached_date || today(state) : false,
  });
}

/** Quantity delivered by reached milestones on a milestone-invoiced sale line. */
export function milestoneDelivered(state: SimState, line: RawRecord): number {
  const qty = Number(line.product_uom_qty ?? 0);
  const fraction = state
    .all('project.milestone')
    .filter((m) => m.sale_line_id === line.id && m.is_reached === true)
    .reduce((sum, m) => sum + Number(readRaw(state, 'project.milestone', m, 'quantity_percentage') ?? 0), 0);
  return round2(fraction * qty);
}
