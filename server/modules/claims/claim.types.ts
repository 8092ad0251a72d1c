/**
 * Input and output shapes of the claim calculation (DOMAIN §4). Money is a string with at most 2
 * decimals, rates are fractions ("0.10"), percents are percentages ("50"). Every figure is
 * cumulative to date; "previous" always means the last claim of the subcontract that reached
 * `approved`, so rejected and draft claims never shift the baseline.
 */
export type ClaimType = 'progress' | 'retention_release';

/** Cap on retention: a rate of the original or revised subcontract value, or a fixed amount. */
export type RetentionCap =
  { basis: 'original' | 'revised'; rate: string } | { basis: 'fixed'; amount: string };

export type RetentionTerms = {
  /** On certified work. */
  rate: string;
  /** On materials stored on site. */
  materialsRate: string;
  /** Work beyond `afterPercentComplete` % of the revised value retains at `rate` instead. */
  reducedRate: { rate: string; afterPercentComplete: string } | null;
  cap: RetentionCap | null;
};

/** Odoo's analytic_distribution JSON: `{"35,41": 100}` (account ids per plan → percentage). */
export type AnalyticDistribution = Readonly<Record<string, number>>;

export type ClaimLineInput = {
  sovLineId: string;
  description: string;
  /** SOV line value including approved commitment COs. */
  scheduledValue: string;
  /** Certified to date on the previous approved claim; "0" for a line added since. */
  previousCertifiedToDate: string;
  claimedToDate: string;
  certifiedToDate: string;
  /** Required when certifiedToDate is below previousCertifiedToDate. */
  reductionReason?: string | null;
  odooPoLineId: number | null;
  analyticDistribution: AnalyticDistribution | null;
};

/** A back-charge or contra charge approved in this claim (a negative amount reverses one). */
export type ClaimDeductionInput = { deductionId: string; description: string; amount: string };

/** The stored figures of the previous approved claim. */
export type PreviousApprovedClaim = {
  materialsStoredToDate: string;
  retentionHeldToDate: string;
  retentionReleasedToDate: string;
  deductionsToDate: string;
  netToDate: string;
};

/** Practical completion releases half of what is held, end of defects the rest (DOMAIN §4). */
export type RetentionReleaseRequest =
  { stage: 'practical_completion' } | { stage: 'end_of_defects' } | { stage: 'amount'; amount: string };

export type ClaimInput = {
  type: ClaimType;
  subcontractOriginalValue: string;
  retention: RetentionTerms;
  lines: readonly ClaimLineInput[];
  materialsStoredToDate: string;
  /** Where a materials-on-site movement is booked on the bill (no PO line yet). */
  materialsAnalyticDistribution: AnalyticDistribution | null;
  deductionsThisClaim: readonly ClaimDeductionInput[];
  /** Required on a retention_release claim; allowed on a progress claim (DOMAIN §4 worked example, claim 3). */
  retentionRelease: RetentionReleaseRequest | null;
  previous: PreviousApprovedClaim | null;
};

/** One grid / payment-certificate row. */
export type ClaimLineResult = {
  sovLineId: string;
  description: string;
  scheduledValue: string;
  previousCertifiedToDate: string;
  thisPeriod: string;
  certifiedToDate: string;
  claimedToDate: string;
  /** certified / scheduled as a percentage with 2 decimals; null on a zero-value line. */
  percentComplete: string | null;
  balance: string;
};

export type ClaimRetentionResult = {
  /** round(work × rate), with the reduced rate above its threshold. */
  workRetention: string;
  /** round(materials × materials rate). */
  materialsRetention: string;
  cap: string | null;
  /** min(work + materials retention, cap). */
  retainedToDate: string;
  /** Released to date, this claim's release included. */
  releasedToDate: string;
  releasedThisClaim: string;
  heldBeforeRelease: string;
  /** retainedToDate − releasedToDate. */
  heldToDate: string;
  heldPrevious: string;
  /** heldToDate − heldPrevious: positive when more is withheld, negative when released. */
  movementThisClaim: string;
};

export type ClaimCalculation = {
  type: ClaimType;
  lines: ClaimLineResult[];
  totals: Omit<ClaimLineResult, 'sovLineId' | 'description'>;
  materialsStoredToDate: string;
  materialsThisPeriod: string;
  completedToDate: string;
  retention: ClaimRetentionResult;
  deductionsThisClaim: string;
  deductionsToDate: string;
  netToDate: string;
  previousNetToDate: string;
  dueThisClaim: string;
};

/** A line of the draft vendor bill, as plain data; the Odoo mapper picks accounts and shapes it. */
export type VendorBillLine =
  | {
      kind: 'sov';
      sovLineId: string;
      description: string;
      amount: string;
      odooPoLineId: number | null;
      analyticDistribution: AnalyticDistribution | null;
    }
  | {
      kind: 'materials_on_site';
      description: string;
      amount: string;
      analyticDistribution: AnalyticDistribution | null;
    }
  /** On the configured retention-payable account. */
  | { kind: 'retention'; description: string; amount: string }
  | { kind: 'deduction'; deductionId: string; description: string; amount: string };
