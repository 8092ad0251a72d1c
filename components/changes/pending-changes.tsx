'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { PlainTable } from '@/components/data-table/plain-table';
import { useMemo, useState } from 'react';
import { useStepUp } from '@/components/mfa/step-up';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';
import type { PendingChangeView } from '@/server/modules/approvals/approvals.schemas';

/** A changed value as people may see it: bank details only as last 4 and the start of their fingerprint. */
function shownValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object' && value !== null && 'last4' in value && 'fingerprint' in value) {
    const { last4, fingerprint } = value as { last4: string; fingerprint: string };
    return `…${last4} (${fingerprint.slice(0, 19)}…)`;
  }
  return String(value);
}

const fieldLabels: Record<string, string> = {
  bankAccountName: 'Account name',
  bankAccountNumber: 'Account number',
  insuranceExpiresOn: 'Insurance expires',
  licenceExpiresOn: 'Licence expires',
  taxCertificateExpiresOn: 'Tax certificate expires',
  role: 'Role',
  isActive: 'Active',
  twoStepSignIn: 'Two-step sign-in',
};

const column = createColumnHelper<PendingChangeView>();

/**
 * Dual control: the second person sees what waits — the kind, the record, who asked and when, each
 * changed field old → new — and confirms or rejects it. The buttons follow the approvals module's
 * answer (`canDecide`/`whyNot`); the server decides again.
 */
export function PendingChanges() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'pending' | 'decided'>('pending');
  const list = useQuery(trpc.pendingChanges.list.queryOptions({ status }));
  const [notice, setNotice] = useState<string | null>(null);
  const stepUp = useStepUp();
  const refresh = (message: string) => (
    setNotice(message),
    queryClient.invalidateQueries({ queryKey: trpc.pendingChanges.list.pathKey() })
  );
  const confirm = useMutation(
    trpc.pendingChanges.confirm.mutationOptions({
      onSuccess: () => refresh('Confirmed: the change has taken effect.'),
    }),
  );
  const reject = useMutation(
    trpc.pendingChanges.reject.mutationOptions({ onSuccess: () => refresh('Rejected: nothing changed.') }),
  );
  const cancel = useMutation(
    trpc.pendingChanges.cancel.mutationOptions({ onSuccess: () => refresh('Cancelled.') }),
  );
  // confirming new bank details needs a fresh code: asked for in place, then the confirmation is retried
  const confirmWithStepUp = (changeId: string) =>
    confirm.mutate(
      { changeId },
      { onError: (e) => void stepUp.intercept(e, () => confirmWithStepUp(changeId)) },
    );
  const busy = confirm.isPending || reject.isPending || cancel.isPending;
  const error = stepUp.active ? null : (confirm.error ?? reject.error ?? cancel.error);

  const columns = useMemo(
    () => [
      column.accessor('kindLabel', { header: 'Change' }),
      column.accessor((row) => row.summary.subject, { id: 'subject', header: 'Of' }),
      column.display({
        id: 'changes',
        header: 'What changes',
        cell: ({ row }) => (
          <ul className="space-y-0.5" data-testid="change-fields">
            {Object.entries(row.original.summary.changes).map(([field, change]) => (
              <li key={field}>
                <span className="text-slate-500">{fieldLabels[field] ?? field}:</span>{' '}
                {shownValue(change.old)} → <strong>{shownValue(change.new)}</strong>
              </li>
            ))}
          </ul>
        ),
      }),
      column.accessor('requestedBy', {
        header: 'Asked for by',
        cell: ({ row }) => `${row.original.requestedBy}, ${formatDateTime(row.original.requestedAt)}`,
      }),
      column.display({
        id: 'decision',
        header: status === 'pending' ? 'Decision' : 'Decided',
        cell: ({ row }) => {
          const c = row.original;
          if (c.status !== 'pending') {
            return (
              <span>
                <Badge tone={c.status === 'confirmed' ? 'green' : c.status === 'rejected' ? 'red' : 'slate'}>
                  {c.status}
                </Badge>{' '}
                {c.decidedBy ?? ''} {formatDateTime(c.decidedAt)}
              </span>
            );
          }
          return (
            <div className="flex flex-wrap items-center gap-2">
              {c.canDecide ? (
                <>
                  <Button disabled={busy} onClick={() => confirmWithStepUp(c.id)}>
                    Confirm
                  </Button>
                  <Button
                    variant="secondary"
                    disabled={busy}
                    onClick={() => reject.mutate({ changeId: c.id })}
                  >
                    Reject
                  </Button>
                </>
              ) : (
                <span className="text-xs text-slate-500" data-testid="why-not">
                  {c.whyNot}
                </span>
              )}
              {c.canCancel ? (
                <Button variant="ghost" disabled={busy} onClick={() => cancel.mutate({ changeId: c.id })}>
                  Cancel request
                </Button>
              ) : null}
            </div>
          );
        },
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the mutations are stable; `busy` and `status` redraw the buttons
    [busy, status],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: list.data ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });

  return (
    <div className="space-y-4">
      <div className="flex gap-2" role="tablist" aria-label="Pending or decided">
        {(['pending', 'decided'] as const).map((s) => (
          <Button
            key={s}
            role="tab"
            aria-selected={status === s}
            variant={status === s ? 'primary' : 'ghost'}
            onClick={() => (setNotice(null), setStatus(s))}
          >
            {s === 'pending' ? 'Waiting' : 'Decided'}
          </Button>
        ))}
      </div>
      {notice && !error ? <Alert tone="success">{notice}</Alert> : null}
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      {stepUp.prompt}
      {list.error ? <Alert>{errorMessage(list.error)}</Alert> : null}
      {list.data && list.data.length === 0 ? (
        <EmptyState
          title={status === 'pending' ? 'Nothing waits for a second person.' : 'No decided changes yet.'}
        />
      ) : (
        <Card>
          <PlainTable table={table} testId="pending-changes" />
        </Card>
      )}
    </div>
  );
}
