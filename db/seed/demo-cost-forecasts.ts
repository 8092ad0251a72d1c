import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { costCodes, costForecasts } from '@/db/schema';
import type { Actor } from '@/server/auth/actor';
import { recordAudit } from '@/server/modules/audit/audit.service';

/**
 * The demo's forecasts to complete (DOMAIN §7): a few codes the project managers have reviewed, so
 * the cost report shows overrides (with who and why) next to codes still on the automatic method.
 * Commitments and actual cost come from the pull of the Odoo simulator, not from here.
 */
const demoForecasts: {
  project: string;
  code: string;
  setBy: string;
  method: 'manual' | 'committed_only';
  amount: string | null;
  reason: string;
}[] = [
  {
    project: 'P-1001',
    code: '01-100',
    setBy: 'pm@northbeam.example',
    method: 'manual',
    amount: '121500.00',
    reason:
      'Programme extended by six weeks: site management, welfare and scaffold hire to the end of February 2027.',
  },
  {
    project: 'P-1001',
    code: '99-000',
    setBy: 'pm@northbeam.example',
    method: 'committed_only',
    amount: null,
    reason: 'Contingency is only drawn down through internal change orders; nothing is forecast against it.',
  },
  {
    project: 'P-1003',
    code: '05-100',
    setBy: 'pm2@northbeam.example',
    method: 'manual',
    amount: '268000.00',
    reason:
      'Steel tender returns 7 % above the budget rate after the mill price increase; package not yet let.',
  },
];

export async function seedDemoCostForecasts(
  tx: Tx,
  projectIds: Map<string, string>,
  people: Map<string, Actor>,
): Promise<void> {
  for (const forecast of demoForecasts) {
    const projectId = projectIds.get(forecast.project);
    const user = people.get(forecast.setBy);
    if (!projectId || !user) continue;
    const [code] = await tx
      .select({ id: costCodes.id })
      .from(costCodes)
      .where(and(eq(costCodes.projectId, projectId), eq(costCodes.code, forecast.code)));
    if (!code) continue;
    await tx.insert(costForecasts).values({
      costCodeId: code.id,
      projectId,
      method: forecast.method,
      manualAmount: forecast.amount,
      reason: forecast.reason,
      setById: user.id,
    });
    await recordAudit(tx, {
      actor: user,
      action: 'cost_forecast.set',
      entityType: 'cost_code',
      entityId: code.id,
      fromState: 'automatic',
      toState: forecast.method,
      changedFields: {
        method: { old: 'automatic', new: forecast.method },
        ...(forecast.amount ? { manualAmount: { old: null, new: forecast.amount } } : {}),
      },
      comment: forecast.reason,
    });
  }
}
