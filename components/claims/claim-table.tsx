'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { Badge } from '@/components/ui/feedback';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import type { ClaimListRow } from '@/server/modules/claims/claim.schemas';
import { claimStatuses, claimStatusTones, claimTypeLabels } from './labels';

const statusOptions = claimStatuses.map((value) => ({ value, label: value }));
const syncOptions = ['not_required', 'pending', 'synced', 'failed', 'blocked'].map((value) => ({
  value,
  label: value.replace('_', ' '),
}));

function columns(showProject: boolean): ColumnDef<ClaimListRow>[] {
  return [
    {
      accessorKey: 'reference',
      header: 'Claim',
      meta: {
        filter: 'text',
        format: (row) => (row.revision > 1 ? `${row.reference} rev ${row.revision}` : row.reference),
      },
    },
    ...(showProject
      ? [{ accessorKey: 'projectCode', header: 'Project', meta: { filter: 'text' as const } }]
      : []),
    { accessorKey: 'subcontractReference', header: 'Subcontract', meta: { filter: 'text' } },
    { accessorKey: 'vendorName', header: 'Vendor', meta: { filter: 'text' } },
    { accessorKey: 'periodEnd', header: 'Period end', meta: { filter: 'text' } },
    {
      accessorKey: 'type',
      header: 'Type',
      meta: {
        filter: Object.entries(claimTypeLabels).map(([value, label]) => ({ value, label })),
        format: (row) => claimTypeLabels[row.type] ?? row.type,
      },
    },
    {
      accessorKey: 'status',
      header: 'Status',
      meta: { filter: statusOptions, format: (row) => row.status },
      cell: ({ row }) => <Badge tone={claimStatusTones[row.original.status]}>{row.original.status}</Badge>,
    },
    {
      accessorKey: 'certifiedToDateAmount',
      header: 'Certified to date',
      meta: {
        align: 'right',
        format: (row) =>
          row.certifiedToDateAmount ? formatMoneyDisplay(row.certifiedToDateAmount, row.currency) : '',
      },
    },
    {
      accessorKey: 'dueAmount',
      header: 'Due',
      meta: {
        align: 'right',
        format: (row) => (row.dueAmount ? formatMoneyDisplay(row.dueAmount, row.currency) : ''),
      },
    },
    {
      accessorKey: 'syncStatus',
      header: 'Odoo sync',
      meta: { filter: syncOptions, format: (row) => row.syncStatus.replace('_', ' ') },
      cell: ({ row }) => (
        <Badge tone={claimStatusTones[row.original.syncStatus]}>
          {row.original.syncStatus.replace('_', ' ')}
        </Badge>
      ),
    },
    { accessorKey: 'updatedAt', header: 'Updated', meta: { format: (row) => formatDateTime(row.updatedAt) } },
  ];
}

/** Claims across subcontracts (every project the person sees, or one project): filter, sort, CSV. */
export function ClaimTable({ projectId, canCreate }: { projectId?: string; canCreate?: boolean }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns(!projectId)}
      query={(input) => trpc.claims.list.queryOptions({ ...input, projectId })}
      csvFileName={projectId ? 'claims-project' : 'claims'}
      rowHref={(row) => `/projects/${row.projectId}/claims/${row.id}`}
      searchPlaceholder="Search claim, subcontract or vendor"
      initialSort={{ id: 'updatedAt', desc: true }}
      emptyMessage="No claims yet."
      toolbar={
        canCreate && projectId ? (
          <Link
            href={`/projects/${projectId}/claims/new`}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          >
            New claim
          </Link>
        ) : null
      }
    />
  );
}
