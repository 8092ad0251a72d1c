'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { CountBarChart } from '@/components/charts/count-bar-chart';
import { GroupedBarChart } from '@/components/charts/grouped-bar-chart';
import { DataTable } from '@/components/data-table/data-table';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/feedback';
import { formatDateTime } from '@/components/ui/format';
import type { SyncAttemptRow } from '@/server/sync/sync-health.queries';

const outcomes = [
  { key: 'success', label: 'Success', color: '#16a34a' },
  { key: 'transient_error', label: 'Transient', color: '#f59e0b' },
  { key: 'ambiguous', label: 'Ambiguous', color: '#a855f7' },
  { key: 'business_error', label: 'Business', color: '#dc2626' },
  { key: 'configuration_error', label: 'Configuration', color: '#7f1d1d' },
  { key: 'programming_error', label: 'Plumbline bug', color: '#1e293b' },
  { key: 'crashed', label: 'Crashed', color: '#64748b' },
];
const recordTypes = [
  { value: 'change_order', label: 'Change order' },
  { value: 'claim', label: 'Claim' },
  { value: 'milestone', label: 'Milestone' },
];
const countKeys = [
  'checked',
  'matched',
  'missing',
  'duplicated',
  'amountChanged',
  'stateChanged',
  'cancelled',
  'resolved',
  'failed',
] as const;

const seconds = (value: number | null) =>
  value === null ? '—' : value < 90 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`;

/** Sync health: the queue, attempts by outcome, success rate, approval-to-Odoo latency, the last reconciliation. */
export function SyncHealth({ canReconcile }: { canReconcile: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [window, setWindow] = useState<'24h' | '7d'>('24h');
  const health = useQuery({ ...trpc.syncHealth.overview.queryOptions({ window }), refetchInterval: 10_000 });
  const [notice, setNotice] = useState<string | null>(null);
  const reconcile = useMutation(
    trpc.syncHealth.reconcile.mutationOptions({
      onSuccess: async () => {
        setNotice('Reconciliation requested: the worker compares every synced record with Odoo now.');
        await queryClient.invalidateQueries({ queryKey: trpc.syncHealth.pathKey() });
      },
    }),
  );
  const data = health.data;
  const last = data?.lastReconciliation;
  const columns: ColumnDef<SyncAttemptRow>[] = [
    {
      accessorKey: 'finishedAt',
      header: 'Finished',
      meta: { format: (row) => formatDateTime(row.finishedAt) },
    },
    { accessorKey: 'recordType', header: 'Record type', meta: { filter: recordTypes } },
    { accessorKey: 'operation', header: 'Operation', meta: { filter: 'text' } },
    {
      accessorKey: 'outcome',
      header: 'Outcome',
      meta: { filter: outcomes.map((o) => ({ value: o.key, label: o.label })) },
    },
    {
      accessorKey: 'errorName',
      header: 'Error',
      meta: {
        filter: 'text',
        format: (row) => (row.errorName ? `${row.errorName}: ${row.errorMessage ?? ''}` : ''),
      },
    },
    { accessorKey: 'attemptNumber', header: 'Attempt', meta: { align: 'right' } },
    { accessorKey: 'durationMs', header: 'Duration (ms)', meta: { align: 'right' } },
  ];
  return (
    <div className="space-y-4">
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {health.error ? <Alert>{errorMessage(health.error)}</Alert> : null}
      {reconcile.error ? <Alert>{errorMessage(reconcile.error)}</Alert> : null}
      <div className="flex flex-wrap items-center gap-2">
        <select
          aria-label="Window"
          value={window}
          onChange={(e) => setWindow(e.target.value as '24h' | '7d')}
          className="rounded border border-slate-300 px-1 py-1 text-sm"
        >
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
        </select>
        <div className="flex-1" />
        {canReconcile ? (
          <Button variant="secondary" disabled={reconcile.isPending} onClick={() => reconcile.mutate()}>
            Reconcile now
          </Button>
        ) : null}
      </div>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="sync-health-stats">
        <Stat label="Queue depth" value={String(data?.queueDepth ?? '—')} />
        <Stat label="Oldest pending" value={seconds(data?.oldestPendingSeconds ?? null)} />
        <Stat
          label="Success rate"
          value={data?.successRate == null ? '—' : `${(data.successRate * 100).toFixed(1)} %`}
        />
        <Stat label="Attempts" value={String(data?.totalAttempts ?? '—')} />
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        <CountBarChart
          title="Attempts by outcome"
          summary="Sync attempts per time bucket, stacked by outcome."
          data={data?.attemptSeries ?? []}
          categoryKey="bucket"
          series={outcomes}
          axisLabel="attempts"
        />
        <GroupedBarChart
          title="Approval to Odoo latency"
          summary="Seconds from the approval to the first successful sync, p50 and p95 per record type."
          data={data?.latency ?? []}
          categoryKey="recordType"
          series={[
            { key: 'p50Seconds', label: 'p50', color: '#2563eb' },
            { key: 'p95Seconds', label: 'p95', color: '#ea580c' },
          ]}
          axisLabel="seconds"
        />
      </div>
      <Card
        title={
          last
            ? `Last reconciliation: ${formatDateTime(last.startedAt)} (${last.trigger}, ${last.status})`
            : 'No reconciliation has run yet'
        }
      >
        {last ? (
          <table className="min-w-full text-sm" data-testid="reconciliation-counts">
            <thead>
              <tr>
                <th className="px-2 text-left">Record type</th>
                {countKeys.map((key) => (
                  <th key={key} className="px-2 text-right">
                    {key}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(last.counts).map(([type, counts]) => (
                <tr key={type}>
                  <td className="px-2">{type}</td>
                  {countKeys.map((key) => (
                    <td key={key} className="tabular px-2 text-right">
                      {counts[key]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <DataTable
        columns={columns}
        query={(input) => trpc.syncHealth.attempts.queryOptions(input)}
        csvFileName="sync-attempts"
        searchPlaceholder="Search operation or error"
      />
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="tabular text-lg font-semibold text-slate-900">{value}</dd>
    </div>
  );
}
