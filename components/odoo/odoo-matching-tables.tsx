'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDateTime } from '@/components/ui/format';
import type {
  SetupProjectRow,
  UnlinkedRecordRow,
} from '@/server/modules/odoo-connection/odoo-connection.schemas';

const linked = (id: number | null) => (id ? `#${id}` : 'not linked');

const projectColumns: ColumnDef<SetupProjectRow>[] = [
  { accessorKey: 'code', header: 'Project', meta: { filter: 'text' } },
  { accessorKey: 'name', header: 'Name', meta: { filter: 'text' } },
  { accessorKey: 'currency', header: 'Currency', enableSorting: false },
  {
    id: 'odooId',
    header: 'Odoo project',
    enableSorting: false,
    meta: { format: (row) => linked(row.odooId) },
  },
  {
    id: 'odooSaleOrderId',
    header: 'Sale order',
    enableSorting: false,
    meta: { format: (row) => linked(row.odooSaleOrderId) },
  },
  {
    id: 'odooCompanyId',
    header: 'Odoo company',
    enableSorting: false,
    meta: { format: (row) => (row.odooCompanyId ? `#${row.odooCompanyId}` : '—') },
  },
  {
    accessorKey: 'subcontracts',
    header: 'Purchase orders linked',
    enableSorting: false,
    meta: { align: 'right' },
  },
];

const models = [
  { value: 'project.project', label: 'Project' },
  { value: 'purchase.order', label: 'Purchase order' },
];

const unlinkedColumns: ColumnDef<UnlinkedRecordRow>[] = [
  {
    accessorKey: 'odooModel',
    header: 'Kind',
    meta: {
      filter: models,
      format: (row) => models.find((m) => m.value === row.odooModel)?.label ?? row.odooModel,
    },
  },
  {
    accessorKey: 'name',
    header: 'Odoo record',
    meta: { filter: 'text', format: (row) => `${row.name} (#${row.odooId})` },
  },
  {
    id: 'reason',
    header: 'Why it is not linked',
    enableSorting: false,
    meta: { format: (row) => row.reason },
  },
  {
    accessorKey: 'firstSeenAt',
    header: 'First seen',
    meta: { format: (row) => formatDateTime(row.firstSeenAt) },
  },
];

export function SetupProjectsTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={projectColumns}
      query={(input) => trpc.odoo.setupProjects.queryOptions(input)}
      csvFileName="odoo-project-matching"
      emptyMessage="No projects yet."
    />
  );
}

export function UnlinkedRecordsTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={unlinkedColumns}
      query={(input) => trpc.odoo.unlinkedRecords.queryOptions(input)}
      csvFileName="odoo-not-linked"
      emptyMessage="Every Odoo project and confirmed purchase order the pull read is linked to Plumbline."
    />
  );
}
