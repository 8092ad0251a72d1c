'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDate, formatMoneyDisplay } from '@/components/ui/format';
import type { CostRecordRow } from '@/server/modules/cost/cost.schemas';
import { sourceLabels } from './labels';

const columnOptions = ['BT', 'ACO', 'PBC', 'PBC + PCC', 'CC', 'Certified', 'AC', 'AC + DC'].map((value) => ({
  value,
  label: value,
}));

const columns: ColumnDef<CostRecordRow>[] = [
  {
    accessorKey: 'reference',
    header: 'Record',
    meta: { filter: 'text' },
    cell: ({ row }) =>
      row.original.href ? (
        <Link
          href={row.original.href}
          className="font-medium text-brand-700 hover:underline"
          data-testid={`record-link-${row.original.source}`}
        >
          {row.original.reference}
        </Link>
      ) : (
        row.original.reference
      ),
  },
  {
    accessorKey: 'source',
    header: 'Source',
    meta: {
      filter: Object.entries(sourceLabels).map(([value, label]) => ({ value, label })),
      format: (row) => sourceLabels[row.source] ?? row.source,
    },
  },
  { accessorKey: 'description', header: 'Description', meta: { filter: 'text' } },
  { accessorKey: 'status', header: 'Status', meta: { filter: 'text' } },
  { accessorKey: 'column', header: 'Counts in', meta: { filter: columnOptions } },
  { accessorKey: 'date', header: 'Date', meta: { format: (row) => formatDate(row.date) } },
  {
    accessorKey: 'amount',
    header: 'Amount',
    meta: { align: 'right', format: (row) => formatMoneyDisplay(row.amount, row.currency) },
  },
];

/** The records behind a cost code's numbers, each linking to its page (analytic lines live in Odoo). */
export function CostRecordsTable({ projectId, costCodeId }: { projectId: string; costCodeId: string }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.cost.records.queryOptions({ ...input, projectId, costCodeId })}
      csvFileName="cost-code-records"
      searchPlaceholder="Search record or description"
      emptyMessage="No change orders, commitments, claims or actual cost on this code yet."
      pageSize={25}
    />
  );
}
