import { DomainError } from '@/server/errors';
import { parseAmount, parsePercent, parseRate } from '@/server/lib/decimal-input';
import { formatMoney, roundMoney } from '@/server/lib/money';

/**
 * Billing milestone money, DOMAIN §5. A percent milestone is priced against the revised contract
 * value passed in, so the service calls this at release time and stores the result: later client
 * COs do not silently reprice a milestone that has already been invoiced.
 */
export type MilestoneAmountBasis =
  { basis: 'fixed'; amount: string } | { basis: 'percent'; percentOfContract: string };

export function calculateMilestoneAmount(input: {
  amount: MilestoneAmountBasis;
  revisedContractValue: string;
}): string {
  if (input.amount.basis === 'fixed')
    return formatMoney(parseAmount(input.amount.amount, 'Milestone amount', 'positive'));
  const percent = parsePercent(input.amount.percentOfContract, 'Milestone percent of contract');
  if (percent.isZero())
    throw new DomainError('VALIDATION', 'Milestone percent of contract must be greater than zero.');
  const contract = parseAmount(input.revisedContractValue, 'Revised contract value', 'non_negative');
  return formatMoney(contract.times(percent).dividedBy(100));
}

export type MilestoneInvoiceLine =
  | { kind: 'milestone'; description: string; amount: string }
  /** On the retention-receivable account; negative, the client keeps it until release. */
  | { kind: 'client_retention'; description: string; amount: string };

export type MilestoneInvoice = {
  grossAmount: string;
  retentionAmount: string;
  netAmount: string;
  lines: MilestoneInvoiceLine[];
};

/** The customer invoice for a released milestone: the amount less client retention, if the contract has it. */
export function buildMilestoneInvoice(input: {
  description: string;
  milestoneAmount: string;
  clientRetentionRate: string;
}): MilestoneInvoice {
  const gross = parseAmount(input.milestoneAmount, 'Milestone amount', 'positive');
  const retention = roundMoney(gross.times(parseRate(input.clientRetentionRate, 'Client retention rate')));
  const lines: MilestoneInvoiceLine[] = [
    { kind: 'milestone', description: input.description, amount: formatMoney(gross) },
  ];
  if (!retention.isZero())
    lines.push({
      kind: 'client_retention',
      description: 'Retention',
      amount: formatMoney(retention.negated()),
    });
  return {
    grossAmount: formatMoney(gross),
    retentionAmount: formatMoney(retention),
    netAmount: formatMoney(gross.minus(retention)),
    lines,
  };
}

/**
 * The release guard: billing would exceed the revised contract value. `alreadyBilled` is the gross
 * amount (before retention: retention is billed, only paid later) of every other milestone already
 * released, invoiced or paid.
 */
export function assertMilestoneReleaseWithinContract(input: {
  milestoneAmount: string;
  alreadyBilled: string;
  revisedContractValue: string;
}): void {
  const amount = parseAmount(input.milestoneAmount, 'Milestone amount', 'positive');
  const billed = parseAmount(input.alreadyBilled, 'Already billed', 'non_negative');
  const contract = parseAmount(input.revisedContractValue, 'Revised contract value', 'non_negative');
  if (billed.plus(amount).greaterThan(contract)) {
    const remaining = contract.minus(billed);
    throw new DomainError(
      'RELEASE_REFUSED',
      `Billing would exceed the revised contract value: ${formatMoney(amount)} to release, ${formatMoney(remaining)} left to bill of ${formatMoney(contract)}.`,
      { reason: 'exceeds_contract_value', remaining: formatMoney(remaining) },
    );
  }
}
