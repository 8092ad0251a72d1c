import { organisationToday } from '@/server/lib/org-time';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  claimLines,
  claims,
  exceptions,
  organisations,
  partners,
  projects,
  sovLines,
  subcontracts,
} from '@/db/schema';
import { formatMoney, toMoney } from '@/server/lib/money';
import { releaseExceptionCause } from '@/server/modules/claims/claim-release.service';
import { readCostCodeRows } from '@/server/modules/cost/cost-report.queries';
import { flagOverdueMilestones } from '@/server/modules/milestones/milestone-refresh.service';
import { vendorComplianceStateSql } from '@/server/modules/vendors/compliance';
import { raiseException, resolveExceptionsFor } from './exception.service';

/** Claims not yet released: the ones a rule breach can still stop. */
const OPEN_CLAIM_STATUSES = ['draft', 'submitted', 'certified', 'approved'] as const;
/** Shared with the release gate (claim-release.service.ts): one exception per problem, whoever finds it first. */
export const INSURANCE_CAUSE = releaseExceptionCause('insurance_expired');
export const ABOVE_SOV_CAUSE = releaseExceptionCause('claim_above_sov');
export const COST_OVERRUN_CAUSE = 'cost_overrun';

type Breach = {
  recordId: string;
  reference: string;
  projectId: string;
  amountAtStake: string | null;
  title: string;
  detail: string;
};
type Rule = { cause: string; recordType: string; guidance: string; breaches: Breach[] };
export type RuleCounts = { breaches: number; opened: number; resolved: number };
export type RulesSummary = Record<
  'insuranceExpired' | 'claimAboveSov' | 'costOverrun' | 'milestoneOverdue',
  RuleCounts
>;

export type RulesOptions = { organisationId?: string; today?: string; overrunPercent: number };

/**
 * The rule-breach source of the exception queue (DOMAIN §6), for every organisation (or one): raises
 * what breaks a rule now and closes what no longer does — a renewed insurance, a corrected SOV, a code
 * back within budget, a milestone released or re-planned. Idempotent: an open breach is not counted
 * again on each run.
 */
export async function runExceptionRules(db: Db, options: RulesOptions): Promise<RulesSummary> {
  const orgIds = options.organisationId
    ? [options.organisationId]
    : (await db.select({ id: organisations.id }).from(organisations)).map((o) => o.id);
  const summary: RulesSummary = {
    insuranceExpired: zero(),
    claimAboveSov: zero(),
    costOverrun: zero(),
    milestoneOverdue: zero(),
  };
  for (const organisationId of orgIds) {
    const today = options.today ?? (await organisationToday(db, organisationId));
    add(
      summary.insuranceExpired,
      await settleRule(db, organisationId, await insuranceRule(db, organisationId, today)),
    );
    add(summary.claimAboveSov, await settleRule(db, organisationId, await aboveSovRule(db, organisationId)));
    add(
      summary.costOverrun,
      await settleRule(db, organisationId, await costOverrunRule(db, organisationId, options.overrunPercent)),
    );
    const overdue = await flagOverdueMilestones(db, { organisationId, today });
    add(summary.milestoneOverdue, {
      breaches: 0,
      opened: overdue.overdueOpened,
      resolved: overdue.overdueResolved,
    });
  }
  return summary;
}

const zero = (): RuleCounts => ({ breaches: 0, opened: 0, resolved: 0 });
function add(total: RuleCounts, part: RuleCounts) {
  total.breaches += part.breaches;
  total.opened += part.opened;
  total.resolved += part.resolved;
}

const ofOrganisation = (organisationId: string): SQL =>
  sql`${exceptions.projectId} IN (SELECT ${projects.id} FROM ${projects} WHERE ${projects.organisationId} = ${organisationId})`;

async function settleRule(db: Db, organisationId: string, rule: Rule): Promise<RuleCounts> {
  const open = await db
    .select({ recordId: exceptions.recordId })
    .from(exceptions)
    .where(
      and(
        eq(exceptions.recordType, rule.recordType),
        eq(exceptions.cause, rule.cause),
        eq(exceptions.status, 'open'),
        ofOrganisation(organisationId),
      ),
    );
  const openIds = new Set(open.map((e) => e.recordId));
  const breachIds = new Set(rule.breaches.map((b) => b.recordId));
  const counts: RuleCounts = { breaches: rule.breaches.length, opened: 0, resolved: 0 };
  for (const breach of rule.breaches) {
    if (openIds.has(breach.recordId)) continue;
    await raiseException(db, {
      category: 'rule_breach',
      cause: rule.cause,
      recordType: rule.recordType,
      recordReference: breach.reference,
      guidance: rule.guidance,
      ...breach,
    });
    counts.opened += 1;
  }
  for (const id of openIds) {
    if (breachIds.has(id)) continue;
    counts.resolved += await resolveExceptionsFor(
      db,
      rule.recordType,
      id,
      rule.cause,
      'Resolved automatically: the rule is no longer broken.',
    );
  }
  return counts;
}

