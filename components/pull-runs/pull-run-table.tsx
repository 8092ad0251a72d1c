'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDateTime } from '@/components/ui/format';
import type { PullRunRow } from '@/server/modules/pull/pull.schemas';

const statuses = ['running', 'succeeded', 'partial', 'failed'].map((value) => ({ value, label: value }));
const triggers = ['schedule', 'manual', 'startup'].map((value) => ({ value, label: value }));

const columns: ColumnDef<PullRunRow>[] = [
  { accessorKey: 'startedAt', header: 'Started', meta: { format: (row) => formatDateTime(row.startedAt) } },
  { accessorKey: 'trigger', header: 'Trigger', meta: { filter: triggers } },
  { accessorKey: 'status', header: 'Status', meta: { filter: statuses } },
  {
    id: 'triggeredBy',
    header: 'By',
    enableSorting: false,
    meta: { format: (row) => row.triggeredBy ?? 'system' },
  },
  { accessorKey: 'created', header: 'Created', enableSorting: false, meta: { align: 'right' } },
  { accessorKey: 'updated', header: 'Updated', enableSorting: false, meta: { align: 'right' } },
  { accessorKey: 'unchanged', header: 'Unchanged', enableSorting: false, meta: { align: 'right' } },
  { accessorKey: 'failed', header: 'Failed', enableSorting: false, meta: { align: 'right' } },
  {
    id: 'error',
    header: 'Problem',
    enableSorting: false,
    meta: { format: (row) => row.error?.split('\n')[0] ?? '' },
  },
];

export function PullRunTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.odoo.pullRuns.queryOptions(input)}
      csvFileName="pull-runs"
      rowHref={(row) => `/admin/pull-runs/${row.id}`}
      emptyMessage="No pull has run yet."
    />
  );
}
