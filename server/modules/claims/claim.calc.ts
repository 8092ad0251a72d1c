import { DomainError } from '@/server/errors';
import { formatPercent, parseAmount } from '@/server/lib/decimal-input';
import { formatMoney, Money, sumMoney } from '@/server/lib/money';
import type {
  ClaimCalculation,
  ClaimInput,
  ClaimLineInput,
  PreviousApprovedClaim,
  VendorBillLine,
} from './claim.types';
import { calculateRelease, calculateRetained, type RetentionBasis } from './retention.calc';

/**
 * Subcontractor claim money, DOMAIN §4. Everything is computed cumulatively to date and the amount
 * due is the difference of two cumulative nets, so the sum of every claim's due always equals the
 * latest net to date to the cent, whatever rounding happened on the way.
 */
type ParsedLine = {
  input: ClaimLineInput;
  scheduled: Money;
  previous: Money;
  claimed: Money;
  certified: Money;
};

function parseLine(line: ClaimLineInput): ParsedLine {
  const label = `SOV line "${line.description}"`;
  const parsed = {
    input: line,
    scheduled: parseAmount(line.scheduledValue, `${label} scheduled value`, 'non_negative'),
    previous: parseAmount(line.previousCertifiedToDate, `${label} previous certified`, 'non_negative'),
    claimed: parseAmount(line.claimedToDate, `${label} claimed to date`, 'non_negative'),
    certified: parseAmount(line.certifiedToDate, `${label} certified to date`, 'non_negative'),
  };
  if (parsed.certified.greaterThan(parsed.scheduled)) {
    throw new DomainError(
      'CLAIM_EXCEEDS_SOV',
      `${label}: certified ${parsed.certified.toFixed(2)} is above its scheduled value ${parsed.scheduled.toFixed(2)}.`,
      { sovLineId: line.sovLineId },
    );
  }
  if (parsed.certified.lessThan(parsed.previous) && !line.reductionReason?.trim()) {
    throw new DomainError(
      'REASON_REQUIRED',
      `${label}: certifying below the previous certified value needs a reason.`,
      {
        sovLineId: line.sovLineId,
      },
    );
  }
  return parsed;
}

type LineFigures = Pick<ParsedLine, 'scheduled' | 'previous' | 'claimed' | 'certified'>;

/** The grid / payment-certificate columns, for one line or for the whole claim. */
function describeFigures(l: LineFigures): ClaimCalculation['totals'] {
  return {
    scheduledValue: formatMoney(l.scheduled),
    previousCertifiedToDate: formatMoney(l.previous),
    thisPeriod: formatMoney(l.certified.minus(l.previous)),
    certifiedToDate: formatMoney(l.certified),
    claimedToDate: formatMoney(l.claimed),
    percentComplete: formatPercent(l.certified, l.scheduled),
    balance: formatMoney(l.scheduled.minus(l.certified)),
  };
}

type ParsedPrevious = { materials: Money; held: Money; released: Money; deductions: Money; net: Money };

function parsePrevious(prev: PreviousApprovedClaim | null, previousWork: Money): ParsedPrevious {
  if (!prev)
    return {
      materials: new Money(0),
      held: new Money(0),
      released: new Money(0),
      deductions: new Money(0),
      net: new Money(0),
    };
  const parsed = {
    materials: parseAmount(prev.materialsStoredToDate, 'Previous materials stored'),
    held: parseAmount(prev.retentionHeldToDate, 'Previous retention held'),
    released: parseAmount(prev.retentionReleasedToDate, 'Previous retention released'),
    deductions: parseAmount(prev.deductionsToDate, 'Previous deductions'),
    net: parseAmount(prev.netToDate, 'Previous net to date'),
  };
  // The bill adds up to the amount due only if the previous claim's stored net is what its own
  // figures say. A mismatch means corrupted history: stop rather than issue a wrong bill.
  const rebuilt = previousWork.plus(parsed.materials).minus(parsed.held).minus(parsed.deductions);
  if (!rebuilt.equals(parsed.net)) {
    throw new DomainError(
      'CONFLICT',
      'The previous approved claim does not reconcile with its own figures; this claim cannot be calculated.',
      {
        storedNet: parsed.net.toFixed(2),
        rebuiltNet: rebuilt.toFixed(2),
      },
    );
  }
  return parsed;
}

/** A retention_release claim has its own approval and bill, so nothing else may ride on it. */
function assertReleaseOnly(
  input: ClaimInput,
  lines: ParsedLine[],
  materials: Money,
  previousMaterials: Money,
): void {
  const moves = lines.some((l) => !l.certified.equals(l.previous)) || !materials.equals(previousMaterials);
  if (moves || input.deductionsThisClaim.length > 0 || !input.retentionRelease) {
    throw new DomainError(
      'VALIDATION',
      'A retention release claim releases retention only: no work, materials or deductions move in it.',
    );
  }
}

