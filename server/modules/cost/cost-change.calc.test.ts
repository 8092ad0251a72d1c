import { describe, expect, it } from 'vitest';
import { explainCostChange, type CostChangeRow } from './cost-change.calc';

/** DOMAIN §7 worked cost code as last month's row. */
const before: CostChangeRow = {
  costCodeId: 'cc-03',
  code: '03-300',
  name: 'Concrete',
  originalBudget: '230000.00',
  budgetTransfers: '-8000.00',
  approvedChanges: '15000.00',
  pendingChanges: '6000.00',
  pendingChangesProceeding: '1000.00',
  committed: '227000.00',
  committedFromChangeOrders: '5000.00',
  pendingCommitmentChanges: '5000.00',
  actual: '141000.00',
  directCost: '9000.00',
  forecastMethod: 'automatic',
  forecastAmount: null,
  earnedValue: null,
  forecastReason: null,
};

describe('explainCostChange', () => {
  it('nothing changed: no change, every cause zero', () => {
    const result = explainCostChange([before], [before]);
    expect(result).toMatchObject({
      previousEac: '243000.00',
      currentEac: '243000.00',
      change: '0.00',
      codes: [],
    });
    expect(Object.values(result.causes).every((v) => v === '0.00')).toBe(true);
  });

  it('approving a pending commitment CO moves nothing: it was already in the EAC', () => {
    const after = {
      ...before,
      approvedChanges: '20000.00',
      pendingChanges: '1000.00',
      committed: '232000.00',
      committedFromChangeOrders: '10000.00',
      pendingCommitmentChanges: '0.00',
    };
    expect(explainCostChange([before], [after]).causes.change_orders).toBe('0.00');
  });

  it('a commitment inside the automatic remainder moves nothing; beyond it, the overrun is the commitment’s', () => {
    expect(explainCostChange([before], [{ ...before, committed: '228000.00' }]).change).toBe('0.00');
    const result = explainCostChange([before], [{ ...before, committed: '232000.00' }]);
    expect(result).toMatchObject({
      change: '3000.00',
      causes: { commitments: '3000.00', actuals: '0.00', forecast: '0.00' },
    });
  });

  it('splits several causes, which add up to the change exactly', () => {
    const after: CostChangeRow = {
      ...before,
      directCost: '12500.00',
      actual: '144500.00',
      committed: '230000.00',
      forecastMethod: 'manual',
      forecastAmount: '9000.00',
      forecastReason: 'Pump hire',
    };
    const result = explainCostChange([before], [after]);
    // commitments 227→230k: locked 241k→244k exceeds PB 243k by 1k; actuals +3.5k direct; manual FTC 9k on top
    expect(result.causes).toEqual({
      baseline: '0.00',
      change_orders: '0.00',
      commitments: '1000.00',
      actuals: '3500.00',
      forecast: '9000.00',
    });
    expect(result).toMatchObject({ previousEac: '243000.00', currentEac: '256500.00', change: '13500.00' });
  });

  it('a code that is new since the snapshot counts from zero', () => {
    const added: CostChangeRow = {
      ...before,
      costCodeId: 'cc-new',
      code: '20-100',
      originalBudget: '5000.00',
      budgetTransfers: '0',
      approvedChanges: '0',
      pendingChanges: '0',
      pendingChangesProceeding: '0',
      committed: '0',
      committedFromChangeOrders: '0',
      pendingCommitmentChanges: '0',
      actual: '0',
      directCost: '0',
    };
    const result = explainCostChange([before], [before, added]);
    expect(result).toMatchObject({
      change: '5000.00',
      causes: { baseline: '5000.00' },
      codes: [{ code: '20-100', change: '5000.00' }],
    });
  });
});
