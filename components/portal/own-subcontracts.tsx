'use client';

import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import Link from 'next/link';
import { PlainTable } from '@/components/data-table/plain-table';
import { claimStatusTones } from '@/components/claims/labels';
import { useTRPC } from '@/components/trpc/react';
import { Badge, EmptyState } from '@/components/ui/feedback';
import { formatMoneyDisplay } from '@/components/ui/format';
import type { PortalSubcontractRow } from '@/server/modules/portal/portal.schemas';

const column = createColumnHelper<PortalSubcontractRow>();
const money = (key: 'scheduledAmount' | 'certifiedToDateAmount' | 'remainingAmount', label: string) =>
  column.accessor(key, {
    header: () => <span className="block text-right">{label}</span>,
    cell: ({ row }) => (
      <span className="tabular block text-right">
        {formatMoneyDisplay(row.original[key], row.original.currency)}
      </span>
    ),
  });
const columns = [
  column.accessor('reference', {
    header: 'Subcontract',
    cell: ({ row }) => (
      <Link
        href={`/sub/subcontracts/${row.original.id}`}
        className="font-medium text-brand-700 hover:underline"
      >
        {row.original.reference}
      </Link>
    ),
  }),
  column.accessor('title', { header: 'Scope' }),
  column.accessor('projectName', {
    header: 'Project',
    cell: ({ row }) => `${row.original.projectCode} · ${row.original.projectName}`,
  }),
  money('scheduledAmount', 'Scheduled'),
  money('certifiedToDateAmount', 'Certified to date'),
  money('remainingAmount', 'Remaining'),
  column.accessor('openClaim', {
    header: 'Open claim',
    cell: ({ getValue }) => {
      const open = getValue();
      return open ? (
        <Link href={`/sub/claims/${open.id}`} className="inline-flex items-center gap-1.5 hover:underline">
          {open.reference} <Badge tone={claimStatusTones[open.status]}>{open.status}</Badge>
        </Link>
      ) : (
        '—'
      );
    },
  }),
];

export function OwnSubcontracts() {
  const trpc = useTRPC();
  const list = useQuery(trpc.portal.subcontracts.queryOptions());
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({ data: list.data ?? [], columns, getCoreRowModel: getCoreRowModel() });
  if (list.error)
    return <EmptyState title="Your subcontracts could not be loaded">{list.error.message}</EmptyState>;
  if (list.data && list.data.length === 0)
    return (
      <EmptyState title="No subcontracts yet">
        When the contractor places a subcontract with your company, it appears here.
      </EmptyState>
    );
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <PlainTable table={table} testId="own-subcontracts" />
    </section>
  );
}
