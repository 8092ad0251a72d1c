'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { PlainTable } from '@/components/data-table/plain-table';
import { useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card, EmptyState, PageHeader } from '@/components/ui/feedback';
import { describedBy, Field, Input } from '@/components/ui/field';
import { formErrorsOf } from '@/components/ui/form-errors';
import { formatMoneyDisplay, formatRate } from '@/components/ui/format';
import type { PortalSubcontract } from '@/server/modules/portal/portal.schemas';
import { OwnClaimsTable } from './own-claims';

type Line = PortalSubcontract['lines'][number];
const column = createColumnHelper<Line>();

/** One subcontract: its schedule of values with what is certified and what remains, its claims, a new claim. */
export function OwnSubcontract({ subcontractId }: { subcontractId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const detail = useQuery(trpc.portal.subcontract.queryOptions({ subcontractId }));
  const [periodEnd, setPeriodEnd] = useState('');
  const start = useMutation(
    trpc.portal.startClaim.mutationOptions({
      onSuccess: (created) => router.push(`/sub/claims/${created.id}`),
    }),
  );
  const errors = formErrorsOf(start.error);
  const currency = detail.data?.currency ?? 'GBP';
  const money = (value: string) => (
    <span className="tabular block text-right">{formatMoneyDisplay(value, currency)}</span>
  );
  const right = (label: string) =>
    function RightAligned() {
      return <span className="block text-right">{label}</span>;
    };
  const columns = [
    column.accessor('lineNo', { header: '#' }),
    column.accessor('description', {
      header: 'Description',
      cell: ({ row }) => (
        <>
          {row.original.description}
          {row.original.fromChangeOrder ? (
            <span className="ml-1 text-xs text-slate-500">(change order)</span>
          ) : null}
        </>
      ),
    }),
    column.accessor('scheduledAmount', {
      header: right('Scheduled'),
      cell: ({ getValue }) => money(getValue()),
    }),
    column.accessor('previousCertifiedAmount', {
      header: right('Certified to date'),
      cell: ({ getValue }) => money(getValue()),
    }),
    column.accessor('remainingAmount', {
      header: right('Remaining'),
      cell: ({ getValue }) => money(getValue()),
    }),
  ];
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: detail.data?.lines ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
  });
  if (detail.error) return <EmptyState title="Subcontract not found">{detail.error.message}</EmptyState>;
  const sc = detail.data;
  if (!sc) return null;
  const open = sc.claims.find((c) => ['draft', 'submitted', 'certified'].includes(c.status));

  function onStart(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    start.mutate({ subcontractId, periodEnd });
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title={`${sc.reference} · ${sc.title}`}
        description={`${sc.projectCode} ${sc.projectName} · retention ${formatRate(sc.retentionRate)} · scheduled ${formatMoneyDisplay(sc.scheduledAmount, currency)}, certified to date ${formatMoneyDisplay(sc.certifiedToDateAmount, currency)}`}
      />
      <Card title="Schedule of values">
        <PlainTable table={table} testId="own-sov" />
      </Card>
      <Card title="Start a claim">
        {open ? (
          <Alert tone="info">
            {open.reference} is {open.status}: finish it, or wait until it is decided, before starting the
            next claim.
          </Alert>
        ) : (
          <form onSubmit={onStart} className="flex flex-wrap items-end gap-3" aria-label="Start a claim">
            <Field
              label="Period end"
              htmlFor="periodEnd"
              hint="The last day of the period this claim covers."
              error={errors.fields.periodEnd}
            >
              <Input
                id="periodEnd"
                name="periodEnd"
                type="date"
                required
                value={periodEnd}
                onChange={(e) => setPeriodEnd(e.target.value)}
                {...describedBy('periodEnd', errors.fields.periodEnd, true)}
              />
            </Field>
            <Button type="submit" disabled={start.isPending}>
              {start.isPending ? 'Starting…' : 'Start claim'}
            </Button>
            {errors.summary && !errors.fields.periodEnd ? <Alert>{errors.summary}</Alert> : null}
          </form>
        )}
      </Card>
      <Card title="Claims on this subcontract">
        <OwnClaimsTable rows={sc.claims} />
      </Card>
    </div>
  );
}