/** A claim not yet released whose vendor is not compliant (a certificate expired) on its period end or today. */
async function insuranceRule(db: Db, organisationId: string, today: string): Promise<Rule> {
  const rows = await db
    .select({
      id: claims.id,
      reference: claims.reference,
      projectId: claims.projectId,
      due: claims.dueAmount,
      claimed: claims.claimedToDateAmount,
      periodEnd: claims.periodEnd,
      vendor: partners.name,
      expires: partners.insuranceExpiresOn,
      licence: partners.licenceExpiresOn,
      tax: partners.taxCertificateExpiresOn,
    })
    .from(claims)
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .innerJoin(subcontracts, eq(subcontracts.id, claims.subcontractId))
    .innerJoin(partners, eq(partners.id, subcontracts.vendorId))
    .where(
      and(
        eq(projects.organisationId, organisationId),
        inArray(claims.status, [...OPEN_CLAIM_STATUSES]),
        // the one compliance rule (vendors/compliance.ts), on the period end or today, whichever is later
        sql`${vendorComplianceStateSql(sql`greatest(${claims.periodEnd}, ${today}::date)`)} = 'expired'`,
      ),
    );
  return {
    cause: INSURANCE_CAUSE,
    recordType: 'claim',
    guidance:
      "Ask the subcontractor for a current certificate; once finance accepts it and an executive confirms the new expiry date this closes by itself (the dates must cover the claim's period end and today).",
    breaches: rows.map((r) => ({
      recordId: r.id,
      reference: r.reference,
      projectId: r.projectId,
      amountAtStake: r.due ?? r.claimed,
      title: `${r.vendor}'s compliance has expired for ${r.reference}`,
      detail: `Insurance expires on ${r.expires ?? 'not recorded'}, licence on ${r.licence ?? 'not recorded'}, tax certificate on ${r.tax ?? 'not recorded'}; the claim's period ends ${r.periodEnd} and today is ${today}. The claim cannot be released while a certificate is expired.`,
    })),
  };
}

/** A certified or approved claim whose certified-to-date is above its SOV line (incl. approved COs). */
async function aboveSovRule(db: Db, organisationId: string): Promise<Rule> {
  const rows = await db
    .select({
      id: claims.id,
      reference: claims.reference,
      projectId: claims.projectId,
      due: claims.dueAmount,
      line: sovLines.description,
      certified: claimLines.certifiedToDateAmount,
      scheduled: sovLines.scheduledAmount,
    })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .innerJoin(sovLines, eq(sovLines.id, claimLines.sovLineId))
    .innerJoin(projects, eq(projects.id, claims.projectId))
    .where(
      and(
        eq(projects.organisationId, organisationId),
        inArray(claims.status, ['certified', 'approved']),
        sql`${claimLines.certifiedToDateAmount} > ${sovLines.scheduledAmount}`,
      ),
    );
  const byClaim = new Map<string, Breach>();
  for (const r of rows) {
    const over = `"${r.line}" ${r.certified} > ${r.scheduled}`;
    const found = byClaim.get(r.id);
    if (found) found.detail = `${found.detail}; ${over}`;
    else
      byClaim.set(r.id, {
        recordId: r.id,
        reference: r.reference,
        projectId: r.projectId,
        amountAtStake: r.due,
        title: `${r.reference} is certified above its schedule of values`,
        detail: `Certified to date above the SOV: ${over}`,
      });
  }
  return {
    cause: ABOVE_SOV_CAUSE,
    recordType: 'claim',
    guidance:
      'The schedule of values is below what was certified. Check the purchase order in Odoo and pull it again, approve the change order that covers the work, or reject the claim so the QS can certify it again.',
    breaches: [...byClaim.values()],
  };
}

/** A cost code whose estimate at completion exceeds its revised budget by more than `percent`. */
async function costOverrunRule(db: Db, organisationId: string, percent: number): Promise<Rule> {
  const rows = await readCostCodeRows(db, { organisationId, visibleTo: null });
  const factor = toMoney(1).plus(toMoney(percent).dividedBy(100));
  const breaches = rows
    .filter(
      (r) =>
        r.costCodeId !== null &&
        !r.isTotal &&
        toMoney(r.estimateAtCompletion).greaterThan(toMoney(r.revisedBudget).times(factor)),
    )
    .map((r) => {
      const overrun = toMoney(r.estimateAtCompletion).minus(r.revisedBudget);
      return {
        recordId: r.costCodeId!,
        reference: r.code,
        projectId: r.projectId,
        amountAtStake: formatMoney(overrun),
        title: `Cost code ${r.code} ${r.name} is forecast over budget`,
        detail: `Estimate at completion ${formatMoney(r.estimateAtCompletion)} exceeds the revised budget ${formatMoney(r.revisedBudget)} by ${formatMoney(overrun)} (more than the ${percent}% allowed).`,
      };
    });
  return {
    cause: COST_OVERRUN_CAUSE,
    recordType: 'cost_code',
    guidance:
      'Review the cost code with the project manager: raise a change order for the extra cost, transfer budget from contingency, or correct the forecast. This closes by itself once the estimate is back within the allowed margin.',
    breaches,
  };
}
