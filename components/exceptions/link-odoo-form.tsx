'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { PlainTable } from '@/components/data-table/plain-table';
import { useMemo, useState, type FormEvent } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { Field } from '@/components/ui/field';
import type { LinkCandidate } from '@/server/modules/exceptions/exception.schemas';
import type { ExceptionRow } from '@/server/modules/exceptions/exception.schemas';

const column = createColumnHelper<LinkCandidate>();

/**
 * Link an existing Odoo bill / invoice. "Find in Odoo" lists the documents of the right kind that share
 * the record's partner, reference or total, each with what matches and what does not; the server
 * checks again on link (same partner, amount and reference). A raw id stays possible for the rare
 * document the search does not show.
 */
export function LinkOdooForm({
  exception,
  onDone,
}: {
  exception: ExceptionRow;
  onDone: (message: string | null) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [odooId, setOdooId] = useState('');
  const candidates = useQuery(
    trpc.exceptions.linkCandidates.queryOptions({ exceptionId: exception.id }, { retry: false }),
  );
  const link = useMutation(
    trpc.exceptions.link.mutationOptions({
      onSuccess: () => onDone('Linked. The record syncs again against the linked Odoo document.'),
    }),
  );
  const linkTo = (id: number) =>
    link.mutate({ exceptionId: exception.id, version: exception.version, odooId: id });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    linkTo(Number(odooId));
  }
  const document = exception.recordType === 'claim' ? 'vendor bill' : 'customer invoice';
  const columns = useMemo(
    () => [
      column.accessor((c) => c.name ?? `Draft (id ${c.odooId})`, { id: 'name', header: 'Document' }),
      column.accessor((c) => c.partner ?? '—', { id: 'partner', header: 'Partner' }),
      column.accessor((c) => c.ref ?? '—', { id: 'ref', header: 'Reference' }),
      column.accessor((c) => c.date ?? '—', { id: 'date', header: 'Date' }),
      column.accessor('amount', {
        header: 'Total',
        cell: (info) => <span className="tabular whitespace-nowrap">{info.getValue()}</span>,
      }),
      column.display({
        id: 'why',
        header: 'Match',
        cell: ({ row }) => (
          <span className="text-xs">
            {row.original.matches.length > 0 ? (
              <span className="text-emerald-800">{row.original.matches.join(', ')}</span>
            ) : null}
            {row.original.problems.length > 0 ? (
              <span className="block text-red-700">Cannot link: {row.original.problems.join('; ')}</span>
            ) : null}
          </span>
        ),
      }),
      column.display({
        id: 'act',
        header: () => <span className="sr-only">Link</span>,
        cell: ({ row }) =>
          row.original.problems.length === 0 ? (
            <Button
              onClick={() => linkTo(row.original.odooId)}
              disabled={link.isPending}
              aria-label={`Link ${row.original.name ?? `draft ${row.original.odooId}`}`}
            >
              {link.isPending ? 'Linking…' : 'Link this one'}
            </Button>
          ) : null,
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the mutation is stable; `isPending` redraws the buttons, the version goes in the link
    [link.isPending, exception.version],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: candidates.data?.candidates ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(row.odooId),
  });
  return (
    <Card title={`Link an Odoo ${document} to ${exception.recordReference ?? exception.recordId}`}>
      <div className="space-y-3">
        {link.error ? <Alert>{errorMessage(link.error)}</Alert> : null}
        <section aria-label="Candidates in Odoo" className="space-y-2">
          <h3 className="text-sm font-medium text-slate-800">Found in Odoo</h3>
          {candidates.isPending ? <p className="text-sm text-slate-600">Searching Odoo…</p> : null}
          {candidates.error ? <Alert>{errorMessage(candidates.error)}</Alert> : null}
          {candidates.data ? (
            candidates.data.candidates.length === 0 ? (
              <p className="text-sm text-slate-600">
                No {document} in Odoo shares the reference {candidates.data.expected.ref}, the partner or the
                total. Create it in Odoo first, or retry the sync to let Plumbline create it.
              </p>
            ) : (
              <div className="overflow-x-auto">
                <p className="text-xs text-slate-600">
                  Expected: reference {candidates.data.expected.ref}
                  {candidates.data.expected.amount ? `, total ${candidates.data.expected.amount}` : ''}. Only
                  an exact match can be linked.
                </p>
                <PlainTable table={table} testId="link-candidates" />
              </div>
            )
          ) : null}
        </section>
        <form onSubmit={onSubmit} className="space-y-3" aria-label="Link Odoo record">
          <Field
            label="Or enter its Odoo id"
            htmlFor="link-odoo-id"
            hint={`The id of the ${document} in Odoo (from its URL). It must carry the same partner, amount and reference.`}
          >
            <input
              id="link-odoo-id"
              inputMode="numeric"
              value={odooId}
              onChange={(e) => setOdooId(e.target.value.replace(/\D/g, ''))}
              aria-describedby="link-odoo-id-hint"
              className="w-40 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
            />
          </Field>
          <div className="flex gap-2">
            <Button type="submit" disabled={link.isPending || odooId === ''}>
              {link.isPending ? 'Linking…' : 'Link'}
            </Button>
            <Button variant="secondary" onClick={() => void onDone(null)}>
              Cancel
            </Button>
          </div>
        </form>
      </div>
    </Card>
  );
}
