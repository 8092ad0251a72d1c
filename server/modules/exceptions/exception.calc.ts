import { toMoney } from '@/server/lib/money';

export type ExceptionSeverity = 'low' | 'medium' | 'high' | 'critical';

const ORDER: ExceptionSeverity[] = ['low', 'medium', 'high', 'critical'];

/**
 * Severity from the amount at stake (absolute value, in the organisation's currency):
 *   below 10,000 → low · below 100,000 → medium · below 1,000,000 → high · from 1,000,000 → critical.
 * An unknown amount is 'medium': we cannot say it is small, and it still needs a person.
 * Boundaries belong to the upper band (exactly 10,000.00 is medium).
 */
export const SEVERITY_THRESHOLDS = { medium: '10000', high: '100000', critical: '1000000' } as const;

export function severityForAmount(amount: string | null | undefined): ExceptionSeverity {
  if (amount === null || amount === undefined || amount.trim() === '') return 'medium';
  const value = toMoney(amount).abs();
  if (value.greaterThanOrEqualTo(SEVERITY_THRESHOLDS.critical)) return 'critical';
  if (value.greaterThanOrEqualTo(SEVERITY_THRESHOLDS.high)) return 'high';
  if (value.greaterThanOrEqualTo(SEVERITY_THRESHOLDS.medium)) return 'medium';
  return 'low';
}

/** The higher of two severities (a configuration fault blocks every sync: never below 'high'). */
export function maxSeverity(a: ExceptionSeverity, b: ExceptionSeverity | undefined): ExceptionSeverity {
  if (!b) return a;
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** Finance's ageing buckets (issue 7): 0–1 d, 1–3 d, 3–7 d, over 7 d, by first seen. */
export type AgeBucket = 'under_1d' | '1_3d' | '3_7d' | 'over_7d';

export const AGE_BUCKETS: { value: AgeBucket; label: string }[] = [
  { value: 'under_1d', label: '0–1 day' },
  { value: '1_3d', label: '1–3 days' },
  { value: '3_7d', label: '3–7 days' },
  { value: 'over_7d', label: 'Over 7 days' },
];
