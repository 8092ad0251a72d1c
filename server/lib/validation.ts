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
