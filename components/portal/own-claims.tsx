'use client';

import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import Link from 'next/link';
import { PlainTable } from '@/components/data-table/plain-table';
import { claimStatusTones } from '@/components/claims/labels';
import { useTRPC } from '@/components/trpc/react';
import { Badge, EmptyState } from '@/components/ui/feedback';
import { formatDate, formatMoneyDisplay } from '@/components/ui/format';
import { paymentStageLabels, type PortalClaimRow } from '@/server/modules/portal/portal.schemas';

const column = createColumnHelper<PortalClaimRow>();
const columns = [
  column.accessor('reference', {
    header: 'Claim',
    cell: ({ row }) => (
      <Link href={`/sub/claims/${row.original.id}`} className="font-medium text-brand-700 hover:underline">
        {row.original.revision > 1
          ? `${row.original.reference} rev ${row.original.revision}`
          : row.original.reference}
      </Link>
    ),
  }),
  column.accessor('projectCode', { header: 'Project' }),
  column.accessor('subcontractReference', { header: 'Subcontract' }),
  column.accessor('periodEnd', { header: 'Period end', cell: ({ getValue }) => formatDate(getValue()) }),
  column.accessor('status', {
    header: 'Status',
    cell: ({ getValue }) => <Badge tone={claimStatusTones[getValue()]}>{getValue()}</Badge>,
  }),
  column.accessor('claimedToDateAmount', {
    header: () => <span className="block text-right">Claimed to date</span>,
    cell: ({ row }) => (
      <span className="tabular block text-right">
        {formatMoneyDisplay(row.original.claimedToDateAmount, row.original.currency)}
      </span>
    ),
  }),
  column.accessor('certifiedToDateAmount', {
    header: () => <span className="block text-right">Certified to date</span>,
    cell: ({ row }) => (
      <span className="tabular block text-right">
        {row.original.certifiedToDateAmount
          ? formatMoneyDisplay(row.original.certifiedToDateAmount, row.original.currency)
          : '—'}
      </span>
    ),
  }),
  column.accessor('dueAmount', {
    header: () => <span className="block text-right">Due this claim</span>,
    cell: ({ row }) => (
      <span className="tabular block text-right">
        {row.original.dueAmount ? formatMoneyDisplay(row.original.dueAmount, row.original.currency) : '—'}
      </span>
    ),
  }),
  column.accessor('payment', {
    header: 'Where the money is',
    cell: ({ getValue }) => paymentStageLabels[getValue()] ?? getValue(),
  }),
];

/** The subcontractor's claims as a table (all of them, or one subcontract's). */
export function OwnClaimsTable({ rows }: { rows: PortalClaimRow[] }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel() });
  if (rows.length === 0)
    return <EmptyState title="No claims yet">Open a subcontract to start your first claim.</EmptyState>;
  return <PlainTable table={table} testId="own-claims" />;
}

export function OwnClaims() {
  const trpc = useTRPC();
  const claims = useQuery(trpc.portal.claims.queryOptions());
  if (claims.error)
    return <EmptyState title="Your claims could not be loaded">{claims.error.message}</EmptyState>;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <OwnClaimsTable rows={claims.data ?? []} />
    </section>
  );
}
