import { isDomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney } from '@/server/lib/money';
import { moneyInput } from '@/server/lib/validation';
import { calculateClaim } from './claim.calc';
import { claimedFromPercent } from './claim-entry.calc';
import type { ClaimCalculation, ClaimInput } from './claim.types';

/**
 * The grid's live figures while the QS (or the subcontractor's QS) types: the very calculation the
 * server runs on certify (`calculateClaim`, imported as is by the browser), fed with the figures on
 * screen instead of the stored ones. Nothing here computes money of its own: it checks each typed
 * value with the server's input schema, substitutes it into the server's calculation input, and
 * reports per line what the server would refuse, so the message sits on the line, not at the top.
 */
export type PreviewEntry = {
  mode: 'claim' | 'certify';
  /** claim mode: claimed to date as typed (amount or percent of scheduled). */
  claimed?: Readonly<Record<string, string>>;
  claimedAs?: 'amount' | 'percent';
  /** certify mode: certified to date and the reason, per SOV line id. */
  certified?: Readonly<Record<string, string>>;
  reasons?: Readonly<Record<string, string>>;
  materialsStoredToDate: string;
  deductions: readonly { description: string; amount: string }[];
};

export type LineIssue = { field: 'claimed' | 'certified' | 'reason'; message: string };

export type ClaimPreview = {
  calculation: ClaimCalculation | null;
  /** Per SOV line id: what is wrong on that line, in words. */
  lineIssues: Record<string, LineIssue>;
  /** Per SOV line id: certified − claimed (negative = a cut), only where they differ. */
  cuts: Record<string, string>;
  /** A problem not tied to one line (materials, a deduction, the retention terms). */
  error: string | null;
};

const amountMessage = 'Enter an amount with at most two decimals, e.g. 1250.00 (no negatives).';

function isAmount(value: string): boolean {
  return moneyInput.safeParse(value).success;
}

export function previewClaim(base: ClaimInput, entry: PreviewEntry): ClaimPreview {
  const lineIssues: Record<string, LineIssue> = {};
  const cuts: Record<string, string> = {};
  const lines = base.lines.map((line) => {
    if (entry.mode === 'claim') {
      const typed = entry.claimed?.[line.sovLineId];
      if (typed === undefined) return line;
      const value = typed.trim() === '' ? '0' : typed.trim();
      if (entry.claimedAs === 'percent') {
        try {
          const claimed = claimedFromPercent(line.scheduledValue, value);
          return { ...line, claimedToDate: claimed, certifiedToDate: claimed };
        } catch (error) {
          lineIssues[line.sovLineId] = {
            field: 'claimed',
            message: isDomainError(error)
              ? 'Enter a percentage between 0 and 100, e.g. 42.5.'
              : String(error),
          };
          return line;
        }
      }
      if (!isAmount(value)) {
        lineIssues[line.sovLineId] = { field: 'claimed', message: amountMessage };
        return line;
      }
      if (parseAmount(value, 'Claimed').greaterThan(parseAmount(line.scheduledValue, 'Scheduled'))) {
        lineIssues[line.sovLineId] = {
          field: 'claimed',
          message: `More than the scheduled value ${line.scheduledValue}.`,
        };
      }
      // a draft's preview certifies what is claimed, as the server's preview does
      return { ...line, claimedToDate: value, certifiedToDate: value };
    }
    const typed = entry.certified?.[line.sovLineId];
    const reason = entry.reasons?.[line.sovLineId]?.trim() ?? line.reductionReason ?? '';
    if (typed === undefined) return { ...line, reductionReason: reason || null };
    const value = typed.trim() === '' ? '0' : typed.trim();
    if (!isAmount(value)) {
      lineIssues[line.sovLineId] = { field: 'certified', message: amountMessage };
      return line;
    }
    const certified = parseAmount(value, 'Certified');
    const claimed = parseAmount(line.claimedToDate, 'Claimed');
    if (certified.greaterThan(parseAmount(line.scheduledValue, 'Scheduled'))) {
      lineIssues[line.sovLineId] = {
        field: 'certified',
        message: `Certified is above the scheduled value ${line.scheduledValue}.`,
      };
    } else if (!certified.equals(claimed) && !reason) {
      lineIssues[line.sovLineId] = {
        field: 'reason',
        message: certified.lessThan(parseAmount(line.previousCertifiedToDate, 'Previous'))
          ? 'Reason required: certified is below the previous certified value.'
          : 'Reason required: certified differs from claimed.',
      };
    }
    if (!certified.equals(claimed)) cuts[line.sovLineId] = formatMoney(certified.minus(claimed));
    return { ...line, certifiedToDate: value, reductionReason: reason || null };
  });

  const materials = entry.materialsStoredToDate.trim() === '' ? '0' : entry.materialsStoredToDate.trim();
  const badDeduction = entry.deductions.findIndex(
    (d) => !isAmount(d.amount.trim() === '' ? '0' : d.amount.trim()),
  );
  let error: string | null = null;
  if (!isAmount(materials)) error = `Materials stored on site: ${amountMessage}`;
  else if (badDeduction >= 0) error = `Deduction ${badDeduction + 1}: ${amountMessage}`;
  if (error || Object.values(lineIssues).some((i) => i.field !== 'reason'))
    return { calculation: null, lineIssues, cuts, error };

  const input: ClaimInput = {
    ...base,
    // the reason rule is reported on its line above; let the figures show meanwhile
    lines: lines.map((l) => ({
      ...l,
      reductionReason: l.reductionReason || (lineIssues[l.sovLineId] ? 'pending' : null),
    })),
    materialsStoredToDate: materials,
    deductionsThisClaim:
      base.type === 'retention_release'
        ? base.deductionsThisClaim
        : entry.deductions.map((d, i) => ({
            deductionId: `preview-${i}`,
            description: d.description || `Deduction ${i + 1}`,
            amount: d.amount.trim() === '' ? '0' : d.amount.trim(),
          })),
  };
  try {
    return { calculation: calculateClaim(input), lineIssues, cuts, error: null };
  } catch (caught) {
    if (!isDomainError(caught)) throw caught;
    const sovLineId = typeof caught.details?.sovLineId === 'string' ? caught.details.sovLineId : null;
    if (sovLineId) {
      lineIssues[sovLineId] = {
        field: caught.code === 'REASON_REQUIRED' ? 'reason' : 'certified',
        message: caught.message,
      };
      return { calculation: null, lineIssues, cuts, error: null };
    }
    return { calculation: null, lineIssues, cuts, error: caught.message };
  }
}
