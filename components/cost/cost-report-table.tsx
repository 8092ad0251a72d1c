'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { useMemo } from 'react';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { CostCodeRow } from '@/server/modules/cost/cost.schemas';
import { formatPercentDisplay, methodLabels } from './labels';

/**
 * The records column ("Counts in" on the cost code page) behind a figure: a click on the figure opens
 * the records that make it up. Figures derived from others (revised, projected, uncommitted, FTC,
 * EAC, VAC) open the cost code with all its records.
 */
export const recordsColumnOf: Partial<Record<keyof CostCodeRow, string>> = {
  budgetTransfers: 'BT',
  approvedChanges: 'ACO',
  pendingChanges: 'PBC',
  pendingCommitmentChanges: 'PBC + PCC',
  committed: 'CC',
  actual: 'AC',
  directCost: 'AC + DC',
};

export function drillHref(projectId: string, row: CostCodeRow, key: keyof CostCodeRow): string | null {
  if (row.isTotal || !row.costCodeId) return null;
  const column = recordsColumnOf[key];
  return `/projects/${projectId}/cost/${row.costCodeId}${column ? `?column=${encodeURIComponent(column)}` : ''}`;
}

const money = (projectId: string, key: keyof CostCodeRow, header: string): ColumnDef<CostCodeRow> => ({
  accessorKey: key,
  header,
  meta: { align: 'right', format: (row) => formatMoneyDisplay(row[key] as string, row.currency) },
  cell: ({ row }) => {
    const value = row.original[key] as string;
    const text = formatMoneyDisplay(value, row.original.currency);
    const negative = value.startsWith('-') && key !== 'budgetTransfers' ? 'text-red-700' : '';
    const href = drillHref(projectId, row.original, key);
    return href ? (
      <Link
        href={href}
        className={`underline decoration-slate-300 underline-offset-2 hover:text-brand-700 hover:decoration-brand-700 ${negative}`}
        title={`${header} of ${row.original.code}: the records behind it`}
      >
        {text}
      </Link>
    ) : (
      <span className={negative || undefined}>{text}</span>
    );
  },
});

export function methodText(
  row: Pick<CostCodeRow, 'isTotal' | 'effectiveForecastMethod' | 'forecastMethod' | 'forecastSetBy'>,
): string {
  if (row.isTotal || !row.effectiveForecastMethod) return '';
  const label = methodLabels[row.effectiveForecastMethod] ?? row.effectiveForecastMethod;
  if (row.forecastMethod === 'cpi' && row.effectiveForecastMethod === 'automatic')
    return 'Automatic (CPI: no performance yet)';
  return row.forecastSetBy && row.forecastMethod !== 'automatic' ? `${label} · ${row.forecastSetBy}` : label;
}

const columnsFor = (projectId: string): ColumnDef<CostCodeRow>[] => [
  { accessorKey: 'code', header: 'Code', meta: { filter: 'text' } },
  { accessorKey: 'name', header: 'Name', meta: { filter: 'text' } },
  money(projectId, 'originalBudget', 'Original budget'),
  money(projectId, 'budgetTransfers', 'Transfers'),
  money(projectId, 'approvedChanges', 'Approved changes'),
  money(projectId, 'revisedBudget', 'Revised budget'),
  money(projectId, 'pendingChanges', 'Pending changes'),
  money(projectId, 'pendingChangesProceeding', 'of which proceeding'),
  money(projectId, 'projectedBudget', 'Projected budget'),
  money(projectId, 'committed', 'Committed'),
  money(projectId, 'pendingCommitmentChanges', 'Pending commitment changes'),
  money(projectId, 'uncommitted', 'Uncommitted'),
  money(projectId, 'actual', 'Actual'),
  money(projectId, 'directCost', 'Direct cost'),
  {
    accessorKey: 'forecastMethod',
    header: 'Forecast method',
    enableSorting: false,
    meta: {
      filter: Object.entries(methodLabels).map(([value, label]) => ({ value, label })),
      format: methodText,
    },
    cell: ({ row }) => (
      <span
        className={
          row.original.isAutomaticMethod ? 'rounded bg-amber-100 px-1.5 py-0.5 text-amber-900' : undefined
        }
        title={row.original.forecastReason ?? undefined}
      >
        {methodText(row.original)}
      </span>
    ),
  },
  money(projectId, 'forecastToComplete', 'Forecast to complete'),
  money(projectId, 'estimateAtCompletion', 'EAC'),
  money(projectId, 'varianceAtCompletion', 'VAC'),
  money(projectId, 'projectedOverUnder', 'Projected over/under'),
  {
    accessorKey: 'percentComplete',
    header: '% complete',
    meta: { align: 'right', format: (row) => formatPercentDisplay(row.percentComplete) },
  },
];

/** The project's cost report (DOMAIN §7): every column per cost code, totals, CSV; a row drills down. */
export function CostReportTable({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const columns = useMemo(() => columnsFor(projectId), [projectId]);
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.cost.codes.queryOptions({ ...input, projectId })}
      csvFileName="cost-report"
      frozenColumns={2}
      rowHref={(row) =>
        row.costCodeId ? `/projects/${projectId}/cost/${row.costCodeId}` : `/projects/${projectId}/cost`
      }
      searchPlaceholder="Search code or name"
      emptyMessage="This project has no cost codes."
      pageSize={50}
    />
  );
}
