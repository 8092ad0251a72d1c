'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/data-table/data-table';
import { useTRPC } from '@/components/trpc/react';
import { formatDateTime } from '@/components/ui/format';
import type { AppRouter } from '@/server/api/root';
import type { inferRouterOutputs } from '@trpc/server';

type AuditRow = inferRouterOutputs<AppRouter>['settings']['auditLog']['rows'][number];

function describeChanges(row: AuditRow): string {
  if (!row.changedFields) return '';
  return Object.entries(row.changedFields)
    .map(([field, change]) => `${field}: ${JSON.stringify(change.old)} → ${JSON.stringify(change.new)}`)
    .join('; ');
}

const columns: ColumnDef<AuditRow>[] = [
  { accessorKey: 'occurredAt', header: 'When', meta: { format: (row) => formatDateTime(row.occurredAt) } },
  {
    accessorKey: 'actorName',
    header: 'Who',
    meta: { filter: 'text', format: (row) => `${row.actorName ?? 'system'} (${row.actorRole ?? ''})` },
  },
  { accessorKey: 'action', header: 'Action', meta: { filter: 'text' } },
  {
    accessorKey: 'entityType',
    header: 'Record',
    meta: { filter: 'text', format: (row) => `${row.entityType} ${row.entityId.slice(0, 8)}` },
  },
  {
    id: 'transition',
    header: 'From → to',
    enableSorting: false,
    meta: {
      format: (row) =>
        row.fromState || row.toState ? `${row.fromState ?? '—'} → ${row.toState ?? '—'}` : '',
    },
  },
  { id: 'changes', header: 'Changes', enableSorting: false, meta: { format: describeChanges } },
  { accessorKey: 'comment', header: 'Comment', enableSorting: false },
];

export function AuditTable() {
  const trpc = useTRPC();
  return (
    <DataTable
      columns={columns}
      query={(input) => trpc.settings.auditLog.queryOptions(input)}
      csvFileName="audit-log"
      searchPlaceholder="Search action or person"
    />
  );
}
