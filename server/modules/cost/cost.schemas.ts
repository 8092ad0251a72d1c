import { z } from 'zod';
import { listInputSchema } from '@/server/lib/list';
import { idInput, moneyInput } from '@/server/lib/validation';

export const projectInput = z.object({ projectId: idInput }).strict();
export const costCodeInput = z.object({ projectId: idInput, costCodeId: idInput }).strict();
export const costCodeListInput = listInputSchema.extend({ projectId: idInput }).strict();
export const costRecordListInput = listInputSchema
  .extend({ projectId: idInput, costCodeId: idInput })
  .strict();

/**
 * The forecast to complete of one cost code (DOMAIN §7). A reason is required for every change, the
 * return to automatic included: the audit trail says why the number moved. `version` is the
 * forecast's compare-and-set version as read (0 = the code had no forecast row yet).
 */
export const setForecastInput = z
  .object({
    costCodeId: idInput,
    version: z.number().int().min(0),
    method: z.enum(['automatic', 'manual', 'committed_only', 'cpi']),
    manualAmount: moneyInput.nullish(),
    earnedValue: moneyInput.nullish(),
    reason: z
      .string()
      .trim()
      .min(3, 'Give the reason for this forecast.')
      .max(2000, 'At most 2000 characters.'),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.method === 'manual' && !input.manualAmount)
      ctx.addIssue({
        code: 'custom',
        path: ['manualAmount'],
        message: 'A manual forecast needs the amount to complete.',
      });
    if (input.method === 'cpi' && !input.earnedValue)
      ctx.addIssue({
        code: 'custom',
        path: ['earnedValue'],
        message: 'A CPI forecast needs the earned value to date.',
      });
  });

export type SetForecastInput = z.infer<typeof setForecastInput>;

// Output shapes (DTOs) the pages read: the module's public contract with the client (issue 16 item 8).
export type { CostCharts } from './cost-charts.queries';
export type { CostRecordRow } from './cost-records.queries';
export type { CostCodeRow } from './cost-report.queries';
export type { PortfolioRow } from './portfolio.queries';
