import { DomainError } from '@/server/errors';
import { Money } from './money';

/**
 * Parsing of decimal strings at the edge of the pure calculations. Every calculation input is a
 * string (never a JS number, so nothing is ever a float); a malformed or over-precise value is a
 * VALIDATION error naming the field, not a decimal.js exception that would surface as a 500.
 *
 * Naming convention used across the calc modules:
 *   `*Amount`/values  money, at most 2 decimals (numeric(14,2))
 *   `*Rate`           a fraction, "0.10" = 10 %, at most 4 decimals (numeric(7,4))
 *   `*Percent`        a percentage, "50" = 50 %, at most 4 decimals
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;
// numeric(14,2) holds values below 10^12; refusing bigger ones here keeps the DB write from failing later.
const MAX_ABS = new Money('1e12');

type Sign = 'any' | 'non_negative' | 'positive';

function parseDecimal(value: unknown, field: string, decimals: number, sign: Sign): Money {
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) {
    throw new DomainError('VALIDATION', `${field} must be a decimal number written as a string.`, { field });
  }
  const parsed = new Money(value.trim());
  if (parsed.decimalPlaces() > decimals) {
    throw new DomainError('VALIDATION', `${field} allows at most ${decimals} decimals.`, { field });
  }
  if (parsed.abs().greaterThanOrEqualTo(MAX_ABS)) {
    throw new DomainError('VALIDATION', `${field} is too large.`, { field });
  }
  if (sign === 'non_negative' && parsed.isNegative() && !parsed.isZero()) {
    throw new DomainError('VALIDATION', `${field} cannot be negative.`, { field });
  }
  if (sign === 'positive' && !parsed.greaterThan(0)) {
    throw new DomainError('VALIDATION', `${field} must be greater than zero.`, { field });
  }
  return parsed;
}

/**
 * A computed amount (a line cost, a total) must fit numeric(14,2) too: a product or a sum of valid
 * inputs can overflow it, which PostgreSQL would refuse with a 500. `field` names the input field.
 */
export function ensureStorableAmount(value: Money, field: string, label: string): Money {
  if (value.abs().greaterThanOrEqualTo(MAX_ABS)) {
    throw new DomainError('VALIDATION', `${label} is too large: amounts must stay below 1,000,000,000,000.`, {
      field,
    });
  }
  return value;
}

/** Money: at most 2 decimals. */
export function parseAmount(value: string, field: string, sign: Sign = 'any'): Money {
  return parseDecimal(value, field, 2, sign);
}

/** A quantity: at most 4 decimals (numeric(14,4)). */
export function parseQuantity(value: string, field: string): Money {
  return parseDecimal(value, field, 4, 'any');
}

/** A rate as a fraction between 0 and 1 inclusive, at most 4 decimals. */
export function parseRate(value: string, field: string): Money {
  const rate = parseDecimal(value, field, 4, 'non_negative');
  if (rate.greaterThan(1))
    throw new DomainError('VALIDATION', `${field} must be between 0 and 1.`, { field });
  return rate;
}

/** A percentage between 0 and 100 inclusive, at most 4 decimals. */
export function parsePercent(value: string, field: string): Money {
  const percent = parseDecimal(value, field, 4, 'non_negative');
  if (percent.greaterThan(100))
    throw new DomainError('VALIDATION', `${field} must be between 0 and 100.`, { field });
  return percent;
}

/** numerator / denominator as a percentage with 2 decimals; null when the denominator is zero. */
export function formatPercent(numerator: Money, denominator: Money): string | null {
  if (denominator.isZero()) return null;
  return numerator.times(100).dividedBy(denominator).toDecimalPlaces(2, Money.ROUND_HALF_UP).toFixed(2);
}
