import { formatMoney, Money } from '@/server/lib/money';
import { calculateCostCode, type CostCodeSums, type ForecastMethod } from './cost-report.calc';

/**
 * "What changed since last month": the change of each code's EAC between two reports, explained by
 * cause. The causes are applied one after the other, from the old figures to the new, and the EAC
 * is recomputed (by cost-report.calc.ts) after each step; a step's share is the EAC it moved. The
 * shares therefore add up to the total change exactly, and an automatic code is credited to what
 * actually moved it (a new commitment inside the budget moves nothing: the automatic forecast gives
 * way to it).
 *
 * Order of the steps: baseline budget, change orders (approved and pending: an approval of a CO
 * that was already pending nets to zero here), new commitments, actual cost, forecast overrides.
 */
export type CostChangeCause = 'baseline' | 'change_orders' | 'commitments' | 'actuals' | 'forecast';

export const costChangeCauses: readonly CostChangeCause[] = [
  'baseline',
  'change_orders',
  'commitments',
  'actuals',
  'forecast',
];

/** The figures of one code that the explanation needs (a cost report row, live or from a snapshot). */
export type CostChangeRow = {
  costCodeId: string | null;
  code: string;
  name: string;
  originalBudget: string;
  budgetTransfers: string;
  approvedChanges: string;
  pendingChanges: string;
  pendingChangesProceeding: string;
  committed: string;
  committedFromChangeOrders: string;
  pendingCommitmentChanges: string;
  actual: string;
  directCost: string;
  forecastMethod: ForecastMethod | null;
  forecastAmount: string | null;
  earnedValue: string | null;
  forecastReason: string | null;
};

export type CostChange = {
  previousEac: string;
  currentEac: string;
  change: string;
  causes: Record<CostChangeCause, string>;
  /** Codes whose EAC moved, largest change first. */
  codes: {
    costCodeId: string | null;
    code: string;
    name: string;
    change: string;
    causes: Record<CostChangeCause, string>;
  }[];
};

type State = {
  ob: Money;
  bt: Money;
  aco: Money;
  pbc: Money;
  proceeding: Money;
  ccBase: Money;
  ccFromCos: Money;
  pcc: Money;
  ac: Money;
  dc: Money;
  method: ForecastMethod;
  forecastAmount: string | null;
  earnedValue: string | null;
  reason: string | null;
};

const zero = new Money(0);
const blank: State = {
  ob: zero,
  bt: zero,
  aco: zero,
  pbc: zero,
  proceeding: zero,
  ccBase: zero,
  ccFromCos: zero,
  pcc: zero,
  ac: zero,
  dc: zero,
  method: 'automatic',
  forecastAmount: null,
  earnedValue: null,
  reason: null,
};

function stateOf(row: CostChangeRow | undefined): State {
  if (!row) return blank;
  const m = (value: string) => new Money(value);
  const manualWithoutAmount = row.forecastMethod === 'manual' && row.forecastAmount === null;
  return {
    ob: m(row.originalBudget),
    bt: m(row.budgetTransfers),
    aco: m(row.approvedChanges),
    pbc: m(row.pendingChanges),
    proceeding: m(row.pendingChangesProceeding),
    ccBase: m(row.committed).minus(row.committedFromChangeOrders),
    ccFromCos: m(row.committedFromChangeOrders),
    pcc: m(row.pendingCommitmentChanges),
    ac: m(row.actual),
    dc: m(row.directCost),
    method: manualWithoutAmount ? 'automatic' : (row.forecastMethod ?? 'automatic'),
    forecastAmount: row.forecastAmount,
    earnedValue: row.earnedValue,
    reason: row.forecastReason,
  };
}

