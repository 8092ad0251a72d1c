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
   * What the approval route is built on. Equal to absoluteCostChange, except for an internal CO
   * whose net is zero by rule: there it is the amount moved (Σ of the increases), so a large
   * transfer or contingency draw still reaches an executive when it is above the PM limit.
   */
  routingAmount: string;
};

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

  for (const amount of byCode.values()) ensureStorableAmount(amount, 'lines', "The change to one cost code");
  const costTotal = ensureStorableAmount(sumMoney(lines.map((l) => l.cost)), 'lines', 'The change order cost total');
  if (kind === 'internal' && !costTotal.isZero()) {
    throw new DomainError(
      'INTERNAL_CO_NOT_BALANCED',
      `An internal change order must net to zero across its lines; it nets to ${formatMoney(costTotal)}.`,
      {
        net: formatMoney(costTotal),
      },
    );
  }
  const moved = ensureStorableAmount(
    sumMoney([...byCode.values()].filter((amount) => amount.isPositive() && !amount.isZero())),
    'lines',
    'The amount moved between cost codes',
  );
  const sellTotal = ensureStorableAmount(sumMoney(lines.map((l) => l.sell ?? 0)), 'lines', 'The change order sell total');

  return {
    lines: lines.map(({ line, cost, sell }) => ({
      ...line,
      costAmount: formatMoney(cost),
      sellAmount: sell ? formatMoney(sell) : null,
    })),
    costTotal: formatMoney(costTotal),
    sellTotal: kind === 'client' ? formatMoney(sellTotal) : null,
    budgetColumn: kind === 'internal' ? 'budget_transfers' : 'approved_changes',
    budgetImpact: [...byCode].map(([costCodeId, amount]) => ({ costCodeId, amount: formatMoney(amount) })),
    absoluteCostChange: formatMoney(costTotal.abs()),
    routingAmount: formatMoney(kind === 'internal' ? moved : costTotal.abs()),
  };
}
