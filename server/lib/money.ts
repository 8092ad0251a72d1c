import Decimal from 'decimal.js';

/**
 * Money is never a JS number. Values cross the edges as strings ("1234.50"), are stored as
 * numeric(14,2) and computed with a dedicated Decimal clone so no other module's settings leak in.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = InstanceType<typeof Money>;

export function toMoney(value: Decimal.Value): Money {
  return new Money(value);
}

/** Round to cents, half away from zero (commercial rounding). */
export function roundMoney(value: Decimal.Value): Money {
  return new Money(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** The canonical string form used on the wire and in the database: always two decimals. */
export function formatMoney(value: Decimal.Value): string {
  return roundMoney(value).toFixed(2);
}

export function sumMoney(values: Iterable<Decimal.Value>): Money {
  let total = new Money(0);
  for (const value of values) total = total.plus(value);
  return total;
}

export function minMoney(a: Decimal.Value, b: Decimal.Value): Money {
  return Money.min(a, b);
}

export function maxMoney(a: Decimal.Value, b: Decimal.Value): Money {
  return Money.max(a, b);
}
