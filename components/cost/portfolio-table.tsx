'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { PortfolioRow } from '@/server/modules/cost/cost.schemas';
import { formatPercentDisplay } from './labels';

const money = (key: keyof PortfolioRow, header: string): ColumnDef<PortfolioRow> => ({
  accessorKey: key,
  header,
  meta: { align: 'right', format: (row) => formatMoneyDisplay(row[key] as string, row.currency) },
  cell: ({ row }) => {
    const value = row.original[key] as string;
    return (
      <span className={value.startsWith('-') ? 'text-red-700' : undefined}>
        {formatMoneyDisplay(value, row.original.currency)}
      </span>
    );
  },
});

const columns: ColumnDef<PortfolioRow>[] = [
  { accessorKey: 'projectCode', header: 'Project', meta: { filter: 'text' } },
  { accessorKey: 'projectName', header: 'Name', meta: { filter: 'text' } },
  money('revisedContract', 'Revised contract'),
  money('revisedBudget', 'Revised budget'),
  money('estimateAtCompletion', 'EAC'),
  money('varianceAtCompletion', 'VAC'),
  money('forecastMargin', 'Forecast margin'),
  {
    accessorKey: 'forecastMarginPercent',
    header: 'Margin %',
    meta: { align: 'right', format: (row) => formatPercentDisplay(row.forecastMarginPercent) },
  },
  money('billed', 'Billed'),
  money('overUnderBilling', 'Over/under billed'),
  money('certified', 'Certified (subcontracts)'),
  money('retentionPayable', 'Retention payable'),
  money('retentionReceivable', 'Retention receivable'),
  {
    accessorKey: 'openExceptions',
    header: 'Open exceptions',
    meta: { align: 'right', format: (row) => String(row.openExceptions) },
  },
];

/** Every project the person may see, with totals per currency; sorted and filtered on the server. */
export function PortfolioTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.portfolio.list.queryOptions(input)}
      csvFileName="portfolio"
      rowHref={(row) => `/projects/${row.projectId}/cost`}
      searchPlaceholder="Search project code or name"
      emptyMessage="No projects to show."
      pageSize={50}
    />
  );
}
