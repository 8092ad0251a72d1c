'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDateTime, formatMoneyDisplay } from '@/components/ui/format';
import type { SubcontractListRow } from '@/server/modules/subcontracts/subcontract.schemas';

const states = ['purchase', 'done', 'cancel'].map((value) => ({ value, label: value }));

const columns: ColumnDef<SubcontractListRow>[] = [
  { accessorKey: 'reference', header: 'Reference', meta: { filter: 'text' } },
  { accessorKey: 'title', header: 'Title', meta: { filter: 'text' } },
  { accessorKey: 'projectCode', header: 'Project', meta: { filter: 'text' } },
  { accessorKey: 'vendorName', header: 'Vendor', meta: { filter: 'text' } },
  { accessorKey: 'odooState', header: 'Odoo state', meta: { filter: states } },
  {
    accessorKey: 'scheduledAmount',
    header: 'Scheduled value',
    meta: { align: 'right', format: (row) => formatMoneyDisplay(row.scheduledAmount, row.currency) },
  },
  { accessorKey: 'retentionRate', header: 'Retention', meta: { align: 'right' } },
  {
    id: 'unmappedLines',
    header: 'Lines without cost code',
    enableSorting: false,
    meta: { align: 'right', format: (row) => (row.unmappedLines ? `⚠ ${row.unmappedLines}` : '0') },
  },
  {
    accessorKey: 'lastPulledAt',
    header: 'Last pulled',
    meta: { format: (row) => formatDateTime(row.lastPulledAt) },
  },
];

/** All subcontracts the person sees; with `projectId`, one project's (its tab). */
export function SubcontractTable({ projectId }: { projectId?: string }) {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={
        projectId
          ? columns.filter(
              (c) => c.id !== 'projectCode' && !('accessorKey' in c && c.accessorKey === 'projectCode'),
            )
          : columns
      }
      query={(input) =>
        trpc.masterData.subcontracts.queryOptions(
          projectId ? { ...input, filters: { ...input.filters, projectId } } : input,
        )
      }
      csvFileName={projectId ? 'project-subcontracts' : 'subcontracts'}
      rowHref={(row) => `/subcontracts/${row.id}`}
      searchPlaceholder="Search reference, title, vendor or project"
      emptyMessage="No subcontracts yet: confirmed purchase orders arrive with the next pull from Odoo."
    />
  );
}
