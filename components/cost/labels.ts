import type { CostChangeCause } from '@/server/modules/cost/cost-change.calc';

export const methodLabels: Record<string, string> = {
  automatic: 'Automatic',
  manual: 'Manual',
  committed_only: 'Committed only',
  cpi: 'CPI',
};

export const causeLabels: Record<CostChangeCause, string> = {
  baseline: 'Baseline budget',
  change_orders: 'Change orders (approved and pending)',
  commitments: 'New commitments',
  actuals: 'Actual cost',
  forecast: 'Forecast overrides',
};

export const causeOrder = Object.keys(causeLabels) as CostChangeCause[];

export const sourceLabels: Record<string, string> = {
  change_order: 'Change order',
  sov_line: 'Subcontract SOV line',
  claim: 'Subcontractor claim',
  analytic_line: 'Odoo actual cost',
};

/** "12.50" → "12.50 %"; null (no denominator) → "—". */
export function formatPercentDisplay(value: string | null): string {
  return value === null ? '—' : `${value} %`;
}
