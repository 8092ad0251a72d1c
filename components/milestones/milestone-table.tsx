'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { Badge } from '@/components/ui/feedback';
import { formatDate, formatMoneyDisplay } from '@/components/ui/format';
import type { MilestoneListRow } from '@/server/modules/milestones/milestone.schemas';
import { milestoneStatusLabels, milestoneStatusTones } from './labels';

const statusOptions = Object.entries(milestoneStatusLabels).map(([value, label]) => ({ value, label }));
const syncOptions = ['not_required', 'pending', 'synced', 'failed', 'blocked'].map((value) => ({
  value,
  label: value.replace('_', ' '),
}));

function columns(showProject: boolean): ColumnDef<MilestoneListRow>[] {
  return [
    { accessorKey: 'reference', header: 'Reference', meta: { filter: 'text' } },
    ...(showProject
      ? [{ accessorKey: 'projectCode', header: 'Project', meta: { filter: 'text' as const } }]
      : []),
    { accessorKey: 'name', header: 'Milestone', meta: { filter: 'text' } },
    {
      accessorKey: 'plannedDate',
      header: 'Planned',
      meta: { format: (row) => `${formatDate(row.plannedDate)}${row.isOverdue ? ' (overdue)' : ''}` },
      cell: ({ row }) => (
        <span className="flex items-center gap-1">
          {formatDate(row.original.plannedDate)}
          {row.original.isOverdue ? <Badge tone="red">overdue</Badge> : null}
        </span>
      ),
    },
    {
      accessorKey: 'amount',
      header: 'Amount',
      meta: {
        align: 'right',
        format: (row) =>
          `${formatMoneyDisplay(row.amount, row.currency)}${row.percentOfContract ? ` (${row.percentOfContract} %)` : ''}`,
      },
    },
    {
      accessorKey: 'status',
      header: 'Status',
      meta: { filter: statusOptions, format: (row) => milestoneStatusLabels[row.status] ?? row.status },
      cell: ({ row }) => (
        <Badge tone={milestoneStatusTones[row.original.status]}>
          {milestoneStatusLabels[row.original.status] ?? row.original.status}
        </Badge>
      ),
    },
    {
      accessorKey: 'isOverdue',
      header: 'Overdue',
      meta: {
        filter: [
          { value: 'true', label: 'overdue' },
          { value: 'false', label: 'on time' },
        ],
        format: (row) => (row.isOverdue ? 'yes' : 'no'),
      },
    },
    {
      accessorKey: 'odooInvoiceName',
      header: 'Invoice',
      meta: { filter: 'text', format: (row) => row.odooInvoiceName ?? '' },
    },
    {
      accessorKey: 'syncStatus',
      header: 'Odoo sync',
      meta: { filter: syncOptions, format: (row) => row.syncStatus.replace('_', ' ') },
      cell: ({ row }) => (
        <Badge tone={milestoneStatusTones[row.original.syncStatus]}>
          {row.original.syncStatus.replace('_', ' ')}
        </Badge>
      ),
    },
  ];
}

/** Billing milestones of one project, or across the person's projects; overdue rows highlighted. */
export function MilestoneTable({ projectId, canCreate }: { projectId?: string; canCreate?: boolean }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns(!projectId)}
      query={(input) => trpc.milestones.list.queryOptions({ ...input, projectId })}
      csvFileName={projectId ? 'billing-milestones-project' : 'billing-milestones'}
      rowHref={(row) => `/projects/${row.projectId}/billing/${row.id}`}
      rowClassName={(row) => (row.isOverdue ? 'bg-red-50' : '')}
      searchPlaceholder="Search reference or milestone"
      initialSort={{ id: 'plannedDate', desc: false }}
      emptyMessage="No billing milestones yet."
      toolbar={
        canCreate && projectId ? (
          <Link
            href={`/projects/${projectId}/billing/new`}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            New milestone
          </Link>
        ) : null
      }
    />
  );
}
