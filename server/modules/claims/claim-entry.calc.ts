import { parseAmount, parsePercent } from '@/server/lib/decimal-input';
import { formatMoney } from '@/server/lib/money';

/**
 * Claimed to date entered as a percent of the line's scheduled value becomes an amount here, on the
 * server, rounded half-up to the cent; the amount is what is stored, so the grid, the certificate and
 * the bill all read one figure.
 */
export function claimedFromPercent(scheduledValue: string, percent: string): string {
  const scheduled = parseAmount(scheduledValue, 'Scheduled value', 'non_negative');
  return formatMoney(scheduled.times(parsePercent(percent, 'Claimed percent')).dividedBy(100));
}

/** The reference a claim's vendor bill carries: the claim reference, with the revision after the first. */
export function claimBillReference(reference: string, revision: number): string {
  return revision > 1 ? `${reference}-R${revision}` : reference;
}

export function formatClaimReference(subcontractReference: string, number: number): string {
  return `CLM-${subcontractReference}-${String(number).padStart(3, '0')}`;
}

/**
 * A claim application's running figures as it is typed (the subcontractor's form): the sum of the
 * lines' amounts and one line's change on the period, in decimals like the server. An amount that
 * is not (yet) a number gives null, shown as "—" until it is.
 */
export function claimedTotal(amounts: readonly (string | null)[]): string | null {
  try {
    if (amounts.some((a) => a === null)) return null;
    return formatMoney(
      amounts.reduce((sum, a) => sum.plus(parseAmount(a!, 'Claimed')), parseAmount('0', 'Claimed')),
    );
  } catch {
    return null;
  }
}

export function claimedThisPeriod(claimedToDate: string | null, previousCertified: string): string | null {
  if (claimedToDate === null) return null;
  try {
    return formatMoney(
      parseAmount(claimedToDate, 'Claimed').minus(parseAmount(previousCertified, 'Previous')),
    );
  } catch {
    return null;
  }
}