export function calculateClaim(input: ClaimInput): ClaimCalculation {
  const ids = new Set(input.lines.map((l) => l.sovLineId));
  if (ids.size !== input.lines.length)
    throw new DomainError('VALIDATION', 'A claim has one line per SOV line.');
  const lines = input.lines.map(parseLine);
  const total = (pick: (l: ParsedLine) => Money) => sumMoney(lines.map(pick));
  const work = total((l) => l.certified);
  const previousWork = total((l) => l.previous);
  const materials = parseAmount(input.materialsStoredToDate, 'Materials stored to date', 'non_negative');
  const deductionsThisClaim = sumMoney(
    input.deductionsThisClaim.map((d) => parseAmount(d.amount, `Deduction "${d.description}"`)),
  );

  const previous = parsePrevious(input.previous, previousWork);
  if (input.type === 'retention_release') assertReleaseOnly(input, lines, materials, previous.materials);

  const basis: RetentionBasis = {
    terms: input.retention,
    work,
    materials,
    revisedValue: total((l) => l.scheduled),
    originalValue: parseAmount(input.subcontractOriginalValue, 'Subcontract original value', 'non_negative'),
  };
  const retained = calculateRetained(basis);
  const heldBeforeRelease = retained.retained.minus(previous.released);
  if (heldBeforeRelease.isNegative() && !heldBeforeRelease.isZero()) {
    // Certified work fell after retention was released: more has gone out than the terms would hold.
    throw new DomainError(
      'RETENTION_RELEASE_EXCEEDS_HELD',
      `Retention already released (${previous.released.toFixed(2)}) is more than the terms retain on the work certified (${retained.retained.toFixed(2)}); recover the difference with a deduction.`,
    );
  }
  const released = calculateRelease(input.retentionRelease, heldBeforeRelease);
  const held = heldBeforeRelease.minus(released);

  const completed = work.plus(materials);
  const deductions = previous.deductions.plus(deductionsThisClaim);
  const net = completed.minus(held).minus(deductions);
  return {
    type: input.type,
    lines: lines.map((l) => ({
      sovLineId: l.input.sovLineId,
      description: l.input.description,
      ...describeFigures(l),
    })),
    totals: describeFigures({
      scheduled: basis.revisedValue,
      previous: previousWork,
      claimed: total((l) => l.claimed),
      certified: work,
    }),
    materialsStoredToDate: formatMoney(materials),
    materialsThisPeriod: formatMoney(materials.minus(previous.materials)),
    completedToDate: formatMoney(completed),
    retention: {
      workRetention: formatMoney(retained.work),
      materialsRetention: formatMoney(retained.materials),
      cap: retained.cap ? formatMoney(retained.cap) : null,
      retainedToDate: formatMoney(retained.retained),
      releasedToDate: formatMoney(previous.released.plus(released)),
      releasedThisClaim: formatMoney(released),
      heldBeforeRelease: formatMoney(heldBeforeRelease),
      heldToDate: formatMoney(held),
      heldPrevious: formatMoney(previous.held),
      movementThisClaim: formatMoney(held.minus(previous.held)),
    },
    deductionsThisClaim: formatMoney(deductionsThisClaim),
    deductionsToDate: formatMoney(deductions),
    netToDate: formatMoney(net),
    previousNetToDate: formatMoney(previous.net),
    dueThisClaim: formatMoney(net.minus(previous.net)),
  };
}

/**
 * The draft vendor bill of DOMAIN §4 "Odoo effect": this period's amount per SOV line (linked to
 * its PO line, with its analytic distribution), the materials-on-site movement, the retention
 * movement (negative while retention grows, positive when released) and each deduction approved
 * in this claim (negative). Zero lines are left out, so a retention release bill has exactly one
 * positive retention line. The lines add up to dueThisClaim by construction; the check below
 * turns a future regression into a loud failure rather than a wrong bill.
 */
export function buildVendorBillLines(input: ClaimInput): VendorBillLine[] {
  const claim = calculateClaim(input);
  const bill: VendorBillLine[] = [];
  input.lines.forEach((line, index) => {
    const amount = claim.lines[index]?.thisPeriod ?? '0.00';
    bill.push({
      kind: 'sov',
      sovLineId: line.sovLineId,
      description: line.description,
      amount,
      odooPoLineId: line.odooPoLineId,
      analyticDistribution: line.analyticDistribution,
    });
  });
  bill.push({
    kind: 'materials_on_site',
    description: 'Materials stored on site',
    amount: claim.materialsThisPeriod,
    analyticDistribution: input.materialsAnalyticDistribution,
  });
  const movement = new Money(claim.retention.movementThisClaim);
  bill.push({
    kind: 'retention',
    description: movement.isPositive() ? 'Retention held' : 'Retention released',
    amount: formatMoney(movement.negated()),
  });
  for (const d of input.deductionsThisClaim) {
    bill.push({
      kind: 'deduction',
      deductionId: d.deductionId,
      description: d.description,
      amount: formatMoney(new Money(d.amount).negated()),
    });
  }
  const lines = bill.filter((l) => !new Money(l.amount).isZero());
  if (!sumMoney(lines.map((l) => l.amount)).equals(claim.dueThisClaim)) {
    throw new Error(`Vendor bill lines do not add up to the amount due ${claim.dueThisClaim}`);
  }
  return lines;
}
