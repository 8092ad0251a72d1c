'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Badge, Card, EmptyState } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';
import type { SyncHistory } from '@/server/sync/sync.queries';

type Attempt = SyncHistory['attempts'][number];
type Tone = 'slate' | 'green' | 'red' | 'amber' | 'blue';

export const syncStatusDisplay: Record<
  SyncHistory['syncStatus'],
  { label: string; tone: Tone; hint: string }
> = {
  not_required: {
    label: 'Not required',
    tone: 'slate',
    hint: 'Nothing about this record needs to reach Odoo yet.',
  },
  pending: {
    label: 'Pending',
    tone: 'blue',
    hint: 'Waiting for the sync worker, or for a retry after a failed attempt.',
  },
  synced: { label: 'Synced', tone: 'green', hint: 'Odoo matches this record.' },
  failed: {
    label: 'Failed',
    tone: 'red',
    hint: 'Odoo refused the change or stayed unreachable; finance has it in the exception queue.',
  },
  blocked: {
    label: 'Blocked',
    tone: 'amber',
    hint: 'The Odoo connection is not usable (credentials, rights or modules); an administrator must fix it.',
  },
};

const outcomeDisplay: Record<Attempt['outcome'], { label: string; tone: Tone }> = {
  success: { label: 'Done', tone: 'green' },
  transient_error: { label: 'Odoo unreachable or busy · retried', tone: 'amber' },
  ambiguous: { label: 'No answer · re-checked Odoo', tone: 'amber' },
  business_error: { label: 'Refused by Odoo', tone: 'red' },
  configuration_error: { label: 'Connection problem', tone: 'red' },
  programming_error: { label: 'Call Odoo cannot run · for an engineer', tone: 'red' },
  crashed: { label: 'Plumbline error · retried', tone: 'amber' },
};

function formatDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** The "Sync" panel of any record page: status, the Odoo documents made, and every attempt. */
export function SyncTab({ recordType, recordId }: { recordType: string; recordId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = { recordType, recordId };
  const me = useQuery(trpc.session.me.queryOptions());
  const history = useQuery({
    ...trpc.sync.history.queryOptions(input),
    // while a sync is under way, follow it without a reload
    refetchInterval: (query) => (query.state.data?.syncStatus === 'pending' ? 3_000 : false),
  });
  const retry = useMutation(
    trpc.sync.retry.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.sync.history.queryKey(input) }),
    }),
  );
  // display only: the server checks sync.retry again
  const canRetry = me.data?.permissions.includes('sync.retry') ?? false;

  if (history.error) return <Alert>{errorMessage(history.error)}</Alert>;
  if (!history.data) return <p className="text-sm text-slate-500">Loading sync history…</p>;
  const data = history.data;
  const status = syncStatusDisplay[data.syncStatus];

  return (
    <div className="space-y-4" data-testid="sync-tab">
      <Card
        title="Odoo sync"
        actions={
          canRetry ? (
            <Button
              variant="secondary"
              onClick={() => retry.mutate(input)}
              disabled={retry.isPending}
              data-testid="sync-retry"
            >
              {retry.isPending ? 'Requesting…' : 'Retry now'}
            </Button>
          ) : null
        }
      >
        <div className="flex items-center gap-3 text-sm" data-testid="sync-status">
          <Badge tone={status.tone}>{status.label}</Badge>
          <span className="text-slate-600">{status.hint}</span>
        </div>
        {retry.error ? (
          <div className="mt-3">
            <Alert>{errorMessage(retry.error)}</Alert>
          </div>
        ) : null}
        {retry.isSuccess ? (
          <div className="mt-3">
            <Alert tone="success">Sync requested. The timeline below updates as it runs.</Alert>
          </div>
        ) : null}
      </Card>

      <Card title="Records in Odoo">
        {data.links.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing has been created in Odoo for {data.reference} yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.links.map((link) => (
              <li key={link.purpose} className="flex flex-wrap gap-x-4 py-1.5">
                <span className="font-medium text-slate-800">{link.purpose.replaceAll('_', ' ')}</span>
                <span className="font-mono text-slate-600">
                  {link.odooModel} #{link.odooId}
                </span>
                <span className="text-slate-600">ref {link.reference}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Attempts">
        {data.attempts.length === 0 ? (
          <EmptyState title="No attempts yet">
            A sync is attempted once the record reaches a state Odoo needs to know about.
          </EmptyState>
        ) : (
          <ol className="space-y-3" aria-label="Sync attempts" data-testid="sync-attempts">
            {data.attempts.map((attempt) => (
              <AttemptItem key={attempt.id} attempt={attempt} />
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

function AttemptItem({ attempt }: { attempt: Attempt }) {
  const outcome = outcomeDisplay[attempt.outcome];
  return (
    <li className="border-l-2 border-slate-200 pl-3 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="text-slate-500">{formatDateTime(attempt.startedAt)}</span>
        <span className="text-slate-500">attempt #{attempt.attemptNumber}</span>
        <Badge tone={outcome.tone}>{outcome.label}</Badge>
        <span className="text-slate-800">{attempt.operation}</span>
        {attempt.odooModel && attempt.odooId ? (
          <span className="font-mono text-xs text-slate-600">
            {attempt.odooModel} #{attempt.odooId}
          </span>
        ) : null}
        <span className="text-slate-500">{formatDuration(attempt.durationMs)}</span>
      </div>
      {attempt.errorName ? (
        <p className="mt-1 text-slate-700">
          <span className="font-mono text-xs">{attempt.errorName}</span>
          {attempt.httpStatus ? (
            <span className="text-slate-500"> (HTTP {attempt.httpStatus})</span>
          ) : null}: {attempt.errorMessage}
        </p>
      ) : null}
    </li>
  );
}
