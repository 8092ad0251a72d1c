'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { ProjectListRow } from '@/server/modules/projects/project.schemas';

const columns: ColumnDef<ProjectListRow>[] = [
  { accessorKey: 'code', header: 'Code', meta: { filter: 'text' } },
  { accessorKey: 'name', header: 'Project', meta: { filter: 'text' } },
  { accessorKey: 'clientName', header: 'Client', meta: { filter: 'text' } },
  {
    accessorKey: 'originalContractAmount',
    header: 'Contract value',
    meta: { align: 'right', format: (row) => formatMoneyDisplay(row.originalContractAmount, row.currency) },
  },
  {
    id: 'budgetAmount',
    header: 'Original budget',
    enableSorting: false,
    meta: { align: 'right', format: (row) => formatMoneyDisplay(row.budgetAmount, row.currency) },
  },
  { accessorKey: 'costCodeCount', header: 'Cost codes', enableSorting: false, meta: { align: 'right' } },
];

export function ProjectTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.projects.list.queryOptions(input)}
      csvFileName="projects"
      rowHref={(row) => `/projects/${row.id}`}
      searchPlaceholder="Search code, name or client"
      emptyMessage="You are not a member of any project yet."
    />
  );
}
