'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { CostCodeRow } from '@/server/modules/cost/cost-report.queries';
import { formatPercentDisplay, methodLabels } from './labels';

const money = (key: keyof CostCodeRow, header: string): ColumnDef<CostCodeRow> => ({
  accessorKey: key,
  header,
  meta: { align: 'right', format: (row) => formatMoneyDisplay(row[key] as string, row.currency) },
  cell: ({ row }) => {
    const value = row.original[key] as string;
    return <span className={value.startsWith('-') && key !== 'budgetTransfers' ? 'text-red-700' : undefined}>{formatMoneyDisplay(value, row.original.currency)}</span>;
  },
});

export function methodText(row: Pick<CostCodeRow, 'isTotal' | 'effectiveForecastMethod' | 'forecastMethod' | 'forecastSetBy'>): string {
  if (row.isTotal || !row.effectiveForecastMethod) return '';
  const label = methodLabels[row.effectiveForecastMethod] ?? row.effectiveForecastMethod;
  if (row.forecastMethod === 'cpi' && row.effectiveForecastMethod === 'automatic') return 'Automatic (CPI: no performance yet)';
  return row.forecastSetBy && row.forecastMethod !== 'automatic' ? `${label} · ${row.forecastSetBy}` : label;
}

const columns: ColumnDef<CostCodeRow>[] = [
  { accessorKey: 'code', header: 'Code', meta: { filter: 'text' } },
  { accessorKey: 'name', header: 'Name', meta: { filter: 'text' } },
  money('originalBudget', 'Original budget'),
  money('budgetTransfers', 'Transfers'),
  money('approvedChanges', 'Approved changes'),
  money('revisedBudget', 'Revised budget'),
  money('pendingChanges', 'Pending changes'),
  money('pendingChangesProceeding', 'of which proceeding'),
  money('projectedBudget', 'Projected budget'),
  money('committed', 'Committed'),
  money('pendingCommitmentChanges', 'Pending commitment changes'),
  money('uncommitted', 'Uncommitted'),
  money('actual', 'Actual'),
  money('directCost', 'Direct cost'),
  {
    accessorKey: 'forecastMethod',
    header: 'Forecast method',
    enableSorting: false,
    meta: { filter: Object.entries(methodLabels).map(([value, label]) => ({ value, label })), format: methodText },
    cell: ({ row }) => (
      <span className={row.original.isAutomaticMethod ? 'rounded bg-amber-100 px-1.5 py-0.5 text-amber-900' : undefined} title={row.original.forecastReason ?? undefined}>
        {methodText(row.original)}
      </span>
    ),
  },
  money('forecastToComplete', 'Forecast to complete'),
  money('estimateAtCompletion', 'EAC'),
  money('varianceAtCompletion', 'VAC'),
  money('projectedOverUnder', 'Projected over/under'),
  { accessorKey: 'percentComplete', header: '% complete', meta: { align: 'right', format: (row) => formatPercentDisplay(row.percentComplete) } },
];

/** The project's cost report (DOMAIN §7): every column per cost code, totals, CSV; a row drills down. */
export function CostReportTable({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.cost.codes.queryOptions({ ...input, projectId })}
      csvFileName="cost-report"
      rowHref={(row) => (row.costCodeId ? `/projects/${projectId}/cost/${row.costCodeId}` : `/projects/${projectId}/cost`)}
      searchPlaceholder="Search code or name"
      emptyMessage="This project has no cost codes."
      pageSize={50}
    />
  );
}
