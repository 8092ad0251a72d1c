import { DomainError } from '@/server/errors';
import { formatPercent, parseAmount } from '@/server/lib/decimal-input';
import { formatMoney, Money, roundMoney, sumMoney } from '@/server/lib/money';

/**
 * Cost to complete, DOMAIN §7. The input is one plain record of sums per cost code, as strings, so
 * the SQL version of the report can be checked against this function row by row.
 *
 * Forecast to complete (FTC) covers the uncommitted remainder, by the code's method:
 *   automatic       max(PB − (CC + DC + PCC), 0): assumes what is left costs exactly its budget;
 *   manual          the amount a person entered, with its reason;
 *   committed_only  0: nothing beyond commitments and direct cost is expected;
 *   cpi             the automatic remainder ÷ CPI, with CPI = EV ÷ AC (EV = earned value, the
 *                   budgeted cost of the work done, entered by the QS). Only the uncommitted part
 *                   is scaled: commitments are fixed-price, so the code's cost performance says
 *                   something about work still to buy, not about what is already bought. Without
 *                   EV or AC (no performance yet) it falls back to automatic, and says so.
 */
export type ForecastMethod = 'automatic' | 'manual' | 'committed_only' | 'cpi';

export type CostCodeSums = {
  costCodeId: string;
  code: string;
  name: string;
  /** OB */
  originalBudget: string;
  /** BT: Σ approved internal COs. */
  budgetTransfers: string;
  /** ACO: Σ approved client and commitment CO cost. */
  approvedChanges: string;
  /** PBC: Σ cost of COs not yet approved, drafts included. */
  pendingChanges: string;
  /** The part of PBC on COs flagged proceeding; shown apart, already inside PBC. */
  pendingChangesProceeding: string;
  /** CC */
  committed: string;
  /** PCC: Σ commitment COs not yet approved. */
  pendingCommitmentChanges: string;
  /** AC */
  actual: string;
  /** DC: the part of AC not tied to a commitment. */
  directCost: string;
  forecastMethod: ForecastMethod;
  /** manual only */
  forecastAmount: string | null;
  forecastReason: string | null;
  /** cpi only: earned value to date. */
  earnedValue: string | null;
};

export type CostCodeReport = {
  costCodeId: string;
  code: string;
  name: string;
  originalBudget: string;
  budgetTransfers: string;
  approvedChanges: string;
  revisedBudget: string;
  pendingChanges: string;
  pendingChangesProceeding: string;
  projectedBudget: string;
  committed: string;
  pendingCommitmentChanges: string;
  uncommitted: string;
  actual: string;
  directCost: string;
  forecastMethod: ForecastMethod;
  /** The method actually applied: cpi without performance data falls back to automatic. */
  effectiveForecastMethod: ForecastMethod;
  forecastReason: string | null;
  /** EV ÷ AC to 4 decimals, when the cpi method could use it. */
  cpi: string | null;
  forecastToComplete: string;
  estimateAtCompletion: string;
  varianceAtCompletion: string;
  projectedOverUnder: string;
  /** AC ÷ EAC as a percentage with 2 decimals; null when EAC is zero. */
  percentComplete: string | null;
  /** Still on automatic, which hides overruns on the uncommitted part: the report marks it. */
  isAutomaticMethod: boolean;
};

type Parsed = Record<'ob' | 'bt' | 'aco' | 'pbc' | 'proceeding' | 'cc' | 'pcc' | 'ac' | 'dc', Money>;

function parseSums(row: CostCodeSums): Parsed {
  const field = (name: string) => `${row.code} ${name}`;
  return {
    ob: parseAmount(row.originalBudget, field('original budget')),
    bt: parseAmount(row.budgetTransfers, field('budget transfers')),
    aco: parseAmount(row.approvedChanges, field('approved changes')),
    pbc: parseAmount(row.pendingChanges, field('pending changes')),
    proceeding: parseAmount(row.pendingChangesProceeding, field('proceeding changes')),
    cc: parseAmount(row.committed, field('committed')),
    pcc: parseAmount(row.pendingCommitmentChanges, field('pending commitment changes')),
    ac: parseAmount(row.actual, field('actual')),
    dc: parseAmount(row.directCost, field('direct cost')),
  };
}

type Forecast = { ftc: Money; method: ForecastMethod; cpi: Money | null };

function forecastToComplete(row: CostCodeSums, s: Parsed, projectedBudget: Money): Forecast {
  const automatic = Money.max(projectedBudget.minus(s.cc.plus(s.dc).plus(s.pcc)), 0);
  switch (row.forecastMethod) {
    case 'automatic':
      return { ftc: automatic, method: 'automatic', cpi: null };
    case 'committed_only':
      return { ftc: new Money(0), method: 'committed_only', cpi: null };
    case 'manual': {
      if (!row.forecastReason?.trim()) {
        throw new DomainError('REASON_REQUIRED', `${row.code}: a manual forecast needs a reason.`, {
          costCodeId: row.costCodeId,
        });
      }
      const amount = parseAmount(row.forecastAmount ?? '', `${row.code} manual forecast`, 'non_negative');
      return { ftc: amount, method: 'manual', cpi: null };
    }
    case 'cpi': {
      const ev =
        row.earnedValue === null
          ? new Money(0)
          : parseAmount(row.earnedValue, `${row.code} earned value`, 'non_negative');
      if (ev.isZero() || !s.ac.greaterThan(0)) return { ftc: automatic, method: 'automatic', cpi: null };
      const cpi = ev.dividedBy(s.ac);
      return { ftc: roundMoney(automatic.dividedBy(cpi)), method: 'cpi', cpi };
    }
  }
}