function eacOf(s: State): Money {
  const f = formatMoney;
  const sums: CostCodeSums = {
    costCodeId: '',
    code: '',
    name: '',
    originalBudget: f(s.ob),
    budgetTransfers: f(s.bt),
    approvedChanges: f(s.aco),
    pendingChanges: f(s.pbc),
    pendingChangesProceeding: f(s.proceeding),
    committed: f(s.ccBase.plus(s.ccFromCos)),
    pendingCommitmentChanges: f(s.pcc),
    actual: f(s.ac),
    directCost: f(s.dc),
    forecastMethod: s.method,
    forecastAmount: s.forecastAmount,
    // a reason is checked when the forecast is set; the explanation only needs the number
    forecastReason: s.reason?.trim() ? s.reason : 'recorded',
    earnedValue: s.earnedValue,
  };
  return new Money(calculateCostCode(sums).estimateAtCompletion);
}

const steps: Record<CostChangeCause, (from: State, to: State) => Partial<State>> = {
  baseline: (_, to) => ({ ob: to.ob }),
  change_orders: (_, to) => ({
    bt: to.bt,
    aco: to.aco,
    pbc: to.pbc,
    proceeding: to.proceeding,
    ccFromCos: to.ccFromCos,
    pcc: to.pcc,
  }),
  commitments: (_, to) => ({ ccBase: to.ccBase }),
  actuals: (_, to) => ({ ac: to.ac, dc: to.dc }),
  forecast: (_, to) => ({
    method: to.method,
    forecastAmount: to.forecastAmount,
    earnedValue: to.earnedValue,
    reason: to.reason,
  }),
};

function explainCode(
  previous: State,
  current: State,
): { before: Money; after: Money; causes: Record<CostChangeCause, Money> } {
  let state = previous;
  let eac = eacOf(state);
  const before = eac;
  const causes = {} as Record<CostChangeCause, Money>;
  for (const cause of costChangeCauses) {
    state = { ...state, ...steps[cause](state, current) };
    const next = eacOf(state);
    causes[cause] = next.minus(eac);
    eac = next;
  }
  return { before, after: eac, causes };
}

const keyOf = (row: CostChangeRow) => row.costCodeId ?? 'unallocated';

export function explainCostChange(
  previous: readonly CostChangeRow[],
  current: readonly CostChangeRow[],
): CostChange {
  const before = new Map(previous.map((row) => [keyOf(row), row]));
  const after = new Map(current.map((row) => [keyOf(row), row]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const totals = Object.fromEntries(costChangeCauses.map((c) => [c, new Money(0)])) as Record<
    CostChangeCause,
    Money
  >;
  let previousEac = new Money(0);
  let currentEac = new Money(0);
  const codes: CostChange['codes'] = [];
  for (const key of keys) {
    const label = after.get(key) ?? before.get(key)!;
    const result = explainCode(stateOf(before.get(key)), stateOf(after.get(key)));
    previousEac = previousEac.plus(result.before);
    currentEac = currentEac.plus(result.after);
    for (const cause of costChangeCauses) totals[cause] = totals[cause].plus(result.causes[cause]);
    const change = result.after.minus(result.before);
    if (!change.isZero() || costChangeCauses.some((c) => !result.causes[c].isZero())) {
      codes.push({
        costCodeId: label.costCodeId,
        code: label.code,
        name: label.name,
        change: formatMoney(change),
        causes: formatCauses(result.causes),
      });
    }
  }
  codes.sort(
    (a, b) => new Money(b.change).abs().comparedTo(new Money(a.change).abs()) || a.code.localeCompare(b.code),
  );
  return {
    previousEac: formatMoney(previousEac),
    currentEac: formatMoney(currentEac),
    change: formatMoney(currentEac.minus(previousEac)),
    causes: formatCauses(totals),
    codes,
  };
}

function formatCauses(causes: Record<CostChangeCause, Money>): Record<CostChangeCause, string> {
  return Object.fromEntries(costChangeCauses.map((c) => [c, formatMoney(causes[c])])) as Record<
    CostChangeCause,
    string
  >;
}
