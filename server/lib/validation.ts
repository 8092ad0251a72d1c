import { z } from 'zod';

/** Money at the edge: a non-negative decimal string with at most two decimals, never a float. */
export const moneyInput = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'Enter an amount with at most two decimals, e.g. 1250.00 (no negatives).');

/** Signed money, for adjustments and deductions where the sign carries meaning. */
export const signedMoneyInput = z
  .string()
  .trim()
  .regex(/^-?\d{1,12}(\.\d{1,2})?$/, 'Enter an amount with at most two decimals, e.g. -1250.00.');

export const rateInput = z
  .string()
  .trim()
  .regex(
    /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/,
    'Enter a rate between 0 and 1 with at most four decimals, e.g. 0.05.',
  );

export const currencyInput = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, 'Use a three-letter ISO currency code, e.g. GBP.');

export const idInput = z.string().uuid('Not a valid identifier.');

export const nameInput = z.string().trim().min(1, 'Required.').max(200, 'At most 200 characters.');
export const commentInput = z.string().trim().max(2000, 'At most 2000 characters.');
export const versionInput = z.number().int().min(1);

/** A calendar date (YYYY-MM-DD) that exists: `2026-13-45` or `2026-02-30` is refused here, not by PostgreSQL. */
export const dateInput = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD.')
  .refine((value) => {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    return (
      year >= 1900 &&
      year <= 2999 &&
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day
    );
  }, 'Not a real date (YYYY-MM-DD, years 1900–2999).');