export function calculateCostCode(row: CostCodeSums): CostCodeReport {
  const s = parseSums(row);
  const revisedBudget = s.ob.plus(s.bt).plus(s.aco);
  const projectedBudget = revisedBudget.plus(s.pbc);
  const forecast = forecastToComplete(row, s, projectedBudget);
  const eac = s.cc.plus(s.dc).plus(s.pcc).plus(forecast.ftc);
  return {
    costCodeId: row.costCodeId,
    code: row.code,
    name: row.name,
    originalBudget: formatMoney(s.ob),
    budgetTransfers: formatMoney(s.bt),
    approvedChanges: formatMoney(s.aco),
    revisedBudget: formatMoney(revisedBudget),
    pendingChanges: formatMoney(s.pbc),
    pendingChangesProceeding: formatMoney(s.proceeding),
    projectedBudget: formatMoney(projectedBudget),
    committed: formatMoney(s.cc),
    pendingCommitmentChanges: formatMoney(s.pcc),
    uncommitted: formatMoney(Money.max(revisedBudget.minus(s.cc), 0)),
    actual: formatMoney(s.ac),
    directCost: formatMoney(s.dc),
    forecastMethod: row.forecastMethod,
    effectiveForecastMethod: forecast.method,
    forecastReason: row.forecastMethod === 'manual' ? (row.forecastReason ?? null) : null,
    cpi: forecast.cpi ? forecast.cpi.toDecimalPlaces(4, Money.ROUND_HALF_UP).toFixed(4) : null,
    forecastToComplete: formatMoney(forecast.ftc),
    estimateAtCompletion: formatMoney(eac),
    varianceAtCompletion: formatMoney(revisedBudget.minus(eac)),
    projectedOverUnder: formatMoney(projectedBudget.minus(eac)),
    percentComplete: formatPercent(s.ac, eac),
    isAutomaticMethod: forecast.method === 'automatic',
  };
}

const moneyColumns = [
  'originalBudget',
  'budgetTransfers',
  'approvedChanges',
  'revisedBudget',
  'pendingChanges',
  'pendingChangesProceeding',
  'projectedBudget',
  'committed',
  'pendingCommitmentChanges',
  'uncommitted',
  'actual',
  'directCost',
  'forecastToComplete',
  'estimateAtCompletion',
  'varianceAtCompletion',
  'projectedOverUnder',
] as const satisfies readonly (keyof CostCodeReport)[];
export type CostReportMoneyColumn = (typeof moneyColumns)[number];

export type ProjectCostInput = {
  originalContractValue: string;
  /** Σ sell of approved client COs. */
  approvedClientChanges: string;
  /** Σ Odoo customer invoices to date. */
  billedToDate: string;
  codes: readonly CostCodeSums[];
};

export type ProjectCostReport = {
  codes: CostCodeReport[];
  /** Column sums over the codes (uncommitted is the sum of each code's floored value). */
  totals: Record<CostReportMoneyColumn, string>;
  /** Σ AC ÷ Σ EAC as a percentage with 2 decimals; null when EAC is zero. */
  percentComplete: string | null;
  revisedContractValue: string;
  /** round(revised contract × Σ AC ÷ Σ EAC): the unrounded ratio, so it matches SQL's arithmetic. */
  earnedRevenue: string;
  billedToDate: string;
  /** billed − earned: positive is over-billed, negative under-billed. */
  overUnderBilling: string;
  forecastMargin: string;
  forecastMarginPercent: string | null;
  /** Codes still on the automatic method, listed on the project page. */
  automaticMethodCodes: string[];
};

export function calculateProjectCostReport(input: ProjectCostInput): ProjectCostReport {
  const codes = input.codes.map(calculateCostCode);
  const sum = (column: CostReportMoneyColumn) => sumMoney(codes.map((c) => c[column]));
  const totals = Object.fromEntries(
    moneyColumns.map((column) => [column, formatMoney(sum(column))]),
  ) as Record<CostReportMoneyColumn, string>;
  const revisedContract = parseAmount(input.originalContractValue, 'Original contract value').plus(
    parseAmount(input.approvedClientChanges, 'Approved client changes'),
  );
  const actual = sum('actual');
  const eac = sum('estimateAtCompletion');
  const earned = eac.isZero() ? new Money(0) : roundMoney(revisedContract.times(actual).dividedBy(eac));
  const billed = parseAmount(input.billedToDate, 'Billed to date');
  const margin = revisedContract.minus(eac);
  return {
    codes,
    totals,
    percentComplete: formatPercent(actual, eac),
    revisedContractValue: formatMoney(revisedContract),
    earnedRevenue: formatMoney(earned),
    billedToDate: formatMoney(billed),
    overUnderBilling: formatMoney(billed.minus(earned)),
    forecastMargin: formatMoney(margin),
    forecastMarginPercent: formatPercent(margin, revisedContract),
    automaticMethodCodes: codes.filter((c) => c.isAutomaticMethod).map((c) => c.code),
  };
}
