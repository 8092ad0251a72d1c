import { DomainError } from '@/server/errors';
import { ensureStorableAmount, parseAmount, parseQuantity } from '@/server/lib/decimal-input';
import { formatMoney, Money, roundMoney, sumMoney } from '@/server/lib/money';

/**
 * Change order money (DOMAIN §3). Precision, chosen to match the database and Odoo's defaults:
 *   quantity   at most 4 decimals (numeric(14,4)): measured quantities like 12.375 m³;
 *   unit cost  at most 2 decimals (numeric(14,2)): Odoo's "Product Price" precision, so a
 *              commitment CO line pushed to a purchase.order computes the same subtotal there;
 *   line cost  round(quantity × unit cost) to cents, half away from zero, once per line.
 * Either sign is allowed on quantity and unit cost: omissions and budget transfers are negative.
 * Totals are sums of rounded lines, so the lines on screen always add up to the total shown.
 */
export type ChangeOrderKind = 'client' | 'commitment' | 'internal';

export type ChangeOrderLineInput = {
  costCodeId: string;
  description: string;
  quantity: string;
  unit: string;
  unitCost: string;
  /** Client COs only: the price to the client, entered per line (no automatic markup). */
  sellAmount?: string | null;
};

export type ChangeOrderLineResult = ChangeOrderLineInput & { costAmount: string; sellAmount: string | null };

/** Which cost-report column the budget impact lands in (DOMAIN §7: BT or ACO). */
export type BudgetColumn = 'budget_transfers' | 'approved_changes';

export type ChangeOrderCalculation = {
  lines: ChangeOrderLineResult[];
  costTotal: string;
  /** Σ line sell amounts for a client CO; null for the other kinds, which touch no contract. */
  sellTotal: string | null;
  budgetColumn: BudgetColumn;
  /** Net cost per cost code, in order of first appearance; written as budget revisions at approval. */
  budgetImpact: { costCodeId: string; amount: string }[];
  /** |Σ cost|, the "absolute cost change" of DOMAIN §3. */
  absoluteCostChange: string;
  /**
   * What the approval route is built on (DOMAIN §3): the largest of |net cost change|, the gross
   * budget movement (Σ of the positive cost lines) and |sell change| of a client CO, so offsetting
   * lines never make a large change small.
   */
  routingAmount: string;
  /** Which of the three it was, and the three figures: shown on the record. */
  routingReason: string;
};

/** The routing amount and why (DOMAIN §3). */
export function routingOf(
  kind: ChangeOrderKind,
  lineCosts: readonly Money[],
  sellTotal: Money | null,
): { amount: string; reason: string } {
  const net = sumMoney(lineCosts).abs();
  const gross = sumMoney(lineCosts.filter((c) => c.isPositive() && !c.isZero()));
  const sell = kind === 'client' && sellTotal ? sellTotal.abs() : new Money(0);
  const candidates: [string, Money][] = [
    ['net cost change', net],
    ['gross budget movement (sum of the positive cost lines)', gross],
    ...(kind === 'client' ? ([['sell change', sell]] as [string, Money][]) : []),
  ];
  const [label, amount] = candidates.reduce((best, c) => (c[1].greaterThan(best[1]) ? c : best));
  const figures = candidates.map(([l, a]) => `${l} ${formatMoney(a)}`).join(', ');
  return {
    amount: formatMoney(amount),
    reason: `routed on the ${label} ${formatMoney(amount)} (largest of: ${figures})`,
  };
}

/** round(quantity × unit cost) to cents. */
export function calculateLineCost(quantity: string, unitCost: string): string {
  return formatMoney(parseQuantity(quantity, 'quantity').times(parseAmount(unitCost, 'unitCost')));
}

function sellAmountOf(kind: ChangeOrderKind, line: ChangeOrderLineInput, index: number): Money | null {
  const hasSell = line.sellAmount !== undefined && line.sellAmount !== null && line.sellAmount !== '';
  if (kind !== 'client') {
    if (hasSell)
      throw new DomainError('VALIDATION', `Line ${index + 1}: only a client change order has a sell amount.`);
    return null;
  }
  if (!hasSell)
    throw new DomainError('VALIDATION', `Line ${index + 1}: a client change order line needs a sell amount.`);
  return parseAmount(line.sellAmount as string, `Line ${index + 1} sell amount`);
}

export function calculateChangeOrder(input: {
  kind: ChangeOrderKind;
  lines: readonly ChangeOrderLineInput[];
}): ChangeOrderCalculation {
  const { kind } = input;
  const lines = input.lines.map((line, index) => {
    const cost = ensureStorableAmount(
      roundMoney(
        parseQuantity(line.quantity, `Line ${index + 1} quantity`).times(
          parseAmount(line.unitCost, `Line ${index + 1} unit cost`),
        ),
      ),
      'lines',
      `Line ${index + 1} cost (quantity × unit cost)`,
    );
    const sell = sellAmountOf(kind, line, index);
    return { line, cost, sell };
  });

  const byCode = new Map<string, Money>();
  for (const { line, cost } of lines)
    byCode.set(line.costCodeId, (byCode.get(line.costCodeId) ?? new Money(0)).plus(cost));

  for (const amount of byCode.values()) ensureStorableAmount(amount, 'lines', 'The change to one cost code');
  const costTotal = ensureStorableAmount(
    sumMoney(lines.map((l) => l.cost)),
    'lines',
    'The change order cost total',
  );
  if (kind === 'internal' && !costTotal.isZero()) {
    throw new DomainError(
      'INTERNAL_CO_NOT_BALANCED',
      `An internal change order must net to zero across its lines; it nets to ${formatMoney(costTotal)}.`,
      {
        net: formatMoney(costTotal),
      },
    );
  }
  const sellTotal =
    kind === 'client'
      ? ensureStorableAmount(sumMoney(lines.map((l) => l.sell ?? 0)), 'lines', 'The change order sell total')
      : null;
  // the gross movement (sum of the positive lines) is stored as the routing amount: it must fit too
  ensureStorableAmount(
    sumMoney(lines.map((l) => l.cost).filter((c) => c.isPositive() && !c.isZero())),
    'lines',
    'The amount moved between cost codes',
  );
  const routing = routingOf(
    kind,
    lines.map((l) => l.cost),
    sellTotal,
  );

  return {
    lines: lines.map(({ line, cost, sell }) => ({
      ...line,
      costAmount: formatMoney(cost),
      sellAmount: sell ? formatMoney(sell) : null,
    })),
    costTotal: formatMoney(costTotal),
    sellTotal: sellTotal ? formatMoney(sellTotal) : null,
    budgetColumn: kind === 'internal' ? 'budget_transfers' : 'approved_changes',
    budgetImpact: [...byCode].map(([costCodeId, amount]) => ({ costCodeId, amount: formatMoney(amount) })),
    absoluteCostChange: formatMoney(costTotal.abs()),
    routingAmount: routing.amount,
    routingReason: routing.reason,
  };
}
