'use client';

import { useRouter } from 'next/navigation';
import { CountBarChart } from '@/components/charts/count-bar-chart';
import { palette } from '@/components/charts/chart-format';
import { MoneyBarChart } from '@/components/charts/money-bar-chart';
import { MoneyLineChart } from '@/components/charts/money-line-chart';
import type { CostCharts } from '@/server/modules/cost/cost.schemas';

/** The cost charts of DOMAIN §7, from ready series; clicking a bar drills to its project or code. */
export function CostChartsGrid({ charts, projectId }: { charts: CostCharts; projectId?: string }) {
  const router = useRouter();
  const c = charts.currency;
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="cost-charts">
      {projectId ? null : (
        <MoneyBarChart
          title={`Revised budget vs EAC by project (${c})`}
          summary="Revised budget and estimate at completion of each project."
          data={charts.budgetVsEac}
          categoryKey="label"
          currency={c}
          series={[
            { key: 'revisedBudget', label: 'Revised budget', color: palette.budget },
            { key: 'estimateAtCompletion', label: 'EAC', color: palette.eac },
          ]}
          onSelect={(row) => router.push(`/projects/${String(row.projectId)}/cost`)}
        />
      )}
      <MoneyBarChart
        title={`Cost-code variance at completion, largest first (${c})`}
        summary="Revised budget minus EAC per cost code; negative is an overrun."
        data={charts.costCodeVariance}
        categoryKey="label"
        currency={c}
        horizontal
        series={[{ key: 'varianceAtCompletion', label: 'VAC', color: palette.eac }]}
        onSelect={(row) =>
          row.costCodeId && router.push(`/projects/${String(row.projectId)}/cost/${String(row.costCodeId)}`)
        }
      />
      <MoneyLineChart
        title={`Forecast margin by month (${c})`}
        summary="Revised contract minus EAC, from the month-end snapshots; the last point is today."
        data={charts.marginTrend}
        categoryKey="month"
        currency={c}
        series={[{ key: 'margin', label: 'Forecast margin', color: palette.margin }]}
      />
      <MoneyLineChart
        title={`Billing vs cost to date (${c})`}
        summary="Cumulative customer invoices against cumulative actual cost, by month."
        data={charts.billingVsCost}
        categoryKey="month"
        currency={c}
        series={[
          { key: 'billedToDate', label: 'Billed to date', color: palette.billed },
          { key: 'costToDate', label: 'Actual cost to date', color: palette.cost },
        ]}
      />
      <CountBarChart
        title="Open exceptions by age"
        summary="Open exceptions on these projects by days since first seen, by severity."
        data={charts.exceptionAgeing}
        categoryKey="bucket"
        axisLabel="count"
        series={[
          { key: 'low', label: 'Low', color: '#94a3b8' },
          { key: 'medium', label: 'Medium', color: '#f59e0b' },
          { key: 'high', label: 'High', color: '#ea580c' },
          { key: 'critical', label: 'Critical', color: '#dc2626' },
        ]}
      />
    </div>
  );
}
