import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { claims, organisations, partners } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { toMoney } from '@/server/lib/money';
import { kindOfChange } from '@/server/modules/approvals/pending-change.service';
import { assertFreshMfa } from './mfa.service';

/**
 * Where step-up applies (DOMAIN §1): releasing a payment above the PM limit, changing vendor bank
 * details, changing the Odoo connection. Each asks for a second-factor code entered in this session
 * within the last 15 minutes (mfa.service `assertFreshMfa`); the routers call these before the service.
 */
type StepUpContext = { db: DbOrTx; actor: Actor; sessionId?: string };

export async function stepUpForClaimRelease(ctx: StepUpContext, claimId: string): Promise<void> {
  const [row] = await ctx.db
    .select({ due: claims.dueAmount, limit: organisations.pmLimitAmount })
    .from(claims)
    .innerJoin(organisations, eq(organisations.id, ctx.actor.organisationId))
    .where(eq(claims.id, claimId));
  // an unknown claim is the service's NOT_FOUND; a release at or below the PM limit needs no step-up
  if (!row?.due || !toMoney(row.due).greaterThan(toMoney(row.limit))) return;
  await assertFreshMfa(ctx.db, ctx.actor, ctx.sessionId, 'Releasing a payment above the PM limit');
}

export async function stepUpForBankChange(
  ctx: StepUpContext,
  input: { vendorId: string; bankAccountName?: string | null; bankAccountNumber?: string | null },
): Promise<void> {
  const [row] = await ctx.db
    .select({ name: partners.bankAccountName, number: partners.bankAccountNumber })
    .from(partners)
    .where(and(eq(partners.id, input.vendorId), eq(partners.organisationId, ctx.actor.organisationId)));
  if (!row) return;
  const changes =
    (input.bankAccountName !== undefined && (input.bankAccountName ?? null) !== row.name) ||
    (input.bankAccountNumber !== undefined && (input.bankAccountNumber ?? null) !== row.number);
  if (changes) await assertFreshMfa(ctx.db, ctx.actor, ctx.sessionId, 'Changing bank details');
}

export async function stepUpForOdooConnection(ctx: StepUpContext): Promise<void> {
  await assertFreshMfa(ctx.db, ctx.actor, ctx.sessionId, 'Changing the Odoo connection');
}

/** Confirming new bank details makes them effective: the confirmer steps up as the requester did. */
export async function stepUpForChangeDecision(ctx: StepUpContext, changeId: string): Promise<void> {
  if ((await kindOfChange(ctx.db, ctx.actor, changeId)) === 'vendor_bank')
    await assertFreshMfa(ctx.db, ctx.actor, ctx.sessionId, 'Confirming new bank details');
}
