import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { costCodes, costForecasts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { assertProjectVisible } from '@/server/auth/policy';
import { DomainError } from '@/server/errors';
import { parseAmount } from '@/server/lib/decimal-input';
import { formatMoney } from '@/server/lib/money';
import { diffFields, recordAudit } from '@/server/modules/audit/audit.service';
import type { SetForecastInput } from './cost.schemas';

/**
 * Sets a cost code's forecast method (and its manual amount or earned value), with a mandatory
 * reason. Compare-and-set on the forecast's version (0 = no row yet: the insert must be the first),
 * and one audit row in the same transaction, so the report can show who overrode what, and why.
 */
export async function setCostForecast(
  db: Db,
  input: SetForecastInput,
  actor: Actor,
): Promise<{ version: number }> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('REASON_REQUIRED', 'Give the reason for this forecast.');
  const next = {
    method: input.method,
    manualAmount: input.method === 'manual' ? amountOf(input.manualAmount, 'Forecast to complete') : null,
    earnedValueAmount: input.method === 'cpi' ? amountOf(input.earnedValue, 'Earned value') : null,
    reason,
  };
  return db.transaction(async (tx) => {
    const [code] = await tx
      .select({ id: costCodes.id, projectId: costCodes.projectId, code: costCodes.code })
      .from(costCodes)
      .where(eq(costCodes.id, input.costCodeId));
    if (!code) throw new DomainError('NOT_FOUND', 'Cost code not found.');
    await assertProjectVisible(tx, actor, code.projectId);
    const [before] = await tx
      .select()
      .from(costForecasts)
      .where(eq(costForecasts.costCodeId, code.id))
      .for('update');
    const stamp = { setById: actor.id, setAt: new Date() };
    const conflict = () =>
      new DomainError(
        'CONFLICT',
        `The forecast of ${code.code} was changed by someone else. Reload and try again.`,
      );
    let version: number;
    if (!before) {
      if (input.version !== 0) throw conflict();
      const inserted = await tx
        .insert(costForecasts)
        .values({ costCodeId: code.id, projectId: code.projectId, ...next, ...stamp, version: 1 })
        .onConflictDoNothing()
        .returning({ version: costForecasts.version });
      if (!inserted[0]) throw conflict();
      version = inserted[0].version;
    } else {
      const [updated] = await tx
        .update(costForecasts)
        .set({ ...next, ...stamp, version: sql`${costForecasts.version} + 1` })
        .where(and(eq(costForecasts.costCodeId, code.id), eq(costForecasts.version, input.version)))
        .returning({ version: costForecasts.version });
      if (!updated) throw conflict();
      version = updated.version;
    }
    const old = before ?? { method: 'automatic', manualAmount: null, earnedValueAmount: null, reason: null };
    await recordAudit(tx, {
      actor,
      action: 'cost_forecast.set',
      entityType: 'cost_code',
      entityId: code.id,
      fromState: old.method,
      toState: next.method,
      changedFields: diffFields(old, next),
      comment: reason,
    });
    return { version };
  });
}

function amountOf(value: string | null | undefined, field: string): string {
  if (!value) throw new DomainError('VALIDATION', `${field} is required for this method.`);
  return formatMoney(parseAmount(value, field, 'non_negative'));
}
