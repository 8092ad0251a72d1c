import type {
  ClaimCalculation,
  ClaimInput,
  ClaimLineInput,
  PreviousApprovedClaim,
  RetentionTerms,
} from './claim.types';

/**
 * Test fixtures shared by the claim tests: the DOMAIN §4 worked example. Subcontract 200,000.00
 * (two PO lines) plus an approved commitment CO of 15,000.00 as a third SOV line; retention 10 %
 * on work capped at 5 % of the revised value.
 */
export const workedExampleTerms: RetentionTerms = {
  rate: '0.10',
  materialsRate: '0.10',
  reducedRate: null,
  cap: { basis: 'revised', rate: '0.05' },
};

const sov = [
  { sovLineId: 'sov-1', description: 'Groundworks', scheduledValue: '120000.00', odooPoLineId: 101 },
  { sovLineId: 'sov-2', description: 'Drainage', scheduledValue: '80000.00', odooPoLineId: 102 },
  {
    sovLineId: 'sov-3',
    description: 'CO-0001 Extra attenuation tank',
    scheduledValue: '15000.00',
    odooPoLineId: 103,
  },
] as const;

/** Certified to date per SOV line, claim by claim. */
export function claimLines(previous: readonly string[], certified: readonly string[]): ClaimLineInput[] {
  return sov.map((line, i) => ({
    ...line,
    previousCertifiedToDate: previous[i] ?? '0',
    claimedToDate: certified[i] ?? '0',
    certifiedToDate: certified[i] ?? '0',
    analyticDistribution: { [`35,${41 + i}`]: 100 },
  }));
}

export function claimInput(overrides: Partial<ClaimInput> & Pick<ClaimInput, 'lines'>): ClaimInput {
  return {
    type: 'progress',
    subcontractOriginalValue: '200000.00',
    retention: workedExampleTerms,
    materialsStoredToDate: '0',
    materialsAnalyticDistribution: { '35': 100 },
    deductionsThisClaim: [],
    retentionRelease: null,
    previous: null,
    ...overrides,
  };
}

/** What the service stores on an approved claim and hands to the next one. */
export function previousOf(result: ClaimCalculation): PreviousApprovedClaim {
  return {
    materialsStoredToDate: result.materialsStoredToDate,
    retentionHeldToDate: result.retention.heldToDate,
    retentionReleasedToDate: result.retention.releasedToDate,
    deductionsToDate: result.deductionsToDate,
    netToDate: result.netToDate,
  };
}

export const claim1Certified = ['40000.00', '18000.00', '0.00'];
export const claim2Certified = ['80000.00', '36000.00', '8000.00'];
export const claim3Certified = ['120000.00', '80000.00', '15000.00'];
export const backCharge = {
  deductionId: 'ded-1',
  description: 'Back-charge: damaged kerbs',
  amount: '1500.00',
};
