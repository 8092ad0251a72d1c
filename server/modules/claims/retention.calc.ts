import { DomainError } from '@/server/errors';
import { parseAmount, parsePercent, parseRate } from '@/server/lib/decimal-input';
import { Money, roundMoney } from '@/server/lib/money';
import type { RetentionCap, RetentionReleaseRequest, RetentionTerms } from './claim.types';

/**
 * Retention of DOMAIN §4, cumulative to date so rounding never drifts between claims:
 *   retained = min(round(work retention) + round(materials × materials rate), cap)
 *   held     = retained − released to date
 *
 * Reduced rate (a choice, documented): work up to the threshold keeps the full rate and only the
 * work beyond it retains at the reduced rate. Retention then never falls as work grows, so money
 * leaves retention only through a release the finance gate approves, never as a side effect of
 * crossing the threshold.
 */
export type RetentionBasis = {
  terms: RetentionTerms;
  work: Money;
  materials: Money;
  /** Σ scheduled values (the revised subcontract value). */
  revisedValue: Money;
  originalValue: Money;
};

function calculateWorkRetention(basis: RetentionBasis): Money {
  const { terms, work, revisedValue } = basis;
  const rate = parseRate(terms.rate, 'Retention rate');
  if (!terms.reducedRate) return roundMoney(work.times(rate));
  const reduced = parseRate(terms.reducedRate.rate, 'Reduced retention rate');
  const threshold = revisedValue
    .times(parsePercent(terms.reducedRate.afterPercentComplete, 'Reduced rate threshold'))
    .dividedBy(100);
  const atFullRate = Money.min(work, threshold);
  const atReducedRate = Money.max(work.minus(threshold), 0);
  return roundMoney(atFullRate.times(rate).plus(atReducedRate.times(reduced)));
}

function calculateRetentionCap(cap: RetentionCap | null, basis: RetentionBasis): Money | null {
  if (!cap) return null;
  if (cap.basis === 'fixed') return parseAmount(cap.amount, 'Retention cap', 'non_negative');
  const value = cap.basis === 'original' ? basis.originalValue : basis.revisedValue;
  return roundMoney(value.times(parseRate(cap.rate, 'Retention cap rate')));
}

export type Retained = { work: Money; materials: Money; cap: Money | null; retained: Money };

/** What the terms retain on the work and materials to date, before any release. */
export function calculateRetained(basis: RetentionBasis): Retained {
  const work = calculateWorkRetention(basis);
  const materials = roundMoney(
    basis.materials.times(parseRate(basis.terms.materialsRate, 'Materials retention rate')),
  );
  const cap = calculateRetentionCap(basis.terms.cap, basis);
  const uncapped = work.plus(materials);
  return { work, materials, cap, retained: cap ? Money.min(uncapped, cap) : uncapped };
}

/** How much this claim releases, refusing anything above what is held. */
export function calculateRelease(request: RetentionReleaseRequest | null, heldBeforeRelease: Money): Money {
  if (!request) return new Money(0);
  const amount =
    request.stage === 'practical_completion'
      ? roundMoney(heldBeforeRelease.dividedBy(2))
      : request.stage === 'end_of_defects'
        ? heldBeforeRelease
        : parseAmount(request.amount, 'Retention release', 'positive');
  if (amount.greaterThan(heldBeforeRelease)) {
    throw new DomainError(
      'RETENTION_RELEASE_EXCEEDS_HELD',
      `A release of ${amount.toFixed(2)} is more than the ${heldBeforeRelease.toFixed(2)} retention held.`,
      { requested: amount.toFixed(2), held: heldBeforeRelease.toFixed(2) },
    );
  }
  if (!amount.greaterThan(0)) throw new DomainError('VALIDATION', 'There is no retention held to release.');
  return amount;
}
