'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { Badge } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import type { ChangeOrderListRow } from '@/server/modules/change-orders/change-order.schemas';
import { kindLabels, statusTones } from './labels';

const statusOptions = ['draft', 'submitted', 'approved', 'rejected', 'void'].map((value) => ({
  value,
  label: value,
}));
const syncOptions = ['not_required', 'pending', 'synced', 'failed', 'blocked'].map((value) => ({
  value,
  label: value.replace('_', ' '),
}));

function columns(showProject: boolean): ColumnDef<ChangeOrderListRow>[] {
  return [
    {
      accessorKey: 'reference',
      header: 'Reference',
      meta: {
        filter: 'text',
        format: (row) => (row.revision > 1 ? `${row.reference} rev ${row.revision}` : row.reference),
      },
    },
    ...(showProject
      ? [{ accessorKey: 'projectCode', header: 'Project', meta: { filter: 'text' as const } }]
      : []),
    { accessorKey: 'title', header: 'Title', meta: { filter: 'text' } },
    {
      accessorKey: 'kind',
      header: 'Kind',
      meta: {
        filter: Object.entries(kindLabels).map(([value, label]) => ({ value, label })),
        format: (row) => kindLabels[row.kind] ?? row.kind,
      },
    },
    {
      accessorKey: 'status',
      header: 'Status',
      meta: {
        filter: statusOptions,
        format: (row) => (row.isProceeding ? `${row.status} (proceeding)` : row.status),
      },
      cell: ({ row }) => (
        <span className="flex gap-1">
          <Badge tone={statusTones[row.original.status]}>{row.original.status}</Badge>
          {row.original.isProceeding ? <Badge tone="amber">proceeding</Badge> : null}
        </span>
      ),
    },
    {
      accessorKey: 'costTotalAmount',
      header: 'Cost',
      meta: { align: 'right', format: (row) => formatMoneyDisplay(row.costTotalAmount, row.currency) },
    },
    {
      accessorKey: 'sellTotalAmount',
      header: 'Sell',
      meta: {
        align: 'right',
        format: (row) => (row.sellTotalAmount ? formatMoneyDisplay(row.sellTotalAmount, row.currency) : ''),
      },
    },
    {
      accessorKey: 'syncStatus',
      header: 'Odoo sync',
      meta: { filter: syncOptions, format: (row) => row.syncStatus.replace('_', ' ') },
      cell: ({ row }) => (
        <Badge tone={statusTones[row.original.syncStatus]}>{row.original.syncStatus.replace('_', ' ')}</Badge>
      ),
    },
    { accessorKey: 'updatedAt', header: 'Updated', meta: { format: (row) => formatDateTime(row.updatedAt) } },
  ];
}

export function ChangeOrderTable({ projectId, canCreate }: { projectId?: string; canCreate?: boolean }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns(!projectId)}
      query={(input) => trpc.changeOrders.list.queryOptions({ ...input, projectId })}
      csvFileName={projectId ? 'change-orders-project' : 'change-orders'}
      rowHref={(row) => `/projects/${row.projectId}/change-orders/${row.id}`}
      searchPlaceholder="Search reference or title"
      initialSort={{ id: 'updatedAt', desc: true }}
      emptyMessage="No change orders yet."
      toolbar={
        canCreate && projectId ? (
          <Link
            href={`/projects/${projectId}/change-orders/new`}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            New change order
          </Link>
        ) : null
      }
    />
  );
}
