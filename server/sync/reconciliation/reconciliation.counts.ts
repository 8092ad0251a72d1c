import type { ReconciliationCounts } from '@/db/schema';

export type TypeCounts = ReconciliationCounts[string];

export function emptyTypeCounts(): TypeCounts {
  return {
    checked: 0,
    matched: 0,
    missing: 0,
    duplicated: 0,
    amountChanged: 0,
    stateChanged: 0,
    cancelled: 0,
    resolved: 0,
    failed: 0,
  };
}
