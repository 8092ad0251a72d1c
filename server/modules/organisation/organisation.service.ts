import { isValidTimeZone } from '@/server/lib/zoned-date';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '@/db/client';
import { organisations } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { toMoney } from '@/server/lib/money';
import { currencyInput, moneyInput, versionInput } from '@/server/lib/validation';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';

export const updateThresholdsInput = z
  .object({
    version: versionInput,
    pmLimitAmount: moneyInput,
    executiveLimitAmount: moneyInput,
    currency: currencyInput,
    timeZone: z
      .string()
      .trim()
      .refine(isValidTimeZone, 'Choose a time zone from the list, e.g. Europe/London or Australia/Sydney.')
      // the zone's canonical IANA name ("utc" → "UTC"), the spelling PostgreSQL's zone list has
      .transform((zone) => new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone),
  })
  .strict();

export async function getOrganisation(db: DbOrTx, actor: Actor) {
  const [organisation] = await db
    .select()
    .from(organisations)
    .where(eq(organisations.id, actor.organisationId));
  if (!organisation) throw new DomainError('NOT_FOUND', 'Organisation not found.');
  return organisation;
}

/**
 * Organisation settings: the approval thresholds (they fix each change order's route at submit), the
 * currency and the time zone every "today" is taken in (server/lib/org-time.ts). Changes are audited.
 */
export async function updateApprovalThresholds(
  db: Db,
  input: z.infer<typeof updateThresholdsInput>,
  actor: Actor,
): Promise<void> {
  if (toMoney(input.executiveLimitAmount).lessThan(input.pmLimitAmount)) {
    throw new DomainError('VALIDATION', 'The executive limit must be at least the project manager limit.');
  }
  await db.transaction(async (tx) => {
    const before = await getOrganisation(tx, actor);
    const normalised = {
      pmLimitAmount: toMoney(input.pmLimitAmount).toFixed(2),
      executiveLimitAmount: toMoney(input.executiveLimitAmount).toFixed(2),
      currency: input.currency,
      timeZone: input.timeZone,
    };
    const changes = diffFields(
      {
        pmLimitAmount: before.pmLimitAmount,
        executiveLimitAmount: before.executiveLimitAmount,
        currency: before.currency,
        timeZone: before.timeZone,
      },
      normalised,
    );
    const updated = await tx
      .update(organisations)
      .set({ ...normalised, version: sql`${organisations.version} + 1`, updatedAt: new Date() })
      .where(and(eq(organisations.id, actor.organisationId), eq(organisations.version, input.version)))
      .returning({ id: organisations.id });
    if (updated.length === 0)
      throw new DomainError('CONFLICT', 'The thresholds were changed by someone else. Reload and try again.');
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor,
        action: 'settings.update_thresholds',
        entityType: 'organisation',
        entityId: actor.organisationId,
        changedFields: changes,
      });
    }
  });
}
