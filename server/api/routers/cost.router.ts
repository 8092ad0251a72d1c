import { createTRPCRouter, procedure } from '@/server/api/trpc';
import { readCostCharts } from '@/server/modules/cost/cost-charts.queries';
import { setCostForecast } from '@/server/modules/cost/cost-forecast.service';
import { listCostRecords } from '@/server/modules/cost/cost-records.queries';
import { getCostCodeRow, listCostCodes } from '@/server/modules/cost/cost-report.queries';
import { scopeOf } from '@/server/modules/cost/cost-report.sql';
import { listSnapshots, takeOnDemandSnapshot } from '@/server/modules/cost/cost-snapshot.service';
import { getProjectCostSummary } from '@/server/modules/cost/cost-summary.queries';
import {
  costCodeInput,
  costCodeListInput,
  costRecordListInput,
  projectInput,
  setForecastInput,
} from '@/server/modules/cost/cost.schemas';
import { assertProjectVisible } from '@/server/auth/policy';

/** Cost to complete of one project (DOMAIN §7): report, drill-down, forecasts, snapshots, charts. */
export const costRouter = createTRPCRouter({
  summary: procedure('cost.read')
    .input(projectInput)
    .query(({ ctx, input }) => getProjectCostSummary(ctx.db, ctx.actor, input.projectId)),
  codes: procedure('cost.read')
    .input(costCodeListInput)
    .query(({ ctx, input }) => listCostCodes(ctx.db, ctx.actor, input)),
  code: procedure('cost.read')
    .input(costCodeInput)
    .query(({ ctx, input }) => getCostCodeRow(ctx.db, ctx.actor, input.projectId, input.costCodeId)),
  records: procedure('cost.read')
    .input(costRecordListInput)
    .query(({ ctx, input }) => listCostRecords(ctx.db, ctx.actor, input)),
  charts: procedure('cost.read')
    .input(projectInput)
    .query(async ({ ctx, input }) => {
      await assertProjectVisible(ctx.db, ctx.actor, input.projectId);
      return readCostCharts(ctx.db, scopeOf(ctx.actor, { projectId: input.projectId }));
    }),
  snapshots: procedure('cost.read')
    .input(projectInput)
    .query(({ ctx, input }) => listSnapshots(ctx.db, ctx.actor, input.projectId)),
  takeSnapshot: procedure('cost.snapshot')
    .input(projectInput)
    .mutation(({ ctx, input }) => takeOnDemandSnapshot(ctx.db, input.projectId, ctx.actor)),
  setForecast: procedure('cost.override')
    .input(setForecastInput)
    .mutation(({ ctx, input }) => setCostForecast(ctx.db, input, ctx.actor)),
});
